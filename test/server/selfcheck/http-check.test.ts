/**
 * The http-01 self-check against real HTTP and HTTPS servers on 127.0.0.1. Names are mapped to
 * addresses by the injected resolver; the network guard makes any connection outside loopback
 * throw, and records every connection so refusals can be shown to happen before connecting.
 */
import { HttpCheck, type HttpCheckOptions } from '../../../server/adapters/selfcheck/http-check';
import { describeHttpProblem } from '../../../server/domain/self-check.messages.zh';
import type { HttpCheckResult } from '../../../server/ports/self-check';
import { guardLoopbackOnly, type NetworkGuard } from './support/network-guard';
import { closedPort, selfSignedCertificate, startWebServer, type TestWebServer } from './support/web-servers';

const KEY_AUTH = 'tok123.thumbprint-abc';
const PATH = '/.well-known/acme-challenge/tok123';
const urlOf = (host: string) => `http://${host}${PATH}`;

const ADDRESSES: Record<string, string[]> = {
  'internal.test': ['10.0.0.1'],
  'metadata.test': ['169.254.169.254'],
  'mapped.test': ['::ffff:10.0.0.1'],
  'mixed.test': ['127.0.0.1', '10.0.0.5'],
  'empty.test': [],
};

let guard: NetworkGuard;
let web: TestWebServer;
let secure: TestWebServer;
const resolved: string[] = [];

async function resolve(host: string): Promise<string[]> {
  resolved.push(host);
  const mapped = ADDRESSES[host];
  if (mapped) return mapped;
  if (host === 'nowhere.test') throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return ['127.0.0.1'];
}

function check(options: HttpCheckOptions = {}): HttpCheck {
  return new HttpCheck({
    allowLoopback: true,
    resolve,
    httpPort: web.port,
    httpsPort: secure.port,
    allowedPorts: [80, 443, web.port, secure.port],
    ...options,
  });
}

function failed(result: HttpCheckResult) {
  if (result.ok) throw new Error('expected the check to fail');
  return result;
}

beforeAll(async () => {
  guard = guardLoopbackOnly();
  web = await startWebServer((request, response) => {
    const host = request.headers.host ?? '';
    const route = `${host}${request.url ?? ''}`;
    if (route === `ok.test${PATH}`) response.end(`  ${KEY_AUTH}\r\n`);
    else if (route === `to-https.test${PATH}`) response.writeHead(301, { location: `https://secure.test${PATH}` }).end();
    else if (route === `to-internal.test${PATH}`) response.writeHead(302, { location: `http://internal.test${PATH}` }).end();
    else if (route === `to-metadata-ip.test${PATH}`) response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else if (route === `to-ftp.test${PATH}`) response.writeHead(302, { location: 'ftp://ok.test/file' }).end();
    else if (route === `to-port.test${PATH}`) response.writeHead(302, { location: `http://ok.test:8080${PATH}` }).end();
    else if (route === `to-allowed-ip.test${PATH}`) response.writeHead(302, { location: `http://127.0.0.1:${web.port}${PATH}` }).end();
    else if (route === `loop.test${PATH}`) response.writeHead(307, { location: PATH }).end();
    else if (route === `forbidden.test${PATH}`) response.writeHead(403).end('forbidden');
    else if (route === `wrong.test${PATH}`) response.end('<html><body>Welcome to nginx!</body></html>');
    else if (route === `huge.test${PATH}`) response.end(KEY_AUTH + ' '.repeat(20_000));
    else if (route === `slow.test${PATH}`) return; // never answers
    else response.writeHead(404).end('not found');
  });
  secure = await startWebServer(
    (request, response) => {
      if (request.url === PATH) response.writeHead(302, { location: '/moved/tok123' }).end();
      else if (request.url === '/moved/tok123') response.end(KEY_AUTH);
      else response.writeHead(404).end();
    },
    await selfSignedCertificate('not-secure.test'),
  );
});

afterAll(async () => {
  guard.restore();
  await web.close();
  await secure.close();
});

beforeEach(() => {
  guard.connections.length = 0;
  resolved.length = 0;
});

describe('checkHttp passes', () => {
  test('when the file is served, surrounding whitespace ignored, from the resolved address with the Host header', async () => {
    const result = await check().checkHttp({ url: urlOf('ok.test'), expectedBody: KEY_AUTH });
    expect(result).toEqual({ ok: true, hops: [{ url: urlOf('ok.test'), address: '127.0.0.1', status: 200 }] });
    expect(web.requests.at(-1)).toEqual({ host: 'ok.test', path: PATH });
    expect(guard.connections).toEqual(['127.0.0.1']);
  });

  test('through http → https (self-signed, wrong name) → relative redirect, resolving each hop once', async () => {
    const result = await check().checkHttp({ url: urlOf('to-https.test'), expectedBody: KEY_AUTH });
    expect(result).toEqual({
      ok: true,
      hops: [
        { url: urlOf('to-https.test'), address: '127.0.0.1', status: 301 },
        { url: `https://secure.test${PATH}`, address: '127.0.0.1', status: 302 },
        { url: 'https://secure.test/moved/tok123', address: '127.0.0.1', status: 200 },
      ],
    });
    expect(resolved).toEqual(['to-https.test', 'secure.test', 'secure.test']);
    expect(secure.requests.slice(-2)).toEqual([
      { host: 'secure.test', path: PATH, servername: 'secure.test' },
      { host: 'secure.test', path: '/moved/tok123', servername: 'secure.test' },
    ]);
    // Connected by IP: no host name reached the socket layer, so nothing could resolve it again.
    expect(guard.connections).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });
});

describe('checkHttp reports', () => {
  test('notFound for a 404', async () => {
    const result = failed(await check().checkHttp({ url: urlOf('missing.test'), expectedBody: KEY_AUTH }));
    expect(result).toMatchObject({ problem: 'notFound', hops: [{ url: urlOf('missing.test'), status: 404 }] });
  });

  test('httpStatus for another non-2xx status', async () => {
    const result = failed(await check().checkHttp({ url: urlOf('forbidden.test'), expectedBody: KEY_AUTH }));
    expect(result).toMatchObject({ problem: 'httpStatus', hops: [{ status: 403 }] });
    expect(result.detail).toContain('403');
  });

  test('wrongContent with the start of what was served', async () => {
    const result = failed(await check().checkHttp({ url: urlOf('wrong.test'), expectedBody: KEY_AUTH }));
    expect(result.problem).toBe('wrongContent');
    expect(result.detail).toContain('Welcome to nginx!');
  });

  test('wrongContent for a body over the size cap, without reading it all', async () => {
    const result = failed(await check({ maxBodyBytes: 8192 }).checkHttp({ url: urlOf('huge.test'), expectedBody: KEY_AUTH }));
    expect(result.problem).toBe('wrongContent');
    expect(result.detail).toContain('larger than 8192 bytes');
  });

  test('timeout when the server never answers, within the configured time', async () => {
    const started = Date.now();
    const result = failed(await check({ timeoutMs: 300 }).checkHttp({ url: urlOf('slow.test'), expectedBody: KEY_AUTH }));
    expect(result.problem).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('connectFailed when nothing listens', async () => {
    const result = failed(await check({ httpPort: await closedPort() }).checkHttp({ url: urlOf('ok.test'), expectedBody: KEY_AUTH }));
    expect(result.problem).toBe('connectFailed');
    expect(result.detail).toContain('ECONNREFUSED');
  });

  test.each(['nowhere.test', 'empty.test'])('unresolvable for %s, without connecting', async (host) => {
    const result = failed(await check().checkHttp({ url: urlOf(host), expectedBody: KEY_AUTH }));
    expect(result).toMatchObject({ problem: 'unresolvable', hops: [{ url: urlOf(host) }] });
    expect(guard.connections).toEqual([]);
  });

  test('tooManyRedirects after 10 redirects', async () => {
    const result = failed(await check().checkHttp({ url: urlOf('loop.test'), expectedBody: KEY_AUTH }));
    expect(result.problem).toBe('tooManyRedirects');
    expect(result.hops).toHaveLength(11);
    expect(guard.connections).toHaveLength(11);
  });

  test.each([
    ['to-ftp.test', 'scheme ftp:'],
    ['to-port.test', 'port 8080'],
    ['to-allowed-ip.test', 'not to IP addresses'],
  ])('badRedirect for %s (%s)', async (host, why) => {
    const result = failed(await check().checkHttp({ url: urlOf(host), expectedBody: KEY_AUTH }));
    expect(result.problem).toBe('badRedirect');
    expect(result.detail).toContain(why);
    expect(result.hops).toHaveLength(1);
  });
});

describe('checkHttp refuses addresses before connecting', () => {
  test('a redirect to a name that resolves to a private address', async () => {
    const request = { url: urlOf('to-internal.test'), expectedBody: KEY_AUTH };
    const result = failed(await check().checkHttp(request));
    expect(result).toMatchObject({
      problem: 'refusedAddress',
      hops: [{ status: 302 }, { url: urlOf('internal.test'), address: '10.0.0.1', refusedAs: 'private' }],
    });
    expect(result.hops[1]?.status).toBeUndefined();
    expect(guard.connections).toEqual(['127.0.0.1']);
    expect(describeHttpProblem(request, result).reason).toBe('重定向到了内网地址 10.0.0.1（internal.test），证书颁发机构无法访问');
  });

  test('a redirect to the metadata address as an IP literal', async () => {
    const result = failed(await check().checkHttp({ url: urlOf('to-metadata-ip.test'), expectedBody: KEY_AUTH }));
    expect(result).toMatchObject({ problem: 'refusedAddress', hops: [{}, { address: '169.254.169.254', refusedAs: 'metadata' }] });
    expect(guard.connections).toEqual(['127.0.0.1']);
  });

  test.each([
    ['metadata.test', '169.254.169.254', 'metadata'],
    ['mapped.test', '::ffff:10.0.0.1', 'ipv4Mapped'],
    ['mixed.test', '10.0.0.5', 'private'],
  ])('a first hop %s resolving to %s', async (host, address, cls) => {
    const result = failed(await check().checkHttp({ url: urlOf(host), expectedBody: KEY_AUTH }));
    expect(result).toMatchObject({ problem: 'refusedAddress', hops: [{ address, refusedAs: cls }] });
    expect(guard.connections).toEqual([]);
  });

  test('loopback unless the local runtime allows it', async () => {
    const result = failed(await check({ allowLoopback: false }).checkHttp({ url: urlOf('ok.test'), expectedBody: KEY_AUTH }));
    expect(result).toMatchObject({ problem: 'refusedAddress', hops: [{ address: '127.0.0.1', refusedAs: 'loopback' }] });
    expect(guard.connections).toEqual([]);
  });
});

describe('checkHttp refuses malformed requests', () => {
  test.each(['https://ok.test/x', 'ftp://ok.test/x', 'not a url', 'http://ok.test:8080/x'])('%s', async (url) => {
    await expect(new HttpCheck().checkHttp({ url, expectedBody: KEY_AUTH })).rejects.toThrow(TypeError);
    expect(guard.connections).toEqual([]);
  });
});
