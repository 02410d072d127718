import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createCloudflareProvider } from '../../../server/adapters/dns/cloudflare';
import { DnsProviderError, type DnsProvider, type DnsProviderErrorKind } from '../../../server/ports/dns-provider';
import { guardLoopbackOnly, type NetworkGuard } from '../selfcheck/support/network-guard';
import { CLOUDFLARE_TOKENS, startFakeCloudflare, type FakeCloudflare } from './support/fake-cloudflare';

const ALL_TOKENS = Object.values(CLOUDFLARE_TOKENS);

/** The DnsProviderError a call ends with (and the call must end with one). */
async function failure(call: Promise<unknown>): Promise<DnsProviderError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof DnsProviderError) return error;
    throw error;
  }
  throw new Error('expected a DnsProviderError, but the call succeeded');
}

async function expectFailure(call: Promise<unknown>, kind: DnsProviderErrorKind, secrets: readonly string[] = ALL_TOKENS): Promise<DnsProviderError> {
  const error = await failure(call);
  expect(error.kind).toBe(kind);
  for (const secret of secrets) expect(error.message).not.toContain(secret);
  return error;
}

describe('Cloudflare adapter against a loopback Cloudflare API', () => {
  let guard: NetworkGuard;
  let fake: FakeCloudflare;

  beforeAll(() => {
    guard = guardLoopbackOnly();
  });
  afterAll(() => {
    guard.restore();
  });
  afterEach(async () => {
    await fake.close();
  });

  async function start(options: { maxPerPage?: number } = {}): Promise<FakeCloudflare> {
    fake = await startFakeCloudflare(options);
    return fake;
  }

  function provider(apiToken: string = CLOUDFLARE_TOKENS.dnsEdit): DnsProvider {
    return createCloudflareProvider({ apiToken }, { endpoint: fake.endpoint, timeoutMs: 5_000 });
  }

  test('creates a TXT record, finds its zone, and deletes exactly that record', async () => {
    await start();
    const zoneId = fake.addZone('example.com');
    const dns = provider();

    expect(await dns.findZone('_acme-challenge.www.example.com')).toEqual({ zone: 'example.com', zoneId });
    const handle = await dns.createTxt('_acme-challenge.www.example.com', 'token-value-1', 120);
    expect(handle).toMatchObject({ provider: 'cloudflare', zone: 'example.com', zoneId, fqdn: '_acme-challenge.www.example.com', value: 'token-value-1' });
    expect(fake.records('_acme-challenge.www.example.com')).toEqual([
      { id: handle.recordId, zoneId, type: 'TXT', name: '_acme-challenge.www.example.com', content: 'token-value-1', ttl: 120 },
    ]);
    const post = fake.requests.find((request) => request.method === 'POST');
    expect(post?.authorization).toBe(`Bearer ${CLOUDFLARE_TOKENS.dnsEdit}`);

    await dns.deleteTxt(handle);
    expect(fake.records()).toEqual([]);
  });

  test('x and *.x: two values under one name, each handle deletes only its own record', async () => {
    await start();
    fake.addZone('example.com');
    const dns = provider();
    const forApex = await dns.createTxt('_acme-challenge.example.com', 'value-for-x');
    const forWildcard = await dns.createTxt('_acme-challenge.example.com', 'value-for-star-x');
    expect(forApex.recordId).not.toBe(forWildcard.recordId);
    expect(fake.records('_acme-challenge.example.com').map((record) => record.content).sort()).toEqual(['value-for-star-x', 'value-for-x']);

    await dns.deleteTxt(forApex);
    expect(fake.records('_acme-challenge.example.com').map((record) => record.content)).toEqual(['value-for-star-x']);
    await dns.deleteTxt(forWildcard);
    expect(fake.records()).toEqual([]);
  });

  test('a record already gone is not an error, and deleting twice is fine', async () => {
    await start();
    fake.addZone('example.com');
    const dns = provider();
    const handle = await dns.createTxt('_acme-challenge.example.com', 'value');
    await dns.deleteTxt(handle);
    await expect(dns.deleteTxt(handle)).resolves.toBeUndefined();
  });

  test('a value Cloudflare stores quoted is still recognised as the handle\'s value', async () => {
    await start();
    fake.addZone('example.com');
    const dns = provider();
    const handle = await dns.createTxt('_acme-challenge.example.com', 'abc-123');
    fake.setContent(handle.recordId, '"abc-123"');
    await dns.deleteTxt(handle);
    expect(fake.records()).toEqual([]);
  });

  test('a handle whose record now holds another value leaves that record alone', async () => {
    await start();
    fake.addZone('example.com');
    const dns = provider();
    const handle = await dns.createTxt('_acme-challenge.example.com', 'ours');
    fake.setContent(handle.recordId, 'somebody-elses');
    await dns.deleteTxt(handle);
    expect(fake.records().map((record) => record.content)).toEqual(['somebody-elses']);
  });

  test('picks the longest zone suffix, lower-cases names and ignores zones that are not active', async () => {
    await start();
    const parent = fake.addZone('example.com');
    const child = fake.addZone('b.example.com');
    fake.addZone('a.b.example.com', { status: 'pending' });
    fake.addZone('ample.com');
    const dns = provider();

    expect(await dns.findZone('_acme-challenge.a.b.example.com')).toEqual({ zone: 'b.example.com', zoneId: child });
    expect(await dns.findZone('_ACME-Challenge.WWW.Example.COM.')).toEqual({ zone: 'example.com', zoneId: parent });
    expect(await dns.findZone('b.example.com')).toEqual({ zone: 'b.example.com', zoneId: child });
    const handle = await dns.createTxt('_ACME-CHALLENGE.A.B.Example.com', 'v');
    expect(handle).toMatchObject({ zone: 'b.example.com', zoneId: child, fqdn: '_acme-challenge.a.b.example.com' });
    await expectFailure(dns.findZone('_acme-challenge.notexample.com'), 'zoneNotFound');
    await expectFailure(dns.findZone('_acme-challenge.example.org'), 'zoneNotFound');
  });

  test('follows the zone list across pages', async () => {
    await start({ maxPerPage: 2 });
    for (const name of ['one.test', 'two.test', 'three.test', 'four.test']) fake.addZone(name);
    const target = fake.addZone('five.test');
    const dns = provider();
    expect(await dns.findZone('_acme-challenge.five.test')).toEqual({ zone: 'five.test', zoneId: target });
    const pages = fake.requests.filter((request) => request.path === '/zones').map((request) => request.query.page);
    expect(pages).toEqual(['1', '2', '3']);
    expect(await dns.testConnection()).toEqual({ zones: 5 });
  });

  test('testConnection verifies the token and counts zones; account-owned tokens pass too', async () => {
    await start();
    fake.addZone('example.com');
    fake.addZone('example.net');
    expect(await provider().testConnection()).toEqual({ zones: 2 });
    expect(await provider(CLOUDFLARE_TOKENS.accountOwned).testConnection()).toEqual({ zones: 2 });
    expect(await provider(CLOUDFLARE_TOKENS.zoneReadOnly).testConnection()).toEqual({ zones: 2 });
    const disabled = await expectFailure(provider(CLOUDFLARE_TOKENS.disabled).testConnection(), 'badCredentials');
    expect(disabled.message).toContain('disabled');
  });

  describe('vendor errors become DnsProviderError kinds, with no token in any message', () => {
    test('an unknown token is badCredentials', async () => {
      await start();
      fake.addZone('example.com');
      const unknown = 'ckUnknownToken_0123456789abcdefABCDEFGHIJ';
      const error = await expectFailure(provider(unknown).createTxt('_acme-challenge.example.com', 'v'), 'badCredentials', [...ALL_TOKENS, unknown]);
      expect(error.vendorCode).toBe('10000');
      await expectFailure(provider(unknown).testConnection(), 'badCredentials', [unknown]);
    });

    test('a malformed Authorization header (6003 / 6111) is badCredentials', async () => {
      await start();
      fake.addZone('example.com');
      const malformed = 'not a token!';
      const error = await expectFailure(provider(malformed).findZone('example.com'), 'badCredentials', [malformed]);
      expect(error.vendorCode).toBe('6003');
    });

    test('a token without DNS edit permission is noPermission (10000 on the write, zones still readable)', async () => {
      await start();
      fake.addZone('example.com');
      const readOnly = provider(CLOUDFLARE_TOKENS.zoneReadOnly);
      await expectFailure(readOnly.createTxt('_acme-challenge.example.com', 'v'), 'noPermission');
      const handle = await provider().createTxt('_acme-challenge.example.com', 'v');
      // A fresh instance has not seen the token work yet: it asks before blaming the token.
      const fresh = provider(CLOUDFLARE_TOKENS.zoneReadOnly);
      await expectFailure(fresh.deleteTxt(handle), 'noPermission');
      expect(fake.records()).toHaveLength(1);
    });

    test('9109 "Unauthorized to access requested resource" is noPermission', async () => {
      await start();
      fake.addZone('example.com');
      fake.failNext({ method: 'POST', status: 403, errors: [{ code: 9109, message: 'Unauthorized to access requested resource' }] });
      const error = await expectFailure(provider().createTxt('_acme-challenge.example.com', 'v'), 'noPermission');
      expect(error.vendorCode).toBe('9109');
    });

    test('a zone the token cannot route to (7003) is zoneNotFound', async () => {
      await start();
      fake.addZone('example.com');
      const handle = await provider().createTxt('_acme-challenge.example.com', 'v');
      await expectFailure(provider().deleteTxt({ ...handle, zoneId: '0123456789abcdef0123456789abcdef' }), 'zoneNotFound');
    });

    test('an identical record (81058) is recordExists', async () => {
      await start();
      fake.addZone('example.com');
      const dns = provider();
      await dns.createTxt('_acme-challenge.example.com', 'same');
      const error = await expectFailure(dns.createTxt('_acme-challenge.example.com', 'same'), 'recordExists');
      expect(error.vendorCode).toBe('81058');
      fake.failNext({ method: 'POST', status: 400, errors: [{ code: 81057, message: 'Record already exists.' }] });
      await expectFailure(dns.createTxt('_acme-challenge.example.com', 'other'), 'recordExists');
    });

    test('the rate limit (HTTP 429, 971) is rateLimited and retryable', async () => {
      await start();
      fake.addZone('example.com');
      fake.failNext({ status: 429, errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }] });
      const error = await expectFailure(provider().createTxt('_acme-challenge.example.com', 'v'), 'rateLimited');
      expect(error.retryable).toBe(true);
      expect(error.vendorCode).toBe('971');
      fake.failNext({ path: /\/user\/tokens\/verify/, status: 429, errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }] });
      await expectFailure(provider().testConnection(), 'rateLimited');
    });

    test('a failed delete is reported, not swallowed', async () => {
      await start();
      fake.addZone('example.com');
      const dns = provider();
      const handle = await dns.createTxt('_acme-challenge.example.com', 'v');
      fake.failNext({ method: 'DELETE', status: 500, errors: [{ code: 10001, message: 'service temporarily unavailable' }] });
      await expectFailure(dns.deleteTxt(handle), 'vendor');
      expect(fake.records()).toHaveLength(1);
    });

    test('a vendor that cannot be reached is unreachable', async () => {
      await start();
      const port = await closedPort();
      const dns = createCloudflareProvider({ apiToken: CLOUDFLARE_TOKENS.dnsEdit }, { endpoint: `http://127.0.0.1:${port}/client/v4`, timeoutMs: 2_000 });
      const error = await expectFailure(dns.testConnection(), 'unreachable');
      expect(error.retryable).toBe(true);
    });

    test('a missing token is refused before any request', async () => {
      await start();
      expect(() => createCloudflareProvider({}, { endpoint: fake.endpoint })).toThrow(DnsProviderError);
      expect(fake.requests).toEqual([]);
    });
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

// Opt-in: the same round trip against the real Cloudflare API, in a zone the token may edit.
const live = openLiveCloudflare();
if (live.available) {
  describe(`Cloudflare live (zone ${live.zone})`, () => {
    test('token check, zone, two TXT values under one name, each deleted by its handle', async () => {
      const dns = createCloudflareProvider({ apiToken: live.token }, { timeoutMs: 20_000 });
      expect((await dns.testConnection()).zones).toBeGreaterThan(0);
      const name = `_certkeeper-live-${randomBytes(4).toString('hex')}.${live.zone}`;
      expect((await dns.findZone(name)).zone).toBe(live.zone);
      const first = await dns.createTxt(name, `certkeeper-${randomBytes(8).toString('hex')}`);
      try {
        const second = await dns.createTxt(name, `certkeeper-${randomBytes(8).toString('hex')}`);
        await dns.deleteTxt(second);
        await dns.deleteTxt(second); // already gone
      } finally {
        await dns.deleteTxt(first);
      }
    }, 60_000);
  });
} else {
  process.stdout.write(`[dns cloudflare] live run not registered: ${live.reason}\n`);
}

function openLiveCloudflare(): { available: true; token: string; zone: string } | { available: false; reason: string } {
  const token = process.env.CLOUDFLARE_API_TOKEN;
  const zone = process.env.CERTKEEPER_LIVE_CLOUDFLARE_ZONE;
  const missing = [
    ['CLOUDFLARE_API_TOKEN', token],
    ['CERTKEEPER_LIVE_CLOUDFLARE_ZONE', zone],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (!token || !zone) return { available: false, reason: `set ${missing.join(', ')} to run it` };
  return { available: true, token, zone: zone.toLowerCase().replace(/\.$/, '') };
}
