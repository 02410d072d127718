import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { formatSdkDate, signApigRequest } from '../../../server/adapters/dns/apig-signing';
import { createHuaweicloudProvider } from '../../../server/adapters/dns/huaweicloud';
import { DnsProviderError, type DnsProvider, type DnsProviderErrorKind, type DnsProviderOptions } from '../../../server/ports/dns-provider';
import { guardLoopbackOnly, type NetworkGuard } from '../selfcheck/support/network-guard';
import { HUAWEI_KEYS, startFakeHuaweicloud, verifyApigAuthorization, type FakeHuaweicloud } from './support/fake-huaweicloud';

/**
 * Huawei's published example, from the API Request Signing Guide, "AK/SK Signing and
 * Authentication Algorithm" (https://support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-algorithm-002.html
 * and the next pages: 003 string to sign, 004 signature, 005 Authorization header): a GET of the
 * VPC list, X-Sdk-Date 20191115T033655Z, signed headers content-type;host;x-sdk-date.
 */
const DOCUMENTED = {
  url: 'https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
  headers: { 'Content-Type': 'application/json', 'X-Sdk-Date': '20191115T033655Z' },
  accessKeyId: 'QTWAOYTTINDUT2QVKYUC',
  secretAccessKey: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc',
  hashedCanonicalRequest: 'b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a',
  signature: '7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
};

const ALL_SECRETS = Object.values(HUAWEI_KEYS).flatMap((key) => [key.accessKeyId, key.secretAccessKey]);

async function failure(call: Promise<unknown>): Promise<DnsProviderError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof DnsProviderError) return error;
    throw error;
  }
  throw new Error('expected a DnsProviderError, but the call succeeded');
}

async function expectFailure(call: Promise<unknown>, kind: DnsProviderErrorKind, secrets: readonly string[] = ALL_SECRETS): Promise<DnsProviderError> {
  const error = await failure(call);
  expect(error.kind).toBe(kind);
  for (const secret of secrets) expect(error.message).not.toContain(secret);
  return error;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

describe('SDK-HMAC-SHA256 signing', () => {
  test('reproduces Huawei\'s documented example: canonical request, string to sign, signature, header', () => {
    const signed = signApigRequest({ method: 'GET', url: DOCUMENTED.url, headers: DOCUMENTED.headers, body: '' }, DOCUMENTED.accessKeyId, DOCUMENTED.secretAccessKey);
    expect(signed.canonicalRequest).toBe(
      [
        'GET',
        '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/',
        'limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
        'content-type:application/json',
        'host:service.region.example.com',
        'x-sdk-date:20191115T033655Z',
        '',
        'content-type;host;x-sdk-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    expect(sha256Hex(signed.canonicalRequest)).toBe(DOCUMENTED.hashedCanonicalRequest);
    expect(signed.stringToSign).toBe(`SDK-HMAC-SHA256\n20191115T033655Z\n${DOCUMENTED.hashedCanonicalRequest}`);
    expect(signed.signature).toBe(DOCUMENTED.signature);
    expect(signed.authorization).toBe(
      `SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=${DOCUMENTED.signature}`,
    );
  });

  test('a hand-written vector: unsorted and encoded query, a body, a port in Host, no trailing slash', () => {
    // Derived here from the documented rules, independently of the signer: the canonical request
    // is typed out, then hashed and signed with node:crypto.
    const body = '{"name":"_acme-challenge.example.com.","type":"TXT","records":["\\"v\\""]}';
    const signed = signApigRequest(
      {
        method: 'post',
        url: 'http://127.0.0.1:8443/v2/zones/ab%2Fc/recordsets?type=TXT&name=a%20b*&limit=10&name=a',
        headers: { 'X-Sdk-Date': '20260102T030405Z', 'content-type': ' application/json ', Host: '127.0.0.1:8443' },
        body,
      },
      'AKEXAMPLE',
      'SKEXAMPLE',
    );
    const canonical = [
      'POST',
      '/v2/zones/ab%2Fc/recordsets/',
      'limit=10&name=a&name=a%20b%2A&type=TXT',
      'content-type:application/json',
      'host:127.0.0.1:8443',
      'x-sdk-date:20260102T030405Z',
      '',
      'content-type;host;x-sdk-date',
      sha256Hex(body),
    ].join('\n');
    expect(signed.canonicalRequest).toBe(canonical);
    const expected = createHmac('sha256', 'SKEXAMPLE').update(`SDK-HMAC-SHA256\n20260102T030405Z\n${sha256Hex(canonical)}`).digest('hex');
    expect(signed.signature).toBe(expected);
  });

  test('X-Sdk-Date is the UTC time as YYYYMMDDTHHMMSSZ', () => {
    expect(formatSdkDate(Date.UTC(2019, 10, 15, 3, 36, 55, 789))).toBe('20191115T033655Z');
  });

  test('the fake gateway\'s own verifier accepts the documented example and refuses a changed one', () => {
    const headers = {
      host: 'service.region.example.com',
      'content-type': 'application/json',
      'x-sdk-date': '20191115T033655Z',
      authorization: `SDK-HMAC-SHA256 Access=${DOCUMENTED.accessKeyId}, SignedHeaders=content-type;host;x-sdk-date, Signature=${DOCUMENTED.signature}`,
    };
    const target = '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0';
    const secretOf = (accessKeyId: string) => (accessKeyId === DOCUMENTED.accessKeyId ? DOCUMENTED.secretAccessKey : null);
    const at = Date.UTC(2019, 10, 15, 3, 40, 0);
    expect(verifyApigAuthorization({ method: 'GET', target, headers, body: '' }, secretOf, at)).toMatchObject({ ok: true });
    expect(verifyApigAuthorization({ method: 'GET', target: target.replace('limit=2', 'limit=3'), headers, body: '' }, secretOf, at)).toMatchObject({ ok: false });
    expect(verifyApigAuthorization({ method: 'GET', target, headers, body: '' }, secretOf, at + 60 * 60 * 1000)).toMatchObject({ ok: false });
  });
});

describe('Huawei Cloud adapter against a loopback Huawei Cloud DNS', () => {
  let guard: NetworkGuard;
  let fake: FakeHuaweicloud;

  beforeAll(() => {
    guard = guardLoopbackOnly();
  });
  afterAll(() => {
    guard.restore();
  });
  afterEach(async () => {
    await fake.close();
  });

  async function start(options: { pageSize?: number } = {}): Promise<FakeHuaweicloud> {
    fake = await startFakeHuaweicloud(options);
    return fake;
  }

  function provider(key: { accessKeyId: string; secretAccessKey: string } = HUAWEI_KEYS.full, options: DnsProviderOptions = {}): DnsProvider {
    return createHuaweicloudProvider({ ...key, region: 'cn-north-4' }, { endpoint: fake.endpoint, timeoutMs: 5_000, ...options });
  }

  const values = (name: string) => fake.recordSets(name).map((set) => set.records);

  test('creates a TXT record set, finds its zone, and deletes it; every request is signed', async () => {
    await start();
    const zoneId = fake.addZone('example.com');
    const dns = provider();

    expect(await dns.findZone('_acme-challenge.www.example.com')).toEqual({ zone: 'example.com', zoneId });
    const handle = await dns.createTxt('_acme-challenge.www.example.com', 'token-value-1');
    expect(handle).toMatchObject({ provider: 'huaweicloud', zone: 'example.com', zoneId, fqdn: '_acme-challenge.www.example.com', value: 'token-value-1' });
    expect(fake.recordSets('_acme-challenge.www.example.com')).toEqual([
      expect.objectContaining({ id: handle.recordId, name: '_acme-challenge.www.example.com.', type: 'TXT', ttl: 300, records: ['"token-value-1"'] }),
    ]);

    await dns.deleteTxt(handle);
    expect(fake.recordSets()).toEqual([]);
    expect(fake.requests.length).toBeGreaterThan(0);
    for (const request of fake.requests) {
      expect(request.accessKeyId).toBe(HUAWEI_KEYS.full.accessKeyId);
      expect(request.signedHeaders).toEqual(['content-type', 'host', 'x-sdk-date']);
    }
  });

  test('x and *.x: the second value joins the record set, and each delete takes out only its value', async () => {
    await start();
    fake.addZone('example.com');
    const dns = provider();
    const forApex = await dns.createTxt('_acme-challenge.example.com', 'value-for-x');
    const forWildcard = await dns.createTxt('_acme-challenge.example.com', 'value-for-star-x');
    expect(forWildcard.recordId).toBe(forApex.recordId);
    expect(values('_acme-challenge.example.com')).toEqual([['"value-for-x"', '"value-for-star-x"']]);

    await dns.deleteTxt(forApex);
    expect(values('_acme-challenge.example.com')).toEqual([['"value-for-star-x"']]);
    await dns.deleteTxt(forWildcard);
    expect(fake.recordSets()).toEqual([]);
  });

  test('two values created at once both land (writes to one record set are serialised)', async () => {
    await start();
    fake.addZone('example.com');
    const dns = provider();
    const handles = await Promise.all([dns.createTxt('_acme-challenge.example.com', 'a'), provider().createTxt('_acme-challenge.example.com', 'b')]);
    expect(values('_acme-challenge.example.com')[0]?.slice().sort()).toEqual(['"a"', '"b"']);
    await Promise.all(handles.map((handle) => dns.deleteTxt(handle)));
    expect(fake.recordSets()).toEqual([]);
  });

  test('a TXT record set the user already has keeps its own values and TTL', async () => {
    await start();
    fake.addZone('example.com');
    fake.addRecordSet('example.com', { name: '_acme-challenge.example.com', type: 'TXT', records: ['"users-own"'], ttl: 600 });
    const dns = provider();
    const handle = await dns.createTxt('_acme-challenge.example.com', 'ours');
    expect(fake.recordSets('_acme-challenge.example.com')).toEqual([expect.objectContaining({ ttl: 600, records: ['"users-own"', '"ours"'] })]);
    await dns.deleteTxt(handle);
    expect(fake.recordSets('_acme-challenge.example.com')).toEqual([expect.objectContaining({ ttl: 600, records: ['"users-own"'] })]);
  });

  test('a record set that is not in a steady state yet (DNS.0314) is written once it is', async () => {
    await start();
    fake.addZone('example.com');
    const dns = provider();
    const first = await dns.createTxt('_acme-challenge.example.com', 'first');
    fake.notSteadyFor(1);
    const second = await dns.createTxt('_acme-challenge.example.com', 'second');
    expect(values('_acme-challenge.example.com')).toEqual([['"first"', '"second"']]);
    fake.notSteadyFor(1);
    await dns.deleteTxt(first);
    expect(values('_acme-challenge.example.com')).toEqual([['"second"']]);
    await dns.deleteTxt(second);
  });

  test('a value or record set already gone is not an error', async () => {
    await start();
    fake.addZone('example.com');
    const dns = provider();
    const first = await dns.createTxt('_acme-challenge.example.com', 'first');
    const second = await dns.createTxt('_acme-challenge.example.com', 'second');
    await dns.deleteTxt(first);
    await expect(dns.deleteTxt(first)).resolves.toBeUndefined();
    expect(values('_acme-challenge.example.com')).toEqual([['"second"']]);
    await dns.deleteTxt(second);
    await expect(dns.deleteTxt(second)).resolves.toBeUndefined();
  });

  test('picks the longest zone suffix and lower-cases names', async () => {
    await start();
    const parent = fake.addZone('example.com');
    const child = fake.addZone('b.example.com');
    fake.addZone('ample.com');
    const dns = provider();
    expect(await dns.findZone('_acme-challenge.a.b.example.com')).toEqual({ zone: 'b.example.com', zoneId: child });
    expect(await dns.findZone('_ACME-Challenge.WWW.Example.COM.')).toEqual({ zone: 'example.com', zoneId: parent });
    const handle = await dns.createTxt('_ACME-CHALLENGE.A.B.Example.com', 'v');
    expect(handle).toMatchObject({ zone: 'b.example.com', zoneId: child, fqdn: '_acme-challenge.a.b.example.com' });
    expect(fake.recordSets('_acme-challenge.a.b.example.com')).toHaveLength(1);
    await expectFailure(dns.findZone('_acme-challenge.notexample.com'), 'zoneNotFound');
  });

  test('follows the zone list across pages; testConnection counts zones', async () => {
    await start({ pageSize: 2 });
    for (const name of ['one.test', 'two.test', 'three.test', 'four.test']) fake.addZone(name);
    const target = fake.addZone('five.test');
    const dns = provider();
    expect(await dns.findZone('_acme-challenge.five.test')).toEqual({ zone: 'five.test', zoneId: target });
    expect(fake.requests.filter((request) => request.path === '/v2/zones').map((request) => request.query.offset)).toEqual(['0', '2', '4']);
    expect(await dns.testConnection()).toEqual({ zones: 5 });
    expect(await provider(HUAWEI_KEYS.readOnly).testConnection()).toEqual({ zones: 5 });
  });

  describe('vendor errors become DnsProviderError kinds, with no key in any message', () => {
    test('a wrong secret key fails the gateway\'s signature check: badCredentials', async () => {
      await start();
      fake.addZone('example.com');
      const wrong = { accessKeyId: HUAWEI_KEYS.full.accessKeyId, secretAccessKey: 'CkWrongSecret0123456789abcdefghijABCDEFGH' };
      const error = await expectFailure(provider(wrong).createTxt('_acme-challenge.example.com', 'v'), 'badCredentials', [...ALL_SECRETS, wrong.secretAccessKey]);
      expect(error.vendorCode).toBe('APIGW.0301');
      expect(fake.requests[0]?.signedHeaders).toBeNull();
    });

    test('an unknown access key is badCredentials', async () => {
      await start();
      const unknown = { accessKeyId: 'CKUNKNOWNACCESSKEY99', secretAccessKey: 'CkUnknownSecret0123456789abcdefghijABCDE' };
      await expectFailure(provider(unknown).testConnection(), 'badCredentials', [unknown.accessKeyId, unknown.secretAccessKey]);
    });

    test('a clock far off (X-Sdk-Date outside 15 minutes) is refused as badCredentials', async () => {
      await start();
      await expectFailure(provider(HUAWEI_KEYS.full, { now: () => Date.now() - 60 * 60 * 1000 }).testConnection(), 'badCredentials');
    });

    test('a key without write permission is noPermission (APIGW.0302), and DNS.0013 is too', async () => {
      await start();
      fake.addZone('example.com');
      const error = await expectFailure(provider(HUAWEI_KEYS.readOnly).createTxt('_acme-challenge.example.com', 'v'), 'noPermission');
      expect(error.vendorCode).toBe('APIGW.0302');
      fake.failNext({ method: 'POST', status: 403, body: { code: 'DNS.0013', message: 'You do not have the permission to perform this operation using the API.' } });
      await expectFailure(provider().createTxt('_acme-challenge.example.com', 'v'), 'noPermission');
    });

    test('no zone, or a zone that is gone (DNS.0302), is zoneNotFound', async () => {
      await start();
      fake.addZone('example.com');
      const dns = provider();
      await expectFailure(dns.createTxt('_acme-challenge.example.org', 'v'), 'zoneNotFound');
      const handle = await dns.createTxt('_acme-challenge.example.com', 'v');
      const error = await expectFailure(dns.deleteTxt({ ...handle, zoneId: 'ffffffffffffffffffffffffffffffff' }), 'zoneNotFound');
      expect(error.vendorCode).toBe('DNS.0302');
    });

    test('"record set exists" with no record set to be found is recordExists', async () => {
      await start();
      fake.addZone('example.com');
      fake.failNext({ method: 'POST', status: 400, body: { code: 'DNS.0335', message: 'Duplicate record set exists.' } });
      const error = await expectFailure(provider().createTxt('_acme-challenge.example.com', 'v'), 'recordExists');
      expect(error.vendorCode).toBe('DNS.0335');
    });

    test('throttling (HTTP 429 APIGW.0308, or DNS.0014) is rateLimited and retryable', async () => {
      await start();
      fake.addZone('example.com');
      fake.failNext({ status: 429, body: { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute', request_id: 'r' } });
      const error = await expectFailure(provider().createTxt('_acme-challenge.example.com', 'v'), 'rateLimited');
      expect(error.retryable).toBe(true);
      fake.failNext({ status: 403, body: { code: 'DNS.0014', message: 'Request forbidden by flow control.' } });
      await expectFailure(provider().testConnection(), 'rateLimited');
    });

    test('a failed write is reported, and the record set is left as it was', async () => {
      await start();
      fake.addZone('example.com');
      const dns = provider();
      const first = await dns.createTxt('_acme-challenge.example.com', 'first');
      await dns.createTxt('_acme-challenge.example.com', 'second');
      fake.failNext({ method: 'PUT', status: 500, body: { code: 'DNS.0001', message: 'Internal error.' } });
      await expectFailure(dns.deleteTxt(first), 'vendor');
      expect(values('_acme-challenge.example.com')).toEqual([['"first"', '"second"']]);
    });

    test('a vendor that cannot be reached is unreachable', async () => {
      await start();
      const port = await closedPort();
      const dns = createHuaweicloudProvider({ ...HUAWEI_KEYS.full, region: 'cn-north-4' }, { endpoint: `http://127.0.0.1:${port}`, timeoutMs: 2_000 });
      await expectFailure(dns.testConnection(), 'unreachable');
    });

    test('missing keys or a region that is not a region id are refused before any request', async () => {
      await start();
      expect(() => createHuaweicloudProvider({ accessKeyId: 'x', region: 'cn-north-4' }, { endpoint: fake.endpoint })).toThrow(DnsProviderError);
      expect(() => createHuaweicloudProvider({ ...HUAWEI_KEYS.full })).toThrow(DnsProviderError);
      expect(() => createHuaweicloudProvider({ ...HUAWEI_KEYS.full, region: 'evil.example/x' })).toThrow(DnsProviderError);
      expect(fake.requests).toEqual([]);
    });
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

// Opt-in: the same round trip against real Huawei Cloud DNS, in a public zone the key may edit.
const live = openLiveHuawei();
if (live.available) {
  describe(`Huawei Cloud live (zone ${live.zone}, region ${live.region})`, () => {
    test('zone count, zone, two TXT values under one name, each deleted by its handle', async () => {
      const dns = createHuaweicloudProvider({ accessKeyId: live.accessKeyId, secretAccessKey: live.secretAccessKey, region: live.region }, { timeoutMs: 20_000 });
      expect((await dns.testConnection()).zones).toBeGreaterThan(0);
      const name = `_certkeeper-live-${randomBytes(4).toString('hex')}.${live.zone}`;
      expect((await dns.findZone(name)).zone).toBe(live.zone);
      const first = await dns.createTxt(name, `certkeeper-${randomBytes(8).toString('hex')}`);
      try {
        const second = await dns.createTxt(name, `certkeeper-${randomBytes(8).toString('hex')}`);
        expect(second.recordId).toBe(first.recordId);
        await dns.deleteTxt(second);
        await dns.deleteTxt(second); // already gone
      } finally {
        await dns.deleteTxt(first);
      }
    }, 90_000);
  });
} else {
  process.stdout.write(`[dns huaweicloud] live run not registered: ${live.reason}\n`);
}

function openLiveHuawei():
  | { available: true; accessKeyId: string; secretAccessKey: string; region: string; zone: string }
  | { available: false; reason: string } {
  const accessKeyId = process.env.HUAWEICLOUD_SDK_AK;
  const secretAccessKey = process.env.HUAWEICLOUD_SDK_SK;
  const region = process.env.HUAWEICLOUD_REGION;
  const zone = process.env.CERTKEEPER_LIVE_HUAWEI_ZONE;
  const missing = [
    ['HUAWEICLOUD_SDK_AK', accessKeyId],
    ['HUAWEICLOUD_SDK_SK', secretAccessKey],
    ['HUAWEICLOUD_REGION', region],
    ['CERTKEEPER_LIVE_HUAWEI_ZONE', zone],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (!accessKeyId || !secretAccessKey || !region || !zone) return { available: false, reason: `set ${missing.join(', ')} to run it` };
  return { available: true, accessKeyId, secretAccessKey, region, zone: zone.toLowerCase().replace(/\.$/, '') };
}
