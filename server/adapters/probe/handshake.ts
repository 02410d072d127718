/**
 * One TLS handshake with one checked address, then hang up: no request is sent. The TCP
 * connection goes to the address given (never a name), SNI carries the host name, certificates
 * are not rejected (the caller wants the facts), and the host name is not checked here.
 *
 * With `capture`, the server's bytes pass through a recording stream on their way to TLS, so the
 * served chain can be read from the wire (`served-chain.ts`); without it, TLS runs directly on the
 * socket, which is cheaper.
 */
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as tlsConnect, type SecureContext, type TLSSocket } from 'node:tls';
import { TLS_VERSIONS, type TlsVersion } from '../../ports/tls-probe';
import { errorText } from '../outgoing-address';

export interface HandshakeRequest {
  address: string;
  port: number;
  /** SNI; null for an IP literal. */
  servername: string | null;
  context: SecureContext;
  capture: boolean;
  connectTimeoutMs: number;
  handshakeTimeoutMs: number;
}

export interface CapturedHandshake {
  received: Buffer;
  keylog: Buffer[];
}

export type HandshakeOutcome =
  | {
      ok: true;
      protocol: TlsVersion;
      /** IANA name, e.g. `TLS_AES_128_GCM_SHA256`. */
      cipher: string;
      authorized: boolean;
      authorizationError: string | null;
      /** What the server sent, when a capture was asked for. */
      capture: CapturedHandshake | null;
    }
  | {
      ok: false;
      kind: 'connect' | 'timeout' | 'handshake';
      /** Whether TCP was connected: a failure before that says nothing about TLS. */
      connected: boolean;
      detail: string;
    };

/** Enough for any real certificate chain; a server that sends more is not recorded further. */
const CAPTURE_LIMIT = 1 << 20;

export function handshake(request: HandshakeRequest): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    const raw = new Socket();
    let secure: TLSSocket | null = null;
    let settled = false;
    const finish = (outcome: HandshakeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      secure?.destroy();
      raw.destroy();
      resolve(outcome);
    };
    const fail = (kind: 'connect' | 'timeout' | 'handshake', detail: string) => finish({ ok: false, kind, connected: secure !== null, detail });
    let timer = setTimeout(() => fail('timeout', `no TCP connection within ${request.connectTimeoutMs} ms`), request.connectTimeoutMs);

    raw.on('error', (error) => fail(secure === null ? 'connect' : 'handshake', errorText(error)));
    raw.connect({ host: request.address, port: request.port }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => fail('timeout', `no TLS handshake within ${request.handshakeTimeoutMs} ms`), request.handshakeTimeoutMs);
      const received: Buffer[] = [];
      const keylog: Buffer[] = [];
      const transport = request.capture ? new RecordingStream(raw, received) : raw;
      const socket = tlsConnect({
        socket: transport,
        secureContext: request.context,
        ...(request.servername === null ? {} : { servername: request.servername }),
        rejectUnauthorized: false,
        // Trust is about the chain only; names are checked by the evaluation from the SANs.
        checkServerIdentity: () => undefined,
      });
      secure = socket;
      // After every verified handshake Node calls `getPeerCertificate(true)` for checkServerIdentity,
      // turning the verified chain (trust store included) into JS objects: more than the probe's own
      // work per handshake (bench/probe.ts: 1.65 → 1.06 × a bare handshake). The probe reads the
      // served chain itself and checks no name here, so this socket answers with nothing.
      Object.defineProperty(socket, 'getPeerCertificate', { value: () => ({}) });
      if (request.capture) socket.on('keylog', (line) => keylog.push(line));
      socket.on('error', (error) => fail('handshake', errorText(error)));
      socket.on('close', () => fail('handshake', 'the server closed the connection during the handshake'));
      socket.once('secureConnect', () => {
        const protocol = socket.getProtocol();
        const version = TLS_VERSIONS.find((known) => known === protocol);
        if (version === undefined) return fail('handshake', `negotiated an unknown protocol ${String(protocol)}`);
        const cipher = socket.getCipher();
        finish({
          ok: true,
          protocol: version,
          cipher: cipher.standardName,
          authorized: socket.authorized,
          authorizationError: authorizationCode(socket.authorizationError),
          capture: request.capture ? { received: Buffer.concat(received), keylog } : null,
        });
      });
    });
  });
}

/** Node types it as an Error, but sets OpenSSL's code string. */
function authorizationCode(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'code' in value && typeof value.code === 'string') return value.code;
  return errorText(value);
}

/** Passes a socket's bytes through unchanged, keeping a copy of what the server sent. */
class RecordingStream extends Duplex {
  private recorded = 0;

  constructor(
    private readonly socket: Socket,
    private readonly received: Buffer[],
  ) {
    super();
    socket.on('data', (chunk: Buffer) => {
      if (this.recorded < CAPTURE_LIMIT) {
        received.push(chunk);
        this.recorded += chunk.length;
      }
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('close', () => this.destroy());
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}
