import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NodeKeyService } from '../../../server/adapters/crypto/key-service';
import { InvalidInputError, type KeyType } from '../../../server/ports/keys';
import { useTempDir } from '../support/temp-dir';

const run = promisify(execFile);
const keys = new NodeKeyService();

function toPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function derOf(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** The same CSR with its last byte (inside the signature) flipped. */
function withCorruptSignature(pem: string): string {
  const der = derOf(pem);
  der[der.length - 1] = der[der.length - 1]! ^ 0x01;
  return toPem(der, 'CERTIFICATE REQUEST');
}

describe('NodeKeyService', () => {
  const dir = useTempDir('keys', 'all');
  const openssl = async (...args: string[]): Promise<string> => (await run('openssl', args, { cwd: dir() })).stdout;
  const read = (name: string) => readFile(join(dir(), name), 'utf8');
  /** `openssl req -new` with a fresh key: `newkey` is e.g. `rsa:2048`, `ec`, `ed25519`. */
  async function opensslCsr(name: string, newkey: string[], subject: string, san: string | null, digest: string | null = 'sha256'): Promise<string> {
    const extra = [...(san ? ['-addext', `subjectAltName=${san}`] : []), ...(digest ? [`-${digest}`] : [])];
    await openssl('req', '-new', ...newkey, '-nodes', '-keyout', `${name}.key`, '-subj', subject, ...extra, '-out', `${name}.csr`);
    return read(`${name}.csr`);
  }

  describe('generate', () => {
    const cases: [KeyType, string, Record<string, unknown>][] = [
      ['ec-p256', 'ec', { namedCurve: 'prime256v1' }],
      ['ec-p384', 'ec', { namedCurve: 'secp384r1' }],
      ['rsa-2048', 'rsa', { modulusLength: 2048, publicExponent: 65537n }],
      ['rsa-3072', 'rsa', { modulusLength: 3072, publicExponent: 65537n }],
      ['rsa-4096', 'rsa', { modulusLength: 4096, publicExponent: 65537n }],
    ];
    test.each(cases)('%s: a PKCS#8 key and a CSR for exactly the names, which OpenSSL verifies', async (keyType, algorithm, details) => {
      const names = ['app.example.com', '*.example.com', 'example.com'];
      const generated = await keys.generate(keyType, names);

      expect(generated.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      const privateKey = createPrivateKey(generated.privateKeyPem);
      expect(privateKey.asymmetricKeyType).toBe(algorithm);
      expect(privateKey.asymmetricKeyDetails).toMatchObject(details);

      await writeFile(join(dir(), `${keyType}.csr`), generated.csrPem);
      const { stderr } = await run('openssl', ['req', '-in', `${keyType}.csr`, '-noout', '-verify'], { cwd: dir() });
      expect(stderr).toMatch(/verify OK/i);
      const text = await openssl('req', '-in', `${keyType}.csr`, '-noout', '-text');
      expect(text).toContain('Subject: CN = app.example.com');
      expect(text).toContain('DNS:app.example.com, DNS:*.example.com, DNS:example.com');
      expect(text).not.toContain('Key Usage');
      const csrKey = await openssl('req', '-in', `${keyType}.csr`, '-noout', '-pubkey');
      expect(createPublicKey(csrKey).export({ type: 'spki', format: 'pem' })).toBe(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }));

      const info = await keys.inspectCsr(generated.csrPem);
      expect(info.names).toEqual(names);
      expect(info.signatureValid).toBe(true);
      expect(info.signatureAlgorithm).toBe(algorithm === 'ec' ? 'ecdsa-with-SHA256' : 'sha256WithRSAEncryption');
    }, 60_000);

    test('leaves the CN out when the first name is longer than X.509 allows (64); the SANs still hold it', async () => {
      const long = `${'a'.repeat(60)}.example.com`;
      const generated = await keys.generate('ec-p256', [long, 'example.com']);
      await writeFile(join(dir(), 'long.csr'), generated.csrPem);
      const text = await openssl('req', '-in', 'long.csr', '-noout', '-text');
      expect(text).not.toContain('CN =');
      expect(text).toContain(`DNS:${long}, DNS:example.com`);
      expect((await keys.inspectCsr(generated.csrPem)).names).toEqual([long, 'example.com']);
    });

    test('refuses an empty name list', async () => {
      await expect(keys.generate('ec-p256', [])).rejects.toThrow(/at least one name/);
    });

    test('account keys are fresh ECDSA P-256 PKCS#8 keys', async () => {
      const [a, b] = await Promise.all([keys.generateAccountKey(), keys.generateAccountKey()]);
      expect(a).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      expect(a).not.toBe(b);
      expect(createPrivateKey(a).asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    });
  });

  describe('inspectCsr with CSRs made by openssl', () => {
    let ec = '';
    let rsa = '';
    beforeAll(async () => {
      ec = await opensslCsr('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/CN=Shop.Example.COM/O=Shop',
        'DNS:shop.example.com,DNS:WWW.Example.com,IP:192.0.2.1,DNS:*.example.com,DNS:www.example.com');
      rsa = await opensslCsr('rsa', ['-newkey', 'rsa:2048'], '/CN=legacy.example.com', 'DNS:example.com,DNS:www.example.com', 'sha384');
    }, 60_000);

    test('EC P-256: names from CN and SANs, lower-cased, de-duplicated, in order; IP SANs left out', async () => {
      expect(await keys.inspectCsr(ec)).toEqual({
        names: ['shop.example.com', 'www.example.com', '*.example.com'],
        publicKey: { algorithm: 'ec', bits: 256, curve: 'P-256' },
        signatureValid: true,
        signatureAlgorithm: 'ecdsa-with-SHA256',
      });
    });

    test('RSA 2048 with SANs and a CN that is not among them', async () => {
      expect(await keys.inspectCsr(rsa)).toEqual({
        names: ['legacy.example.com', 'example.com', 'www.example.com'],
        publicKey: { algorithm: 'rsa', bits: 2048 },
        signatureValid: true,
        signatureAlgorithm: 'sha384WithRSAEncryption',
      });
    });

    test('a weak RSA 1024 key, SHA-1, P-384, P-521 and Ed25519 are described as they are', async () => {
      const weak = await keys.inspectCsr(await opensslCsr('weak', ['-newkey', 'rsa:1024'], '/CN=weak.example.com', null));
      expect(weak).toMatchObject({ names: ['weak.example.com'], publicKey: { algorithm: 'rsa', bits: 1024 }, signatureValid: true });
      const sha1 = await keys.inspectCsr(await opensslCsr('sha1', ['-newkey', 'rsa:2048'], '/CN=old.example.com', null, 'sha1'));
      expect(sha1).toMatchObject({ signatureValid: true, signatureAlgorithm: 'sha1WithRSAEncryption' });
      const p384 = await keys.inspectCsr(await opensslCsr('p384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], '/CN=a.example.com', null, 'sha384'));
      expect(p384).toMatchObject({ publicKey: { algorithm: 'ec', bits: 384, curve: 'P-384' }, signatureValid: true, signatureAlgorithm: 'ecdsa-with-SHA384' });
      const p521 = await keys.inspectCsr(await opensslCsr('p521', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'], '/CN=a.example.com', null));
      expect(p521).toMatchObject({ publicKey: { algorithm: 'ec', bits: 521, curve: 'P-521' }, signatureValid: true });
      const ed = await keys.inspectCsr(await opensslCsr('ed', ['-newkey', 'ed25519'], '/CN=a.example.com', null, null));
      expect(ed).toEqual({ names: ['a.example.com'], publicKey: { algorithm: 'ed25519', bits: 256 }, signatureValid: true, signatureAlgorithm: 'ED25519' });
    });

    test('a corrupted signature or an edited body fails verification, for RSA and for EC', async () => {
      expect((await keys.inspectCsr(withCorruptSignature(rsa))).signatureValid).toBe(false);
      expect((await keys.inspectCsr(withCorruptSignature(ec))).signatureValid).toBe(false);

      const der = derOf(ec);
      const at = der.indexOf('shop.example.com');
      expect(at).toBeGreaterThan(0);
      der.write('shoq', at, 'latin1');
      const edited = await keys.inspectCsr(toPem(der, 'CERTIFICATE REQUEST'));
      expect(edited.names).toContain('shoq.example.com');
      expect(edited.signatureValid).toBe(false);
    });

    test('accepts surrounding text, CRLF line ends and the old NEW CERTIFICATE REQUEST label', async () => {
      const messy = `Here is my CSR:\r\n${ec.replace(/\n/g, '\r\n')}\r\nthanks`;
      expect((await keys.inspectCsr(messy)).signatureValid).toBe(true);
      const old = ec.replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST');
      expect((await keys.inspectCsr(old)).names).toEqual(['shop.example.com', 'www.example.com', '*.example.com']);
    });

    test('anything else is an InvalidInputError with an English message', async () => {
      const csr = ec;
      const garbage = toPem(Buffer.from('definitely not DER'), 'CERTIFICATE REQUEST');
      const cases: [string, RegExp][] = [
        ['', /no -----BEGIN CERTIFICATE REQUEST----- PEM block/],
        ['hello', /no -----BEGIN CERTIFICATE REQUEST----- PEM block/],
        [await read('ec.key'), /no -----BEGIN CERTIFICATE REQUEST----- PEM block/],
        [garbage, /not a valid PKCS#10 structure/],
        [csr.slice(0, 200) + csr.slice(-40), /not a valid PKCS#10 structure/],
        [csr + csr, /found several PEM blocks/],
      ];
      for (const [input, message] of cases) {
        const error: unknown = await keys.inspectCsr(input).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidInputError);
        expect((error as Error).message).toMatch(message);
      }
      const withCause: unknown = await keys.inspectCsr(garbage).catch((e: unknown) => e);
      expect((withCause as Error).cause).toBeInstanceOf(Error);
    });
  });

  describe('inspectChain and keyMatchesCertificate with a small CA made by openssl', () => {
    const pems = { root: '', intermediate: '', leaf: '', impostor: '' };
    beforeAll(async () => {
      const ext = (name: string, lines: string[]) => writeFile(join(dir(), name), `${lines.join('\n')}\n`);
      await ext('ca.ext', ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid:always']);
      await ext('leaf.ext', ['basicConstraints=critical,CA:FALSE', 'subjectAltName=DNS:app.example.test,IP:192.0.2.7,DNS:*.example.test', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid:always']);
      await openssl('req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', 'root.key', '-sha384',
        '-subj', '/CN=CertKeeper Test Root/O=CertKeeper', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-out', 'root.pem');
      for (const [name, caName, serial] of [['int', 'root', '0x1001'], ['impostor', 'root', '0x1002']] as const) {
        await openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-subj', '/CN=CertKeeper Test R1/O=CertKeeper', '-out', `${name}.csr`);
        await openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.pem`, '-CAkey', `${caName}.key`, '-set_serial', serial, '-days', '30', '-sha384', '-extfile', 'ca.ext', '-out', `${name}.pem`);
      }
      await openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-subj', '/CN=app.example.test', '-out', 'leaf.csr');
      await openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'int.pem', '-CAkey', 'int.key', '-set_serial', '0x7A3F00C0FFEE01', '-days', '7', '-sha256', '-extfile', 'leaf.ext', '-out', 'leaf.pem');
      pems.root = await read('root.pem');
      pems.intermediate = await read('int.pem');
      pems.leaf = await read('leaf.pem');
      pems.impostor = await read('impostor.pem');
    }, 60_000);

    test('describes every certificate of a leaf-first chain', async () => {
      const chain = keys.inspectChain(pems.leaf + pems.intermediate + pems.root);
      expect(chain.ordered).toBe(true);
      expect(chain.certificates).toHaveLength(3);
      const [leaf, intermediate, root] = chain.certificates;
      const node = new X509Certificate(pems.leaf);
      const fingerprint = (await openssl('x509', '-in', 'leaf.pem', '-noout', '-fingerprint', '-sha256')).split('=')[1]!.trim().replace(/:/g, '').toLowerCase();
      const spkiDer = (await run('sh', ['-c', 'openssl x509 -in leaf.pem -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r'], { cwd: dir() })).stdout.split(' ')[0];
      const intermediateSki = (await openssl('x509', '-in', 'int.pem', '-noout', '-ext', 'subjectKeyIdentifier')).split('\n')[1]!.trim().replace(/:/g, '').toLowerCase();
      expect(leaf).toEqual({
        serialNumber: '7A3F00C0FFEE01',
        notBefore: new Date(node.validFrom).getTime(),
        notAfter: new Date(node.validTo).getTime(),
        dnsNames: ['app.example.test', '*.example.test'],
        subject: 'CN=app.example.test',
        issuer: 'CN=CertKeeper Test R1, O=CertKeeper',
        issuerCommonName: 'CertKeeper Test R1',
        publicKey: { algorithm: 'ec', bits: 256, curve: 'P-256' },
        // Signed by the intermediate's RSA key.
        signatureAlgorithm: 'sha256WithRSAEncryption',
        sha256: fingerprint,
        spkiSha256: spkiDer,
        isCa: false,
        authorityKeyId: intermediateSki,
      });
      expect(leaf!.notAfter - leaf!.notBefore).toBe(7 * 86_400_000);
      expect(intermediate).toMatchObject({ serialNumber: '1001', isCa: true, dnsNames: [], publicKey: { algorithm: 'rsa', bits: 2048 }, signatureAlgorithm: 'ecdsa-with-SHA384', issuerCommonName: 'CertKeeper Test Root' });
      expect(root).toMatchObject({ isCa: true, publicKey: { algorithm: 'ec', bits: 384, curve: 'P-384' }, subject: 'CN=CertKeeper Test Root, O=CertKeeper', issuer: 'CN=CertKeeper Test Root, O=CertKeeper' });
      expect(root!.authorityKeyId).toMatch(/^[0-9a-f]{40}$/);
    });

    test('ordered is false when a certificate is not signed by the next one', () => {
      expect(keys.inspectChain(pems.leaf + pems.intermediate).ordered).toBe(true);
      expect(keys.inspectChain(pems.leaf).ordered).toBe(true);
      expect(keys.inspectChain(pems.leaf + pems.root + pems.intermediate).ordered).toBe(false);
      expect(keys.inspectChain(pems.intermediate + pems.leaf).ordered).toBe(false);
      expect(keys.inspectChain(pems.leaf + pems.root).ordered).toBe(false);
      // Same issuer name as the real intermediate, another key: only the signature tells them apart.
      expect(keys.inspectChain(pems.leaf + pems.impostor).ordered).toBe(false);
      expect(keys.inspectChain(pems.impostor + pems.root).ordered).toBe(true);
    });

    test('text around the certificates is ignored; no certificate or a broken one is an InvalidInputError', () => {
      const chain = keys.inspectChain(`subject=CN = app.example.test\n${pems.leaf}\nissuer=...\r\n${pems.intermediate}`);
      expect(chain.certificates.map((c) => c.subject)).toEqual(['CN=app.example.test', 'CN=CertKeeper Test R1, O=CertKeeper']);
      expect(() => keys.inspectChain('')).toThrow(InvalidInputError);
      expect(() => keys.inspectChain(toPem(Buffer.from('nope'), 'CERTIFICATE REQUEST'))).toThrow(/no -----BEGIN CERTIFICATE----- PEM block/);
      const broken = toPem(Buffer.from('not a certificate'), 'CERTIFICATE');
      expect(() => keys.inspectChain(pems.leaf + broken)).toThrow(/certificate 2 of 2 is not a valid X.509 certificate/);
    });

    test('keyMatchesCertificate compares the key with the leaf', async () => {
      const leafKey = await read('leaf.key');
      expect(keys.keyMatchesCertificate(leafKey, pems.leaf)).toBe(true);
      expect(keys.keyMatchesCertificate(leafKey, pems.leaf + pems.intermediate)).toBe(true);
      expect(keys.keyMatchesCertificate(await read('int.key'), pems.leaf)).toBe(false);
      expect(keys.keyMatchesCertificate(await read('int.key'), pems.intermediate + pems.root)).toBe(true);
      expect(keys.keyMatchesCertificate((await keys.generate('ec-p256', ['app.example.test'])).privateKeyPem, pems.leaf)).toBe(false);
      expect(() => keys.keyMatchesCertificate('not a key', pems.leaf)).toThrow(/not a private key/);
      expect(() => keys.keyMatchesCertificate(leafKey, 'not a certificate')).toThrow(InvalidInputError);
    });
  });
});
