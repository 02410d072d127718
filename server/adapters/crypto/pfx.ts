import { createHash, createHmac, createPrivateKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';

/**
 * PKCS#12 (RFC 7292) files for Windows (IIS), Java (keytool, Tomcat) and OpenSSL, written with
 * node:crypto and a few lines of DER.
 *
 * The layout follows what `openssl pkcs12 -export` (OpenSSL 3) writes, which those three import:
 * - the key: a PKCS#8 shrouded key bag, PBES2 (PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC),
 *   exactly as node:crypto (OpenSSL) exports an encrypted PKCS#8 key;
 * - the leaf and the intermediates: cert bags in an unencrypted SafeContents (certificates are
 *   public; leaving them unencrypted also spares a second PBES2 that some importers fumble);
 * - leaf and key share a localKeyId (SHA-1 of the leaf, the conventional fingerprint: an
 *   identifier, not a security property) and a friendlyName (Java's alias, Windows' display name);
 * - integrity: HMAC-SHA256 with the key from the PKCS#12 KDF (RFC 7292 Appendix B.2), 2048
 *   iterations. PBMAC1 (RFC 9579) is newer but OpenSSL before 3.4 and Java 17 cannot read it.
 *
 * Readers: OpenSSL 3 (and 1.1.1), Java 8u301 / 11.0.12 / 17+, Windows 10 1709 / Server 2019+.
 * Older Windows only reads 3DES with SHA-1 MACs and reports a wrong password for this file.
 */

export interface PfxInput {
  /** PEM: PKCS#8, or the traditional RSA / EC forms. */
  privateKeyPem: string;
  /** PEM, leaf first, then the intermediates. */
  chainPem: string;
  /** Printable ASCII (the two password encodings of PKCS#12 only agree on ASCII). */
  password: string;
  /** The name importers show: Java's alias, Windows' friendly name. */
  friendlyName: string;
}

/** OpenSSL 3's default for both the key encryption and the MAC. */
export const PFX_ITERATIONS = 2048;
const MAC_SALT_BYTES = 16;

const OID = {
  data: '1.2.840.113549.1.7.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  sha256: '2.16.840.1.101.3.4.2.1',
};

const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export function createPfx(input: PfxInput): Buffer {
  if (!/^[\x20-\x7e]+$/.test(input.password)) throw new Error('createPfx: the password must be non-empty printable ASCII');
  const certificates = readCertificates(input.chainPem);
  const leaf = certificates[0];
  if (leaf === undefined) throw new Error('createPfx: no -----BEGIN CERTIFICATE----- block in the chain');
  const key = readPrivateKey(input.privateKeyPem);
  if (!leaf.checkPrivateKey(key)) throw new Error('createPfx: the private key does not belong to the first certificate');

  const localKeyId = createHash('sha1').update(leaf.raw).digest();
  const leafAttributes = [attribute(OID.friendlyName, bmpString(input.friendlyName)), attribute(OID.localKeyId, octetString(localKeyId))];
  const certBags = certificates.map((certificate, index) =>
    safeBag(OID.certBag, sequence(oid(OID.x509Certificate), explicit0(octetString(certificate.raw))), index === 0 ? leafAttributes : []));
  const shroudedKey = key.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: input.password });
  const keyBag = safeBag(OID.pkcs8ShroudedKeyBag, shroudedKey, leafAttributes);

  const authenticatedSafe = sequence(dataContentInfo(sequence(...certBags)), dataContentInfo(sequence(keyBag)));
  const salt = randomBytes(MAC_SALT_BYTES);
  const macKey = pkcs12MacKey(input.password, salt, PFX_ITERATIONS);
  const mac = createHmac('sha256', macKey).update(authenticatedSafe).digest();
  const macData = sequence(
    sequence(sequence(oid(OID.sha256), NULL), octetString(mac)),
    octetString(salt),
    integer(PFX_ITERATIONS),
  );
  return sequence(integer(3), dataContentInfo(authenticatedSafe), macData);
}

function readCertificates(chainPem: string): X509Certificate[] {
  return (chainPem.match(CERTIFICATE_PEM) ?? []).map((pem, index) => {
    try {
      return new X509Certificate(pem);
    } catch (error) {
      throw new Error(`createPfx: certificate ${index + 1} is not a valid X.509 certificate`, { cause: error });
    }
  });
}

function readPrivateKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new Error('createPfx: not a PEM private key', { cause: error });
  }
}

/**
 * The MAC key of RFC 7292 Appendix B.2 with SHA-256 (u = 32, v = 64, ID = 3). The key is as long
 * as one hash output, so only the first block A_1 is needed and I never has to be adjusted.
 */
function pkcs12MacKey(password: string, salt: Buffer, iterations: number): Buffer {
  const v = 64;
  const diversifier = Buffer.alloc(v, 3);
  const passwordBmp = Buffer.concat([bmpBytes(password), Buffer.alloc(2)]);
  const i = Buffer.concat([repeatToBlocks(salt, v), repeatToBlocks(passwordBmp, v)]);
  let a = createHash('sha256').update(diversifier).update(i).digest();
  for (let round = 1; round < iterations; round++) a = createHash('sha256').update(a).digest();
  return a;
}

/** `data` repeated and cut to the next multiple of `v` bytes (empty stays empty). */
function repeatToBlocks(data: Buffer, v: number): Buffer {
  const length = v * Math.ceil(data.length / v);
  const out = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += data.length) data.copy(out, offset);
  return out;
}

/** UTF-16 big-endian, the BMPString encoding. */
function bmpBytes(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

// --- DER, just the few types PKCS#12 needs ---

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), content]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length, ...bytes]), content]);
}

function sequence(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

/** DER orders the elements of a SET OF by their encodings. */
function setOf(items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat([...items].sort((a, b) => Buffer.compare(a, b))));
}

function explicit0(inner: Buffer): Buffer {
  return tlv(0xa0, inner);
}

function octetString(bytes: Buffer): Buffer {
  return tlv(0x04, bytes);
}

function bmpString(text: string): Buffer {
  return tlv(0x1e, bmpBytes(text));
}

const NULL = Buffer.from([0x05, 0x00]);

/** Non-negative integers. */
function integer(value: number): Buffer {
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  if (bytes.length === 0 || (bytes[0] ?? 0) >= 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const bytes: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const chunk = [arc % 128];
    for (let high = Math.floor(arc / 128); high > 0; high = Math.floor(high / 128)) chunk.unshift(0x80 | (high % 128));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

// --- PKCS#12 structures ---

function attribute(type: string, value: Buffer): Buffer {
  return sequence(oid(type), setOf([value]));
}

function safeBag(type: string, value: Buffer, attributes: Buffer[]): Buffer {
  return sequence(oid(type), explicit0(value), ...(attributes.length > 0 ? [setOf(attributes)] : []));
}

function dataContentInfo(content: Buffer): Buffer {
  return sequence(oid(OID.data), explicit0(octetString(content)));
}
