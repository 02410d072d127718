/**
 * Reading the Certificate message out of recorded handshake bytes: hand-made records (the real
 * TLS 1.2 and 1.3 handshakes are covered against live servers in tls-probe.test.ts), including a
 * message split across records and every way the bytes can be short or wrong.
 */
import { servedChain, ServedChainError, type HandshakeCapture } from '../../../server/adapters/probe/served-chain';

const u24 = (n: number) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const record = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type, 3, 3]), u16(body.length), body]);
const message = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type]), u24(body.length), body]);

/** RFC 5246 Certificate body: a 24-bit list of 24-bit certificates. */
function legacyCertificate(certs: Buffer[]): Buffer {
  const list = Buffer.concat(certs.map((cert) => Buffer.concat([u24(cert.length), cert])));
  return message(11, Buffer.concat([u24(list.length), list]));
}

const CERTS = [Buffer.from('leaf-der'), Buffer.from('root-der'), Buffer.from('intermediate-der')];
const SERVER_HELLO = message(2, Buffer.alloc(38, 1));

function capture(received: Buffer, overrides: Partial<HandshakeCapture> = {}): HandshakeCapture {
  return { received, protocol: 'TLSv1.2', cipherSuite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', keylog: [], ...overrides };
}

describe('servedChain', () => {
  it('returns the certificates of a TLS 1.2 Certificate message in the order sent', () => {
    const handshake = Buffer.concat([SERVER_HELLO, legacyCertificate(CERTS), message(14, Buffer.alloc(0))]);
    expect(servedChain(capture(record(22, handshake)))).toEqual(CERTS);
  });

  it('joins a Certificate message split across records', () => {
    const handshake = Buffer.concat([SERVER_HELLO, legacyCertificate(CERTS)]);
    const cut = SERVER_HELLO.length + 7;
    const received = Buffer.concat([record(22, handshake.subarray(0, cut)), record(22, handshake.subarray(cut))]);
    expect(servedChain(capture(received))).toEqual(CERTS);
  });

  it('refuses bytes that end before the Certificate message is complete', () => {
    const handshake = Buffer.concat([SERVER_HELLO, legacyCertificate(CERTS)]);
    expect(() => servedChain(capture(record(22, handshake.subarray(0, handshake.length - 3))))).toThrow(ServedChainError);
    expect(() => servedChain(capture(record(22, handshake).subarray(0, 20)))).toThrow(ServedChainError);
  });

  it('refuses a certificate list whose lengths do not add up', () => {
    const bad = message(11, Buffer.concat([u24(100), u24(3), Buffer.from('abc')]));
    expect(() => servedChain(capture(record(22, Buffer.concat([SERVER_HELLO, bad]))))).toThrow(/truncated/);
  });

  it('refuses an alert or other records where the certificate should be', () => {
    expect(() => servedChain(capture(Buffer.concat([record(22, SERVER_HELLO), record(21, Buffer.from([2, 40]))])))).toThrow(/record type 21/);
  });

  it('needs the server handshake secret and a known suite for TLS 1.3', () => {
    const received = Buffer.concat([record(22, SERVER_HELLO), record(23, Buffer.alloc(64))]);
    expect(() => servedChain(capture(received, { protocol: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256' }))).toThrow(/SERVER_HANDSHAKE_TRAFFIC_SECRET/);
    expect(() => servedChain(capture(received, { protocol: 'TLSv1.3', cipherSuite: 'TLS_AES_128_CCM_SHA256' }))).toThrow(/TLS_AES_128_CCM_SHA256/);
    const keylog = [Buffer.from(`SERVER_HANDSHAKE_TRAFFIC_SECRET ${'00'.repeat(32)} ${'11'.repeat(32)}\n`)];
    expect(() => servedChain(capture(received, { protocol: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', keylog }))).toThrow(/did not decrypt/);
  });
});
