/**
 * The certificate chain exactly as a server sent it, read from the bytes of the handshake.
 *
 * Node has no API for this: `getPeerCertificate(true)` rebuilds the chain by issuer, so it puts a
 * misordered chain in order, drops certificates that do not link, and appends issuers from the
 * client's trust store. So the probe records what the server sent during its own handshake and
 * reads the TLS Certificate message (RFC 8446 §4.4.2, RFC 5246 §7.4.2) out of it:
 * - TLS 1.0–1.2: the message travels in plaintext handshake records.
 * - TLS 1.3: it is encrypted with the server handshake traffic secret, which OpenSSL hands to the
 *   client through Node's `keylog` event (RFC 8446 §7.1, §7.3, §5.2); only the three cipher suites a
 *   Node client offers are supported.
 * Nothing here trusts the server: every length is checked, and a malformed stream is a
 * `ServedChainError`.
 */
import { createDecipheriv, createHmac } from 'node:crypto';
import type { TlsVersion } from '../../ports/tls-probe';

export class ServedChainError extends Error {
  override readonly name = 'ServedChainError';
}

export interface HandshakeCapture {
  /** Every byte the server sent, in order, from the first one up to the end of the handshake. */
  received: Buffer;
  protocol: TlsVersion;
  /** IANA name of the negotiated suite, e.g. `TLS_AES_128_GCM_SHA256`. */
  cipherSuite: string;
  /** Node `keylog` lines (NSS key log format) of the connection. */
  keylog: readonly Buffer[];
}

const RECORD_HANDSHAKE = 22;
const RECORD_CHANGE_CIPHER_SPEC = 20;
const RECORD_ALERT = 21;
const RECORD_APPLICATION_DATA = 23;
const HANDSHAKE_CERTIFICATE = 11;
const TAG_LENGTH = 16;

type Aead = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

/** RFC 8446 §B.4, as far as a Node client offers them. */
const TLS13_SUITES: Record<string, { hash: 'sha256' | 'sha384'; aead: Aead; keyLength: number }> = {
  TLS_AES_128_GCM_SHA256: { hash: 'sha256', aead: 'aes-128-gcm', keyLength: 16 },
  TLS_AES_256_GCM_SHA384: { hash: 'sha384', aead: 'aes-256-gcm', keyLength: 32 },
  TLS_CHACHA20_POLY1305_SHA256: { hash: 'sha256', aead: 'chacha20-poly1305', keyLength: 32 },
};

/** The DER certificates of the server's Certificate message, in the order sent (leaf first). */
export function servedChain(capture: HandshakeCapture): Buffer[] {
  const message = certificateMessage(capture);
  return capture.protocol === 'TLSv1.3' ? readTls13Certificates(message) : readLegacyCertificates(message);
}

/** The body of the first Certificate handshake message the server sent. */
function certificateMessage(capture: HandshakeCapture): Buffer {
  const decrypt = capture.protocol === 'TLSv1.3' ? tls13Decrypter(capture) : null;
  const handshake: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const found = findMessage(Buffer.concat(handshake), HANDSHAKE_CERTIFICATE);
    if (found !== null) return found;
    if (offset + 5 > capture.received.length) throw new ServedChainError('the handshake ended before a Certificate message');
    const type = capture.received.readUInt8(offset);
    const length = capture.received.readUInt16BE(offset + 3);
    const end = offset + 5 + length;
    if (end > capture.received.length) throw new ServedChainError('a TLS record runs past the captured bytes');
    const header = capture.received.subarray(offset, offset + 5);
    const body = capture.received.subarray(offset + 5, end);
    offset = end;
    if (type === RECORD_HANDSHAKE) handshake.push(body);
    else if (type === RECORD_APPLICATION_DATA && decrypt !== null) {
      const inner = decrypt(header, body);
      if (inner.type === RECORD_HANDSHAKE) handshake.push(inner.content);
      else if (inner.type === RECORD_ALERT) throw new ServedChainError('the server sent an alert before its certificate');
    } else if (type === RECORD_CHANGE_CIPHER_SPEC && decrypt !== null) continue; // TLS 1.3 middlebox compatibility
    else throw new ServedChainError(`unexpected TLS record type ${type} before the Certificate message`);
  }
}

/** The body of the first complete handshake message of `type` in a message stream, or null. */
function findMessage(stream: Buffer, type: number): Buffer | null {
  let offset = 0;
  while (offset + 4 <= stream.length) {
    const length = stream.readUIntBE(offset + 1, 3);
    const end = offset + 4 + length;
    if (end > stream.length) return null;
    if (stream.readUInt8(offset) === type) return stream.subarray(offset + 4, end);
    offset = end;
  }
  return null;
}

/** RFC 5246 §7.4.2: `opaque ASN.1Cert<1..2^24-1>; ASN.1Cert certificate_list<0..2^24-1>;` */
function readLegacyCertificates(body: Buffer): Buffer[] {
  const list = vector(body, 0, 3);
  const certificates: Buffer[] = [];
  for (let offset = 0; offset < list.value.length; ) {
    const cert = vector(list.value, offset, 3);
    certificates.push(Buffer.from(cert.value));
    offset = cert.end;
  }
  return certificates;
}

/** RFC 8446 §4.4.2: a request context, then entries of certificate data and extensions. */
function readTls13Certificates(body: Buffer): Buffer[] {
  const context = vector(body, 0, 1);
  const list = vector(body, context.end, 3);
  const certificates: Buffer[] = [];
  for (let offset = 0; offset < list.value.length; ) {
    const cert = vector(list.value, offset, 3);
    certificates.push(Buffer.from(cert.value));
    offset = vector(list.value, cert.end, 2).end;
  }
  return certificates;
}

/** A length-prefixed vector at `offset`; `end` is the offset after it. */
function vector(buffer: Buffer, offset: number, lengthBytes: 1 | 2 | 3): { value: Buffer; end: number } {
  if (offset + lengthBytes > buffer.length) throw new ServedChainError('a certificate list is truncated');
  const length = buffer.readUIntBE(offset, lengthBytes);
  const end = offset + lengthBytes + length;
  if (end > buffer.length) throw new ServedChainError('a certificate list is truncated');
  return { value: buffer.subarray(offset + lengthBytes, end), end };
}

/** Decrypts the server's handshake records in sequence (RFC 8446 §5.2, §5.3, §7.3). */
function tls13Decrypter(capture: HandshakeCapture): (header: Buffer, record: Buffer) => { type: number; content: Buffer } {
  const suite = TLS13_SUITES[capture.cipherSuite];
  if (suite === undefined) throw new ServedChainError(`cannot read a TLS 1.3 handshake under ${capture.cipherSuite}`);
  const secret = keylogSecret(capture.keylog, 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
  const key = hkdfExpandLabel(suite.hash, secret, 'key', suite.keyLength);
  const iv = hkdfExpandLabel(suite.hash, secret, 'iv', 12);
  let sequence = 0;
  return (header, record) => {
    if (record.length < TAG_LENGTH + 1) throw new ServedChainError('an encrypted record is too short');
    const nonce = Buffer.from(iv);
    // The 64-bit sequence number, left-padded to the IV length and XORed into it.
    for (let i = 0, value = sequence; i < 8 && value > 0; i++, value = Math.floor(value / 256)) {
      nonce.writeUInt8((nonce.readUInt8(11 - i) ^ value % 256) & 0xff, 11 - i);
    }
    sequence += 1;
    const ciphertext = record.subarray(0, record.length - TAG_LENGTH);
    const decipher =
      suite.aead === 'chacha20-poly1305'
        ? createDecipheriv(suite.aead, key, nonce, { authTagLength: TAG_LENGTH })
        : createDecipheriv(suite.aead, key, nonce, { authTagLength: TAG_LENGTH });
    decipher.setAAD(header, { plaintextLength: ciphertext.length });
    decipher.setAuthTag(record.subarray(record.length - TAG_LENGTH));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch (cause) {
      throw new ServedChainError('a handshake record did not decrypt', { cause });
    }
    // TLSInnerPlaintext: content, the real content type, then zero padding.
    let end = plain.length;
    while (end > 0 && plain.readUInt8(end - 1) === 0) end -= 1;
    if (end === 0) throw new ServedChainError('an encrypted record holds no content type');
    return { type: plain.readUInt8(end - 1), content: plain.subarray(0, end - 1) };
  };
}

function keylogSecret(lines: readonly Buffer[], label: string): Buffer {
  for (const line of lines) {
    const [name, , secret] = line.toString('latin1').trim().split(' ');
    if (name === label && secret !== undefined && /^[0-9a-fA-F]+$/.test(secret)) return Buffer.from(secret, 'hex');
  }
  throw new ServedChainError(`no ${label} in the key log`);
}

/** RFC 8446 §7.1 HKDF-Expand-Label with an empty context (RFC 5869 HKDF-Expand). */
function hkdfExpandLabel(hash: 'sha256' | 'sha384', secret: Buffer, label: string, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, fullLabel.length]), fullLabel, Buffer.from([0])]);
  let output = Buffer.alloc(0);
  let previous = Buffer.alloc(0);
  for (let counter = 1; output.length < length; counter++) {
    previous = createHmac(hash, secret).update(Buffer.concat([previous, info, Buffer.from([counter])])).digest();
    output = Buffer.concat([output, previous]);
  }
  return output.subarray(0, length);
}
