/**
 * Plain HTTP and HTTPS servers on 127.0.0.1 (free ports) that route by `Host` + path and record
 * each request. The HTTPS certificate is a throwaway self-signed one made with openssl.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export interface SeenRequest {
  host: string;
  path: string;
  /** TLS SNI, for HTTPS requests. */
  servername?: string;
}

export interface TestWebServer {
  readonly port: number;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

export async function startWebServer(handler: Handler, tls?: { key: string; cert: string }): Promise<TestWebServer> {
  const requests: SeenRequest[] = [];
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const { servername } = request.socket as { servername?: unknown };
    requests.push({ host: request.headers.host ?? '', path: request.url ?? '', ...(typeof servername === 'string' ? { servername } : {}) });
    handler(request, response);
  };
  const server: Server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test web server: no port');
  return {
    port: address.port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A self-signed EC certificate for `name`, made with openssl in a temporary directory. */
export async function selfSignedCertificate(name: string): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'certkeeper-selfcheck-tls-'));
  try {
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', `/CN=${name}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    return { key: await readFile(join(dir, 'key.pem'), 'utf8'), cert: await readFile(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = await startWebServer(() => undefined);
  await server.close();
  return server.port;
}
