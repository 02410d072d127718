/**
 * The acme-client gateway against real Pebble, with faults injected by a loopback proxy: typed
 * problems, no in-process sleeping on Retry-After, transport failures named, per-CA settings.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { AcmeClientGateway } from '../../../server/adapters/acme/acme-client-gateway';
import { retryAfterMs, transportKind } from '../../../server/adapters/acme/problems';
import { startPebbleStack, type PebbleStack } from '../../../server/local/pebble';
import { AcmeError, type AcmeSession, type CaEndpoint } from '../../../server/ports/acme';
import { startFaultProxyFor, type FaultProxy } from '../support/fault-proxy';
import * as acme from 'acme-client';

jest.setTimeout(60_000);

const gateway = new AcmeClientGateway();
let stack: PebbleStack;
let proxy: FaultProxy;
let direct: CaEndpoint;
let viaProxy: CaEndpoint;

beforeAll(async () => {
  stack = await startPebbleStack();
  proxy = await startFaultProxyFor(stack);
  direct = { directoryUrl: stack.directoryUrl, trustPem: stack.caCertPem, timeoutMs: 5_000 };
  viaProxy = { directoryUrl: proxy.directoryUrl, trustPem: stack.caCertPem, timeoutMs: 5_000 };
});
afterAll(async () => {
  await proxy.close();
  await stack.stop();
});
afterEach(() => {
  proxy.clearRules();
});

async function session(endpoint: CaEndpoint): Promise<AcmeSession> {
  const accountKeyPem = (await acme.crypto.createPrivateEcdsaKey()).toString();
  const { accountUrl } = await gateway.createAccount(endpoint, { accountKeyPem });
  return { ...endpoint, accountKeyPem, accountUrl };
}

async function caught(promise: Promise<unknown>): Promise<AcmeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AcmeError) return error;
    throw new Error(`expected an AcmeError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the call to fail');
}

describe('AcmeClientGateway on Pebble', () => {
  test('reads the directory: no EAB needed, and Pebble 2.4 offers neither ARI nor profiles', async () => {
    expect(await gateway.directory(direct)).toEqual({ termsOfService: expect.any(String), externalAccountRequired: false, renewalInfo: null, profiles: {} });
  });

  test('account creation is idempotent for one key', async () => {
    const accountKeyPem = (await acme.crypto.createPrivateEcdsaKey()).toString();
    const first = await gateway.createAccount(direct, { accountKeyPem });
    expect(await gateway.createAccount(direct, { accountKeyPem })).toEqual(first);
  });

  test('an order shows its authorizations with the dns-01 TXT value and http-01 file content', async () => {
    const s = await session(direct);
    const order = await gateway.createOrder(s, { names: ['gw.example.test', '*.gw.example.test'] });
    expect(order).toMatchObject({ status: 'pending', certificateUrl: null, error: null });
    expect([...order.names].sort()).toEqual(['*.gw.example.test', 'gw.example.test']);
    const authz = await Promise.all(order.authorizationUrls.map((url) => gateway.getAuthorization(s, url)));
    const wildcard = authz.find((a) => a.wildcard);
    expect(wildcard).toMatchObject({ name: 'gw.example.test', status: 'pending' });
    expect(wildcard?.challenges.map((c) => c.type)).toEqual(['dns-01']);
    const apex = authz.find((a) => !a.wildcard);
    const http = apex?.challenges.find((c) => c.type === 'http-01');
    const dns = apex?.challenges.find((c) => c.type === 'dns-01');
    expect(http?.proof).toBe(`${http?.token ?? ''}.${http?.proof.split('.')[1] ?? ''}`);
    expect(dns?.proof).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('finalizing an order that is not ready is a typed orderNotReady problem with its status', async () => {
    const s = await session(direct);
    const order = await gateway.createOrder(s, { names: ['early.example.test'] });
    const [, csr] = await acme.crypto.createCsr({ altNames: ['early.example.test'] });
    const error = await caught(gateway.finalize(s, { url: order.url, finalizeUrl: order.finalizeUrl }, csr.toString()));
    expect(error.kind).toBe('orderNotReady');
    expect(error.details.status).toBe(403);
    expect(error.details.problem?.type).toBe('urn:ietf:params:acme:error:orderNotReady');
    expect(error.transient).toBe(false);
  });

  test('a 429 with Retry-After is returned at once as a transient rateLimited error, not slept on', async () => {
    const s = await session(viaProxy);
    proxy.respondWith(
      { method: 'POST', path: /new-order|order-plz/ },
      { status: 429, headers: { 'Retry-After': '3600', 'Content-Type': 'application/problem+json' }, body: { type: 'urn:ietf:params:acme:error:rateLimited', detail: 'too many new orders recently' } },
    );
    const started = Date.now();
    const error = await caught(gateway.createOrder(s, { names: ['busy.example.test'] }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toMatchObject({ kind: 'rateLimited', transient: true });
    expect(error.details).toMatchObject({ status: 429, retryAfterMs: 3_600_000 });
    expect(error.message).toContain('too many new orders recently');
    // The rule is used up: the CA answers again.
    await expect(gateway.createOrder(s, { names: ['busy.example.test'] })).resolves.toMatchObject({ status: 'pending' });
  });

  test('a 503 without a problem document is a transient httpError', async () => {
    const s = await session(viaProxy);
    proxy.respondWith({ method: 'POST', path: /new-order|order-plz/ }, { status: 503, headers: { 'Retry-After': '7' }, body: '<html>maintenance</html>' });
    const error = await caught(gateway.createOrder(s, { names: ['down.example.test'] }));
    expect(error).toMatchObject({ kind: 'httpError', transient: true });
    expect(error.details).toMatchObject({ status: 503, retryAfterMs: 7_000 });
  });

  test('a CA that refuses connections is unreachable, and a reset connection too', async () => {
    const s = await session(viaProxy);
    await proxy.refuseAll(true);
    try {
      expect((await caught(gateway.getOrder(s, `${proxy.url}/my-order/x`))).kind).toBe('unreachable');
    } finally {
      await proxy.refuseAll(false);
    }
    proxy.resetConnection({ path: /./ });
    const reset = await caught(gateway.createOrder(s, { names: ['reset.example.test'] }));
    expect(reset).toMatchObject({ kind: 'unreachable', transient: true });
  });
});

describe('per-CA settings', () => {
  test('a CA that never answers times out after the endpoint’s timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const started = Date.now();
      const error = await caught(gateway.directory({ directoryUrl: `https://127.0.0.1:${port}/dir`, timeoutMs: 300 }));
      expect(error.kind).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('trust is per endpoint: the same CA without its root fails TLS while a trusting call succeeds', async () => {
    const untrusting: CaEndpoint = { directoryUrl: stack.directoryUrl, timeoutMs: 5_000 };
    const [bad, good] = await Promise.allSettled([gateway.directory(untrusting), gateway.directory(direct)]);
    expect(bad.status).toBe('rejected');
    expect(bad.status === 'rejected' && bad.reason instanceof AcmeError ? bad.reason.kind : null).toBe('caTlsFailure');
    expect(good.status).toBe('fulfilled');
  });

  test('an endpoint with a proxy tunnels through it with CONNECT', async () => {
    const tunnels: string[] = [];
    const open: Socket[] = [];
    const connectProxy: Server = createHttpServer();
    connectProxy.on('connect', (request, client: Socket, head: Buffer) => {
      tunnels.push(request.url ?? '');
      open.push(client);
      const [host, port] = (request.url ?? '').split(':');
      // Loopback only: this proxy forwards nowhere else.
      if (host !== '127.0.0.1') {
        client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      open.push(upstream);
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => connectProxy.listen(0, '127.0.0.1', resolve));
    try {
      const proxyUrl = `http://127.0.0.1:${(connectProxy.address() as AddressInfo).port}`;
      const info = await gateway.directory({ ...direct, proxyUrl });
      expect(info.externalAccountRequired).toBe(false);
      expect(tunnels).toEqual([new URL(stack.directoryUrl).host]);
    } finally {
      // Tunnels leave the server's bookkeeping once upgraded: end them here.
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => connectProxy.close(resolve));
    }
  });
});

describe('problem helpers', () => {
  test.each([
    ['ECONNABORTED', 'timeout'],
    ['ETIMEDOUT', 'timeout'],
    ['ENOTFOUND', 'caDnsFailure'],
    ['EAI_AGAIN', 'caDnsFailure'],
    ['ECONNREFUSED', 'unreachable'],
    ['ECONNRESET', 'unreachable'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'caTlsFailure'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'caTlsFailure'],
    ['ERR_SOMETHING', 'unexpected'],
  ])('%s is %s', (code, kind) => {
    expect(transportKind(code)).toBe(kind);
  });

  test('Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Mon, 23 Nov 2026 10:05:00 GMT', now)).toBe(300_000);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
  });
});
