/**
 * The fault-injection proxy in front of real Pebble, driven by plain acme-client: a full dns-01
 * issuance through it (URL rewriting and JWS url checks), then each fault on cue.
 */
import { X509Certificate } from 'node:crypto';
import { Agent, request } from 'node:https';
import * as acme from 'acme-client';
import { startPebbleStack, type PebbleStack } from '../../../server/local/pebble';
import { plainAcmeClient } from './plain-acme';
import { startFaultProxyFor, type FaultProxy } from './fault-proxy';

jest.setTimeout(60_000);

type AcmeSettings = { retryMaxAttempts: number };
const settings = (acme.axios.defaults as { acmeSettings?: AcmeSettings }).acmeSettings;
const ONE_NAME = { identifiers: [{ type: 'dns', value: 'fault.example.test' }] };

/** A raw HTTPS request to the proxy: resolves with the status, rejects with the network error. */
function send(url: string, ca: string, method = 'GET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('fault proxy in front of Pebble', () => {
  let stack: PebbleStack;
  let proxy: FaultProxy;
  let client: acme.Client;
  let newOrderPath: RegExp;
  const saved = { retries: settings?.retryMaxAttempts, timeout: acme.axios.defaults.timeout, agent: acme.axios.defaults.httpsAgent as unknown };

  beforeAll(async () => {
    stack = await startPebbleStack();
    proxy = await startFaultProxyFor(stack);
    acme.axios.defaults.httpsAgent = new Agent({ ca: stack.caCertPem });
    acme.axios.defaults.timeout = 10_000;
    acme.axios.defaults.proxy = false;
    if (settings) settings.retryMaxAttempts = 0; // faults surface at once instead of in-process sleeps
    client = plainAcmeClient({ directoryUrl: proxy.directoryUrl, accountKey: await acme.crypto.createPrivateEcdsaKey() });
    await client.createAccount({ termsOfServiceAgreed: true });
    const directory = await acme.axios.get<{ newOrder: string }>(proxy.directoryUrl);
    newOrderPath = new RegExp(`^${new URL(directory.data.newOrder).pathname}$`);
  });
  afterEach(() => proxy.clearRules());
  afterAll(async () => {
    if (settings && saved.retries !== undefined) settings.retryMaxAttempts = saved.retries;
    acme.axios.defaults.timeout = saved.timeout;
    acme.axios.defaults.httpsAgent = saved.agent;
    await proxy.close();
    await stack.stop();
  });

  test('a full dns-01 issuance through the proxy succeeds, and every URL points at the proxy', async () => {
    const directory = await acme.axios.get<Record<string, unknown>>(proxy.directoryUrl);
    expect(JSON.stringify(directory.data)).not.toContain(new URL(stack.directoryUrl).origin);

    const names = ['app.example.test', '*.example.test'];
    const order = await client.createOrder({ identifiers: names.map((value) => ({ type: 'dns', value })) });
    for (const url of [order.url, order.finalize, ...order.authorizations]) expect(url.startsWith(`${proxy.url}/`)).toBe(true);
    const authorizations = await client.getAuthorizations(order);
    for (const authz of authorizations) {
      const challenge = authz.challenges.find((c) => c.type === 'dns-01');
      if (!challenge) throw new Error(`no dns-01 challenge for ${authz.identifier.value}`);
      expect(challenge.url.startsWith(`${proxy.url}/`)).toBe(true);
      await stack.setTxt(`_acme-challenge.${authz.identifier.value}`, await client.getChallengeKeyAuthorization(challenge));
    }
    for (const authz of authorizations) {
      const challenge = authz.challenges.find((c) => c.type === 'dns-01')!;
      await client.completeChallenge(challenge);
      await client.waitForValidStatus(challenge);
    }
    await stack.clearTxt('_acme-challenge.example.test');

    const [, csr] = await acme.crypto.createCsr({ altNames: names }, await acme.crypto.createPrivateEcdsaKey());
    const finalized = await client.finalizeOrder(order, csr);
    const valid = { ...(await client.waitForValidStatus(finalized)), url: order.url };
    expect(valid.certificate?.startsWith(`${proxy.url}/`)).toBe(true);
    const pem = await client.getCertificate(valid);
    const leaf = new X509Certificate(acme.crypto.splitPemChain(pem)[0]!);
    expect(leaf.subjectAltName).toBe('DNS:app.example.test, DNS:*.example.test');

    // Nothing faulted or lost; the only errors allowed are badNonce 400s, retried at once (chaos runs).
    expect(proxy.requests.filter((entry) => entry.faulted || entry.status === null || (entry.status >= 400 && entry.status !== 400))).toEqual([]);
    const paths = proxy.requests.map((entry) => entry.path);
    expect(paths).toEqual(expect.arrayContaining([new URL(order.finalize).pathname, new URL(valid.certificate!).pathname]));
  });

  test('a 429 rule on newOrder fails createOrder once, then the CA answers again', async () => {
    proxy.respondWith(
      { method: 'POST', path: newOrderPath },
      {
        status: 429,
        headers: { 'Retry-After': '30', 'Content-Type': 'application/problem+json' },
        body: { type: 'urn:ietf:params:acme:error:rateLimited', detail: 'too many new orders (injected)' },
      },
    );
    const before = proxy.requests.length;
    await expect(client.createOrder(ONE_NAME)).rejects.toThrow('too many new orders (injected)');
    expect(proxy.requests.slice(before)).toContainEqual({ method: 'POST', path: '/order-plz', status: 429, faulted: true });

    const order = await client.createOrder(ONE_NAME);
    expect(order.status).toBe('pending');
    expect(proxy.requests.at(-1)).toEqual({ method: 'POST', path: '/order-plz', status: 201, faulted: false });
  });

  test('a 503 rule with Retry-After reaches the client as that status', async () => {
    proxy.respondWith({ method: 'GET', path: /^\/dir$/ }, { status: 503, headers: { 'Retry-After': '5' }, body: 'down' }, 2);
    expect(await send(proxy.directoryUrl, stack.caCertPem)).toBe(503);
    expect(await send(proxy.directoryUrl, stack.caCertPem)).toBe(503);
    expect(await send(proxy.directoryUrl, stack.caCertPem)).toBe(200);
  });

  test('resetConnection makes the matching request fail with a network error', async () => {
    proxy.resetConnection({ method: 'POST', path: newOrderPath }, 2);
    await expect(send(`${proxy.url}/order-plz`, stack.caCertPem, 'POST')).rejects.toMatchObject({ code: 'ECONNRESET' });
    // acme-client 5.4.0 turns network errors into a TypeError (reference §4, item 3); it still fails.
    await expect(client.createOrder(ONE_NAME)).rejects.toThrow();
    expect(proxy.requests.filter((entry) => entry.faulted).slice(-2)).toEqual([
      { method: 'POST', path: '/order-plz', status: null, faulted: true },
      { method: 'POST', path: '/order-plz', status: null, faulted: true },
    ]);
    expect((await client.createOrder(ONE_NAME)).status).toBe('pending');
  });

  test('refuseAll(true) takes the CA down (ECONNREFUSED) and refuseAll(false) brings it back', async () => {
    await proxy.refuseAll(true);
    await expect(send(proxy.directoryUrl, stack.caCertPem)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(client.createOrder(ONE_NAME)).rejects.toThrow();
    await proxy.refuseAll(false);
    expect(await send(proxy.directoryUrl, stack.caCertPem)).toBe(200);
    expect((await client.createOrder(ONE_NAME)).status).toBe('pending');
  });
});
