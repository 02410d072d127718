import { createHash, createPrivateKey, createPublicKey, constants, KeyObject, verify, webcrypto, X509Certificate as NodeCertificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {
  InvalidInputError,
  type CertificateInfo,
  type ChainInfo,
  type CsrInfo,
  type GeneratedKey,
  type KeyService,
  type KeyType,
  type PublicKeyInfo,
} from '../../ports/keys';
import { createPfx, type PfxInput } from './pfx';

/**
 * Keys, CSRs and certificates with node:crypto (generation, signatures, chain checks) and
 * `@peculiar/x509` (the structure Node cannot read: CSRs, SANs, AKI, signature algorithms).
 *
 * Generated CSRs hold the subject CN (the first name, unless it is longer than the 64 characters
 * X.509 allows a CN, then no CN: CAs take the names from the SANs) and one extension, the SANs.
 * No KeyUsage is requested: CAs set it themselves, and acme-client's `digitalSignature |
 * keyEncipherment` is wrong for EC keys. All signatures use SHA-256, which every CA accepts.
 */

type GenerateParams = webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams;

const RSA = (modulusLength: number): GenerateParams => ({
  name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256',
});
const KEY_PARAMS: Record<KeyType, GenerateParams> = {
  'ec-p256': { name: 'ECDSA', namedCurve: 'P-256' },
  'ec-p384': { name: 'ECDSA', namedCurve: 'P-384' },
  'rsa-2048': RSA(2048),
  'rsa-3072': RSA(3072),
  'rsa-4096': RSA(4096),
};

/** RFC 5280 ub-common-name. */
const MAX_CN_LENGTH = 64;

/** OpenSSL's short names for the curves we meet, and their bits. */
const CURVES: Record<string, { curve: string; bits: number }> = {
  prime256v1: { curve: 'P-256', bits: 256 },
  secp384r1: { curve: 'P-384', bits: 384 },
  secp521r1: { curve: 'P-521', bits: 521 },
};

const CSR_PEM = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([\s\S]*?)-----END (?:NEW )?CERTIFICATE REQUEST-----/g;
const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export class NodeKeyService implements KeyService {
  createPfx(input: PfxInput): Buffer {
    return createPfx(input);
  }

  async generateAccountKey(): Promise<string> {
    return (await generatePair(KEY_PARAMS['ec-p256'])).privateKeyPem;
  }

  async generate(keyType: KeyType, names: string[]): Promise<GeneratedKey> {
    const first = names[0];
    if (first === undefined) throw new Error('generate: a CSR needs at least one name');
    const { keys, privateKeyPem } = await generatePair(KEY_PARAMS[keyType]);
    const signingAlgorithm = keyType.startsWith('ec-') ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: first.length <= MAX_CN_LENGTH ? [{ CN: [first] }] : [],
      keys,
      signingAlgorithm,
      extensions: [new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: 'dns', value })))],
    }, webcrypto);
    return { privateKeyPem, csrPem: csr.toString('pem') };
  }

  async inspectCsr(csrPem: string): Promise<CsrInfo> {
    const blocks = [...csrPem.matchAll(CSR_PEM)];
    const body = blocks[0]?.[1];
    if (body === undefined || blocks.length > 1) {
      throw new InvalidInputError(blocks.length > 1
        ? 'expected one certificate request, found several PEM blocks'
        : 'not a certificate request: no -----BEGIN CERTIFICATE REQUEST----- PEM block');
    }
    const der = Buffer.from(body.replace(/\s+/g, ''), 'base64');
    let csr: x509.Pkcs10CertificateRequest;
    let publicKey: KeyObject | null;
    let signedPart: Buffer;
    try {
      csr = new x509.Pkcs10CertificateRequest(der);
      signedPart = firstElementOfSequence(der);
      publicKey = readPublicKey(csr.publicKey.rawData);
    } catch (error) {
      throw new InvalidInputError('not a certificate request: the PEM block is not a valid PKCS#10 structure', { cause: error });
    }
    const sanNames = csr.extensions
      .filter((ext): ext is x509.SubjectAlternativeNameExtension => ext instanceof x509.SubjectAlternativeNameExtension)
      .flatMap(dnsNamesOf);
    const names = [...new Set([...csr.subjectName.getField('CN'), ...sanNames].map((name) => name.toLowerCase()))];
    const algorithm = readAlgorithm(csr.signatureAlgorithm);
    return {
      names,
      publicKey: describePublicKey(publicKey),
      signatureValid: publicKey !== null && verifySignature(algorithm, signedPart, publicKey, Buffer.from(csr.signature)),
      signatureAlgorithm: signatureAlgorithmName(algorithm),
    };
  }

  inspectChain(chainPem: string): ChainInfo {
    const blocks = chainPem.match(CERTIFICATE_PEM) ?? [];
    if (blocks.length === 0) throw new InvalidInputError('not a certificate chain: no -----BEGIN CERTIFICATE----- PEM block');
    const parsed = blocks.map((pem, index) => {
      try {
        return { node: new NodeCertificate(pem), cert: new x509.X509Certificate(pem) };
      } catch (error) {
        throw new InvalidInputError(`certificate ${index + 1} of ${blocks.length} is not a valid X.509 certificate`, { cause: error });
      }
    });
    const ordered = parsed.every(({ node }, index) => {
      const issuer = parsed[index + 1]?.node;
      return issuer === undefined || (node.checkIssued(issuer) && verifiesWith(node, issuer));
    });
    return { certificates: parsed.map(({ node, cert }) => describeCertificate(node, cert)), ordered };
  }

  keyMatchesCertificate(privateKeyPem: string, certificatePem: string): boolean {
    let key: KeyObject;
    try {
      key = createPrivateKey(privateKeyPem);
    } catch (error) {
      throw new InvalidInputError('not a private key: expected a PEM private key', { cause: error });
    }
    const leafPem = certificatePem.match(CERTIFICATE_PEM)?.[0];
    if (leafPem === undefined) throw new InvalidInputError('not a certificate: no -----BEGIN CERTIFICATE----- PEM block');
    let leaf: NodeCertificate;
    try {
      leaf = new NodeCertificate(leafPem);
    } catch (error) {
      throw new InvalidInputError('the first certificate is not a valid X.509 certificate', { cause: error });
    }
    return leaf.checkPrivateKey(key);
  }
}

/** Generates off the main thread (WebCrypto runs key generation in libuv's pool). */
async function generatePair(params: GenerateParams): Promise<{ keys: webcrypto.CryptoKeyPair; privateKeyPem: string }> {
  const keys = await webcrypto.subtle.generateKey(params, true, ['sign', 'verify']);
  const privateKeyPem = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { keys, privateKeyPem };
}

function describeCertificate(node: NodeCertificate, cert: x509.X509Certificate): CertificateInfo {
  const spki = Buffer.from(cert.publicKey.rawData);
  const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  return {
    serialNumber: node.serialNumber.toUpperCase(),
    notBefore: cert.notBefore.getTime(),
    notAfter: cert.notAfter.getTime(),
    dnsNames: san ? dnsNamesOf(san) : [],
    subject: cert.subject,
    issuer: cert.issuer,
    issuerCommonName: cert.issuerName.getField('CN')[0] ?? null,
    publicKey: describePublicKey(readPublicKey(cert.publicKey.rawData)),
    signatureAlgorithm: signatureAlgorithmName(readAlgorithm(cert.signatureAlgorithm)),
    sha256: createHash('sha256').update(node.raw).digest('hex'),
    spkiSha256: createHash('sha256').update(spki).digest('hex'),
    isCa: node.ca,
    authorityKeyId: aki ? aki.toLowerCase() : null,
  };
}

function dnsNamesOf(san: x509.SubjectAlternativeNameExtension): string[] {
  return san.names.items.filter((name) => name.type === 'dns').map((name) => name.value);
}

/** Null when OpenSSL does not know the key's algorithm. */
function readPublicKey(spki: ArrayBuffer): KeyObject | null {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

function describePublicKey(key: KeyObject | null): PublicKeyInfo {
  const details = key?.asymmetricKeyDetails ?? {};
  switch (key?.asymmetricKeyType) {
    case 'rsa':
      return { algorithm: 'rsa', bits: details.modulusLength ?? 0 };
    case 'ec': {
      const named = details.namedCurve ?? 'unknown';
      const known = CURVES[named];
      return { algorithm: 'ec', bits: known?.bits ?? 0, curve: known?.curve ?? named };
    }
    case 'ed25519':
      return { algorithm: 'ed25519', bits: 256 };
    case 'ed448':
      return { algorithm: 'ed448', bits: 456 };
    default:
      // RSA-PSS-only keys, DSA, GOST, …: no public CA takes them.
      return { algorithm: 'other', bits: details.modulusLength ?? 0 };
  }
}

/** `x509`'s WebCrypto-style description; `name` is the OID when it does not know the algorithm. */
interface SignatureAlgorithm {
  name: string;
  /** `SHA-256` etc.; empty for Ed25519 / Ed448 and unknown algorithms. */
  hash: string;
  saltLength: number | null;
}

/**
 * `x509` types its algorithms with DOM WebCrypto types, which this Node project does not load, so
 * they arrive untyped: read them as `unknown`.
 */
function readAlgorithm(value: unknown): SignatureAlgorithm {
  const field = (object: unknown, key: string): unknown =>
    typeof object === 'object' && object !== null ? (Reflect.get(object, key) as unknown) : undefined;
  const name = field(value, 'name');
  const hash = field(field(value, 'hash'), 'name');
  const saltLength = field(value, 'saltLength');
  return {
    name: typeof name === 'string' ? name : 'unknown',
    hash: typeof hash === 'string' ? hash : '',
    saltLength: typeof saltLength === 'number' ? saltLength : null,
  };
}

/** OpenSSL's names: `sha256WithRSAEncryption`, `ecdsa-with-SHA384`, `rsassaPss`, `ED25519`. */
function signatureAlgorithmName(alg: SignatureAlgorithm): string {
  const hash = alg.hash.replace('-', '');
  switch (alg.name) {
    case 'RSASSA-PKCS1-v1_5': return `${hash.toLowerCase()}WithRSAEncryption`;
    case 'ECDSA': return `ecdsa-with-${hash}`;
    case 'RSA-PSS': return 'rsassaPss';
    case 'Ed25519': return 'ED25519';
    case 'Ed448': return 'ED448';
    default: return alg.name;
  }
}

/** Verifies with OpenSSL, which knows more curves than WebCrypto. False for unknown algorithms. */
function verifySignature(alg: SignatureAlgorithm, data: Buffer, key: KeyObject, signature: Buffer): boolean {
  const hash = alg.hash.replace('-', '').toLowerCase();
  try {
    switch (alg.name) {
      case 'RSASSA-PKCS1-v1_5':
      case 'ECDSA':
        return verify(hash, data, key, signature);
      case 'RSA-PSS':
        return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength ?? 20 }, signature);
      case 'Ed25519':
      case 'Ed448':
        return verify(null, data, key, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

function verifiesWith(cert: NodeCertificate, issuer: NodeCertificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** The whole DER element (tag, length, content) that opens a SEQUENCE: a CSR's signed part. */
function firstElementOfSequence(der: Buffer): Buffer {
  const outer = readHeader(der, 0);
  const inner = readHeader(der, outer.contentStart);
  const end = inner.contentStart + inner.length;
  if (end > der.length) throw new RangeError('DER element runs past the end of the input');
  return der.subarray(outer.contentStart, end);
}

function readHeader(der: Buffer, offset: number): { contentStart: number; length: number } {
  const first = der.readUInt8(offset + 1);
  if (first < 0x80) return { contentStart: offset + 2, length: first };
  const count = first & 0x7f;
  if (count === 0 || count > 4) throw new RangeError('unsupported DER length');
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + der.readUInt8(offset + 2 + i);
  return { contentStart: offset + 2 + count, length };
}
