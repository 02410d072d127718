/**
 * Plain helpers the vendor fakes share: a loopback HTTP server, header and JSON reading, ids and
 * byte-wise percent-encoding. Only the fakes use these; none comes from (or goes to) the adapters,
 * so each fake's signature check stays independent of the adapter's signer.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface LoopbackServer {
  /** The port it listens on, at 127.0.0.1. */
  readonly port: number;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 (a free port) that hands each request to `handle` with its whole body. */
export async function serveOnLoopback(
  name: string,
  handle: (request: IncomingMessage, body: Buffer, response: ServerResponse) => void,
): Promise<LoopbackServer> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, Buffer.concat(chunks), response));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`${name}: no TCP address`);
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A request header as one string (repeated headers joined with commas); '' when absent. */
export function headerValue(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/** The JSON object in `text`, or null when it is not JSON or not an object. */
export function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A random 32-character hex id, as vendors give zones and records. */
export function hexId(): string {
  return randomBytes(16).toString('hex');
}

/** RFC 3986, byte by byte: unreserved characters stay, every other UTF-8 byte becomes %XY. */
export function percentEncodeBytes(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
