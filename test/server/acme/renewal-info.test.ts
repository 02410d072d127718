/**
 * fetchRenewalInfo against a loopback HTTPS server that plays an ARI-capable CA's renewalInfo
 * resource (RFC 9773 §4.2). Pebble 2.4 has no ARI, so this is the only CA the tests have for it.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fetchRenewalInfo, renewalInfoRequestUrl } from '../../../server/adapters/acme/renewal-info';
import { ariCertificateId } from '../../../server/domain/ari';
import { AcmeError, type CaEndpoint } from '../../../server/ports/acme';
import { useTempDir } from '../support/temp-dir';

jest.setTimeout(20_000);

const KNOWN = ariCertificateId('69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4', '87654321');
const UNKNOWN = ariCertificateId('0102030405', '0A0B0C');
const MALFORMED = ariCertificateId('0102030405', '01');
const INVERTED = ariCertificateId('0102030405', '02');
const BUSY = ariCertificateId('0102030405', '03');
const HUGE = ariCertificateId('0102030405', '04');
const EXPLANATION = 'https://ca.example/docs/ari-incident';

const tempDir = useTempDir('ari', 'all');
let server: Server;
let requested: { method: string | undefined; path: string | undefined }[];
let baseUrl: string;
let endpoint: CaEndpoint;

beforeAll(async () => {
  const dir = tempDir();
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ]);
  const [key, cert] = await Promise.all([readFile(join(dir, 'key.pem'), 'utf8'), readFile(join(dir, 'cert.pem'), 'utf8')]);
  server = createHttpsServer({ key, cert }, (req, res) => {
    requested.push({ method: req.method, path: req.url });
    const id = req.url?.startsWith('/acme/renewal-info/') ? req.url.slice('/acme/renewal-info/'.length) : null;
    if (req.method !== 'GET' || id === null) {
      res.writeHead(405).end();
    } else if (id === KNOWN) {
      res.writeHead(200, { 'content-type': 'application/json', 'retry-after': '21600' });
      res.end(JSON.stringify({ suggestedWindow: { start: '2025-01-02T04:00:00Z', end: '2025-01-03T04:00:00Z' }, explanationURL: EXPLANATION }));
    } else if (id === MALFORMED) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"suggestedWindow": {"start": "2025-01-02T04:00:00Z"');
    } else if (id === INVERTED) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ suggestedWindow: { start: '2025-01-03T04:00:00Z', end: '2025-01-02T04:00:00.000+00:00' } }));
    } else if (id === BUSY) {
      res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '120' });
      res.end(JSON.stringify({ type: 'urn:ietf:params:acme:error:rateLimited', detail: 'slow down', status: 503 }));
    } else if (id === HUGE) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(' '.repeat(100 * 1024));
    } else {
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'urn:ietf:params:acme:error:malformed', detail: 'certificate not found', status: 404 }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/acme/renewal-info`;
  endpoint = { directoryUrl: `https://127.0.0.1:${(server.address() as AddressInfo).port}/dir`, trustPem: cert, timeoutMs: 5_000 };
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  requested = [];
});

async function caught(promise: Promise<unknown>): Promise<AcmeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AcmeError) return error;
    throw new Error(`expected an AcmeError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the call to fail');
}

describe('fetchRenewalInfo', () => {
  test('GETs <renewalInfo>/<certID> and reads the window, explanation and Retry-After', async () => {
    const window = await fetchRenewalInfo(endpoint, baseUrl, KNOWN);
    expect(window).toEqual({
      start: Date.UTC(2025, 0, 2, 4),
      end: Date.UTC(2025, 0, 3, 4),
      explanationUrl: EXPLANATION,
      retryAfterMs: 21_600_000,
    });
    expect(requested).toEqual([{ method: 'GET', path: '/acme/renewal-info/aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE' }]);
  });

  test('does not double the slash when the renewalInfo URL ends with one', async () => {
    expect(renewalInfoRequestUrl('https://ca.example/ari/', 'a.b')).toBe('https://ca.example/ari/a.b');
    expect(renewalInfoRequestUrl('https://ca.example/ari', 'a.b')).toBe('https://ca.example/ari/a.b');
    await fetchRenewalInfo(endpoint, `${baseUrl}/`, KNOWN);
    expect(requested.map((r) => r.path)).toEqual([`/acme/renewal-info/${KNOWN}`]);
  });

  test('a certificate the CA does not know is otherProblem with status 404', async () => {
    const error = await caught(fetchRenewalInfo(endpoint, baseUrl, UNKNOWN));
    expect(error).toMatchObject({ kind: 'otherProblem', details: { status: 404, operation: 'renewalInfo' } });
    expect(error.details.problem).toMatchObject({ detail: 'certificate not found', status: 404 });
    expect(requested.map((r) => r.path)).toEqual([`/acme/renewal-info/${UNKNOWN}`]);
  });

  test('a body that is not a renewal window is unexpected', async () => {
    expect(await caught(fetchRenewalInfo(endpoint, baseUrl, MALFORMED))).toMatchObject({ kind: 'unexpected', details: { status: 200 } });
    expect(await caught(fetchRenewalInfo(endpoint, baseUrl, INVERTED))).toMatchObject({ kind: 'unexpected', message: expect.stringContaining('not after') });
    expect(await caught(fetchRenewalInfo(endpoint, baseUrl, HUGE))).toMatchObject({ kind: 'unexpected' });
  });

  test('a problem document keeps its kind, status and Retry-After', async () => {
    expect(await caught(fetchRenewalInfo(endpoint, baseUrl, BUSY))).toMatchObject({
      kind: 'rateLimited',
      details: { status: 503, retryAfterMs: 120_000, problem: { detail: 'slow down' } },
    });
  });

  test('an untrusted CA certificate is caTlsFailure', async () => {
    const { trustPem: _trusted, ...untrusting } = endpoint;
    expect(await caught(fetchRenewalInfo(untrusting, baseUrl, KNOWN))).toMatchObject({ kind: 'caTlsFailure' });
    expect(requested).toEqual([]);
  });

  test('a closed port is unreachable, and a plain-http URL is refused without a request', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await caught(fetchRenewalInfo(endpoint, `https://127.0.0.1:${port}/ari`, KNOWN))).toMatchObject({ kind: 'unreachable' });
    expect(await caught(fetchRenewalInfo(endpoint, baseUrl.replace('https:', 'http:'), KNOWN))).toMatchObject({ kind: 'unexpected' });
    expect(requested).toEqual([]);
  });

  describe('a CA that never answers', () => {
    let silent: TcpServer;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      silent = createTcpServer((socket) => {
        sockets.add(socket);
        // Reads (and ignores) the ClientHello, so it sees the client hang up.
        socket.resume();
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    test('times out within the endpoint timeout', async () => {
      const url = `https://127.0.0.1:${(silent.address() as AddressInfo).port}/ari`;
      const started = Date.now();
      const error = await caught(fetchRenewalInfo({ ...endpoint, timeoutMs: 300 }, url, KNOWN));
      const elapsed = Date.now() - started;
      expect(error.kind).toBe('timeout');
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(1_500);
      // The connection is given up, not left hanging.
      for (let i = 0; i < 50 && sockets.size > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(sockets.size).toBe(0);
    });
  });
});
