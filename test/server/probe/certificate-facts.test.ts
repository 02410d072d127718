/**
 * Certificate facts from DER: what node:crypto says, plus the fields read by the small DER reader
 * (SANs, validity in both time encodings, key identifiers, signature algorithm), checked against
 * certificates made with @peculiar/x509 and against Node's own reading of the same certificates.
 */
import { webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { isOrdered, parseServedCertificate } from '../../../server/adapters/probe/certificate-facts';
import { formatIpv6 } from '../../../server/adapters/probe/der';
import { createCa, createLeaf, type Issued } from '../support/tls-servers';

const der = (issued: Issued | x509.X509Certificate) => Buffer.from('cert' in issued ? issued.cert.rawData : issued.rawData);

async function bareCertificate(options: { subject: string; notBefore: Date; notAfter: Date; rsa?: boolean }): Promise<x509.X509Certificate> {
  const params = options.rsa
    ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-384' }
    : { name: 'ECDSA', namedCurve: 'P-384' };
  const keys = await webcrypto.subtle.generateKey(params, true, ['sign', 'verify']);
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '00a1b2', name: options.subject, keys, notBefore: options.notBefore, notAfter: options.notAfter,
    signingAlgorithm: options.rsa ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' } : { name: 'ECDSA', hash: 'SHA-384' },
    extensions: [],
  }, webcrypto);
}

describe('parseServedCertificate', () => {
  it('reads a leaf and its issuer the way Node does, plus key identifiers', async () => {
    const root = await createCa('Facts Root');
    const leaf = await createLeaf({ names: ['A.Example.test', '*.example.test'], ips: ['192.0.2.1', '::1'] }, root);
    const { facts } = parseServedCertificate(der(leaf));
    const node = new X509Certificate(leaf.pem);
    expect(facts).toMatchObject({
      subject: 'CN=A.Example.test',
      issuer: 'CN=Facts Root',
      dnsNames: ['a.example.test', '*.example.test'],
      ipAddresses: ['192.0.2.1', '::1'],
      serialNumber: node.serialNumber.toUpperCase(),
      notBefore: Date.parse(node.validFrom),
      notAfter: Date.parse(node.validTo),
      fingerprintSha256: leaf.fingerprint,
      keyType: 'ec', keyBits: 256, curve: 'prime256v1',
      signatureAlgorithm: 'ecdsa-with-SHA256',
      isCa: false, selfSigned: false,
    });
    expect(facts.authorityKeyId).toBe(parseServedCertificate(der(root)).facts.subjectKeyId);
    expect(parseServedCertificate(der(root)).facts).toMatchObject({ isCa: true, selfSigned: true });
  });

  it('reads GeneralizedTime (2050 on), no extensions, RSA signatures and a multi-part subject', async () => {
    const cert = await bareCertificate({
      subject: 'C=CN, O=Example\\, Inc., CN=legacy.example.test',
      notBefore: new Date(Date.UTC(2049, 11, 31, 23, 59, 59)),
      notAfter: new Date(Date.UTC(2051, 0, 2, 3, 4, 5)),
      rsa: true,
    });
    const { facts } = parseServedCertificate(der(cert));
    expect(facts).toMatchObject({
      subject: 'CN=legacy.example.test, O=Example\\, Inc., C=CN',
      notBefore: Date.UTC(2049, 11, 31, 23, 59, 59),
      notAfter: Date.UTC(2051, 0, 2, 3, 4, 5),
      dnsNames: [], ipAddresses: [], authorityKeyId: null, subjectKeyId: null,
      keyType: 'rsa', keyBits: 2048, curve: null,
      signatureAlgorithm: 'sha384WithRSAEncryption',
      serialNumber: 'A1B2',
      selfSigned: true,
    });
  });

  it('names a P-384 key and its signature', async () => {
    const cert = await bareCertificate({ subject: 'CN=p384.example.test', notBefore: new Date(0), notAfter: new Date(Date.UTC(2030, 0, 1)) });
    expect(parseServedCertificate(der(cert)).facts).toMatchObject({ keyType: 'ec', keyBits: 384, curve: 'secp384r1', signatureAlgorithm: 'ecdsa-with-SHA384', notBefore: 0 });
  });

  it('is ordered only when each certificate is issued by the next', async () => {
    const root = await createCa('Order Root');
    const intermediate = await createCa('Order Intermediate', root);
    const leaf = await createLeaf({ names: ['order.example.test'] }, intermediate);
    const [l, i, r] = [leaf, intermediate, root].map((cert) => new X509Certificate(cert.pem)) as [X509Certificate, X509Certificate, X509Certificate];
    expect(isOrdered([l, i, r])).toBe(true);
    expect(isOrdered([l])).toBe(true);
    expect(isOrdered([l, r, i])).toBe(false);
    expect(isOrdered([l, r])).toBe(false);
  });
});

describe('formatIpv6', () => {
  it.each([
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['00000000000000000000000000000001', '::1'],
    ['00000000000000000000000000000000', '::'],
    ['fe800000000000000000000000000000', 'fe80::'],
    ['20010db8000100010001000100010001', '2001:db8:1:1:1:1:1:1'],
    ['20010db8000000010000000000000001', '2001:db8:0:1::1'],
  ])('%s → %s', (hex, text) => {
    expect(formatIpv6(Buffer.from(hex, 'hex'))).toBe(text);
  });
});
