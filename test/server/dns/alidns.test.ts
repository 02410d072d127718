import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALIDNS_VERSION, alidnsErrorKind, createAlidnsProvider, signAcs3 } from '../../../server/adapters/dns/alidns';
import { rfc3986Encode } from '../../../server/adapters/dns/common';
import { vendorRequest } from '../../../server/adapters/dns/vendor-http';
import { DnsProviderError, type DnsProviderOptions, type TxtRecordHandle } from '../../../server/ports/dns-provider';
import { startFakeAlidns, type FakeAlidns } from './support/fake-alidns';

const KEY = { accessKeyId: 'LTAIcertkeeperTest0001', accessKeySecret: 'certkeeperTestSecret0000000001' };
const READ_ONLY = { accessKeyId: 'LTAIcertkeeperRead0001', accessKeySecret: 'certkeeperReadSecret0000000001' };
const SECRETS = [KEY.accessKeyId, KEY.accessKeySecret, READ_ONLY.accessKeyId, READ_ONLY.accessKeySecret];

async function failure(promise: Promise<unknown>): Promise<DnsProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DnsProviderError) {
      for (const secret of SECRETS) expect(error.message).not.toContain(secret);
      return error;
    }
    throw error;
  }
  throw new Error('expected a DnsProviderError');
}

describe('ACS3-HMAC-SHA256 signing', () => {
  // The "fixed parameter values" example of Alibaba Cloud's "V3版本请求体&签名机制" /
  // "Request syntax and signature method V3" documentation
  // (https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature):
  // ECS RunInstances, 2023-10-26T10:22:32Z.
  const example = signAcs3({
    accessKeyId: 'YourAccessKeyId',
    accessKeySecret: 'YourAccessKeySecret',
    method: 'POST',
    host: 'ecs.cn-shanghai.aliyuncs.com',
    canonicalUri: '/',
    query: { RegionId: 'cn-shanghai', ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd' },
    action: 'RunInstances',
    version: '2014-05-26',
    date: '2023-10-26T10:22:32Z',
    nonce: '3156853299f313e23d1673dc12e1703d',
    body: '',
  });

  test('builds the documented canonical request and string to sign', () => {
    expect(example.canonicalRequest).toBe(
      [
        'POST',
        '/',
        'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
        'host:ecs.cn-shanghai.aliyuncs.com',
        'x-acs-action:RunInstances',
        'x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'x-acs-date:2023-10-26T10:22:32Z',
        'x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d',
        'x-acs-version:2014-05-26',
        '',
        'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    expect(example.stringToSign).toBe('ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
  });

  test('reproduces the documented signature and Authorization header', () => {
    expect(example.signature).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
    expect(example.authorization).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,' +
        'SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,' +
        'Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    );
    expect(example.headers).toMatchObject({ 'x-acs-action': 'RunInstances', 'x-acs-date': '2023-10-26T10:22:32Z', Authorization: example.authorization });
  });

  test('percent-encodes as RFC 3986 (space %20, * %2A, ~ kept, UTF-8 bytes)', () => {
    expect(rfc3986Encode("a b*c~d!'()/+=&")).toBe('a%20b%2Ac~d%21%27%28%29%2F%2B%3D%26');
    expect(rfc3986Encode('默认')).toBe('%E9%BB%98%E8%AE%A4');
  });
});

describe('error codes', () => {
  test.each([
    ['InvalidAccessKeyId.NotFound', 'badCredentials'],
    ['SignatureDoesNotMatch', 'badCredentials'],
    ['IncompleteSignature', 'badCredentials'],
    ['Forbidden.RAM', 'noPermission'],
    ['Forbidden', 'noPermission'],
    ['Forbidden.DomainLocked', 'vendor'],
    ['InvalidDomainName.NoExist', 'zoneNotFound'],
    ['DomainRecordNotBelongToUser', 'zoneNotFound'],
    ['DomainRecordDuplicate', 'recordExists'],
    ['Throttling.User', 'rateLimited'],
    ['Throttling', 'rateLimited'],
    ['SignatureNonceUsed', 'vendor'],
    ['InternalError', 'vendor'],
  ])('%s is %s', (code, kind) => {
    expect(alidnsErrorKind(code)).toBe(kind);
  });
});

describe('Alibaba Cloud DNS adapter against a fake alidns API', () => {
  let fake: FakeAlidns;

  beforeEach(async () => {
    fake = await startFakeAlidns();
    fake.addKey(KEY);
    fake.addKey({ ...READ_ONLY, readOnly: true });
    fake.addZone('example.com');
  });
  afterEach(() => fake.close());

  const provider = (credentials: Record<string, string> = KEY, options: DnsProviderOptions = {}) =>
    createAlidnsProvider(credentials, { endpoint: fake.endpoint, ...options });

  test('creates, finds and deletes a TXT record', async () => {
    const dns = provider();
    expect(await dns.testConnection()).toEqual({ zones: 1 });
    expect(await dns.findZone('_acme-challenge.www.example.com')).toEqual({ zone: 'example.com', zoneId: 'example.com' });

    const handle = await dns.createTxt('_acme-challenge.www.example.com', 'token-value-1');
    expect(handle).toEqual({
      provider: 'alidns',
      zone: 'example.com',
      zoneId: 'example.com',
      recordId: expect.stringMatching(/^\d+$/),
      fqdn: '_acme-challenge.www.example.com',
      value: 'token-value-1',
    });
    expect(fake.records()).toEqual([
      { recordId: handle.recordId, domainName: 'example.com', rr: '_acme-challenge.www', type: 'TXT', value: 'token-value-1', ttl: 600 },
    ]);

    await dns.deleteTxt(handle);
    expect(fake.records()).toEqual([]);
    // Already gone: not an error.
    await expect(dns.deleteTxt(handle)).resolves.toBeUndefined();
    expect(fake.requests.at(-1)?.errorCode).toBe('DomainRecordNotBelongToUser');
  });

  test('sends the V3 headers with the parameters in the query, a fresh nonce each time', async () => {
    const dns = provider();
    await dns.createTxt('_acme-challenge.example.com', 'v', 3600);
    const add = fake.requests.find((request) => request.action === 'AddDomainRecord')!;
    expect(add.errorCode).toBeNull();
    expect(add.headers['x-acs-version']).toBe(ALIDNS_VERSION);
    expect(add.headers['x-acs-date']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(add.headers.authorization).toMatch(
      new RegExp(`^ACS3-HMAC-SHA256 Credential=${KEY.accessKeyId},SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}$`),
    );
    expect(add.query).toEqual({ DomainName: 'example.com', RR: '_acme-challenge', Type: 'TXT', Value: 'v', TTL: '3600' });
    const nonces = fake.requests.map((request) => request.headers['x-acs-signature-nonce']);
    expect(new Set(nonces).size).toBe(nonces.length);

    // A clock far off is refused by the service.
    const stale = await failure(provider(KEY, { now: () => Date.now() - 3_600_000 }).testConnection());
    expect(stale).toMatchObject({ kind: 'vendor', vendorCode: 'InvalidTimeStamp.Expired' });
  });

  test('the fake refuses a query changed after signing, and a replayed nonce', async () => {
    const host = new URL(fake.endpoint).host;
    const sign = (nonce: string) =>
      signAcs3({
        ...KEY,
        method: 'POST',
        host,
        canonicalUri: '/',
        query: { PageNumber: '1', PageSize: '10' },
        action: 'DescribeDomains',
        version: ALIDNS_VERSION,
        date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        nonce,
        body: '',
      });
    const send = async (signed: ReturnType<typeof sign>, query: string) =>
      JSON.parse((await vendorRequest({ method: 'POST', url: `${fake.endpoint}/?${query}`, headers: signed.headers, body: '' })).body) as Record<string, unknown>;

    const tampered = sign('nonce-tampered');
    expect(await send(tampered, 'PageNumber=2&PageSize=10')).toMatchObject({ Code: 'SignatureDoesNotMatch' });
    const honest = sign('nonce-once');
    expect(await send(honest, honest.queryString)).toMatchObject({ TotalCount: 1 });
    expect(await send(honest, honest.queryString)).toMatchObject({ Code: 'SignatureNonceUsed' });
  });

  test('uses @ for a record at the zone apex', async () => {
    await provider().createTxt('example.com', 'apex');
    expect(fake.records()[0]).toMatchObject({ rr: '@', value: 'apex' });
  });

  test('deletes exactly the handle\'s record when x and *.x put two values on one name', async () => {
    const dns = provider();
    const first = await dns.createTxt('_acme-challenge.example.com', 'value-for-x');
    const second = await dns.createTxt('_acme-challenge.example.com', 'value-for-wildcard');
    expect(first.recordId).not.toBe(second.recordId);
    expect(fake.records().map((record) => record.value)).toEqual(['value-for-x', 'value-for-wildcard']);

    await dns.deleteTxt(first);
    expect(fake.records()).toEqual([expect.objectContaining({ recordId: second.recordId, rr: '_acme-challenge', value: 'value-for-wildcard' })]);
    await dns.deleteTxt(second);
    expect(fake.records()).toEqual([]);
  });

  test('chooses the longest suffix that is a zone, on whole labels, ignoring case and a final dot', async () => {
    fake.addZone('b.example.com');
    fake.addZone('notexample.com');
    const dns = provider();
    expect((await dns.findZone('_acme-challenge.a.b.example.com')).zone).toBe('b.example.com');
    expect((await dns.findZone('_ACME-Challenge.C.Example.COM.')).zone).toBe('example.com');

    await dns.createTxt('_acme-challenge.a.b.example.com', 'deep');
    expect(fake.records()).toEqual([expect.objectContaining({ domainName: 'b.example.com', rr: '_acme-challenge.a' })]);

    expect((await failure(dns.findZone('_acme-challenge.www.example.org'))).kind).toBe('zoneNotFound');
    expect((await failure(dns.findZone('ample.com'))).kind).toBe('zoneNotFound');
  });

  test('matches an IDN zone by its punycode form', async () => {
    fake.addZone('例子.中国', 'xn--fsqu00a.xn--fiqs8s');
    const dns = provider();
    expect((await dns.findZone('_acme-challenge.xn--fsqu00a.xn--fiqs8s')).zone).toBe('例子.中国');
    await dns.createTxt('_acme-challenge.www.xn--fsqu00a.xn--fiqs8s', 'idn');
    expect(fake.records('例子.中国')).toEqual([expect.objectContaining({ rr: '_acme-challenge.www' })]);
  });

  test('reads every page of zones', async () => {
    for (const name of ['a.test', 'b.test', 'c.test', 'd.test']) fake.addZone(name);
    fake.setMaxPageSize(2);
    const dns = provider();
    expect(await dns.testConnection()).toEqual({ zones: 5 });
    const listCalls = fake.requests.filter((request) => request.action === 'DescribeDomains');
    expect(listCalls.map((request) => request.query.PageNumber)).toEqual(['1', '2', '3']);
    expect((await dns.findZone('_acme-challenge.d.test')).zone).toBe('d.test');
  });

  test('an account without zones has zero zones, and no zone for any name', async () => {
    fake.removeZone('example.com');
    const dns = provider();
    expect(await dns.testConnection()).toEqual({ zones: 0 });
    expect((await failure(dns.findZone('_acme-challenge.example.com'))).kind).toBe('zoneNotFound');
  });

  test('a wrong AccessKey Secret is badCredentials', async () => {
    const error = await failure(provider({ accessKeyId: KEY.accessKeyId, accessKeySecret: 'someOtherSecret000000000000001' }).testConnection());
    expect(error).toMatchObject({ kind: 'badCredentials', vendorCode: 'SignatureDoesNotMatch', retryable: false });
    expect(error.message).toContain('alidns: DescribeDomains failed: HTTP 400 SignatureDoesNotMatch');
  });

  test('an unknown AccessKey ID is badCredentials', async () => {
    const error = await failure(provider({ accessKeyId: 'LTAIunknown00000000001', accessKeySecret: KEY.accessKeySecret }).testConnection());
    expect(error).toMatchObject({ kind: 'badCredentials', vendorCode: 'InvalidAccessKeyId.NotFound' });
  });

  test('missing credentials are badCredentials without a request', async () => {
    expect((await failure(provider({ accessKeyId: KEY.accessKeyId }).testConnection())).kind).toBe('badCredentials');
    expect(fake.requests).toEqual([]);
  });

  test('a read-only key may list zones but not write: noPermission', async () => {
    const dns = provider(READ_ONLY);
    expect(await dns.testConnection()).toEqual({ zones: 1 });
    const error = await failure(dns.createTxt('_acme-challenge.example.com', 'v'));
    expect(error).toMatchObject({ kind: 'noPermission', vendorCode: 'Forbidden.RAM' });
    expect(fake.records()).toEqual([]);
  });

  test('a zone the service no longer knows is zoneNotFound on create', async () => {
    fake.failNext('InvalidDomainName.NoExist', { action: 'AddDomainRecord' });
    const error = await failure(provider().createTxt('_acme-challenge.example.com', 'v'));
    expect(error).toMatchObject({ kind: 'zoneNotFound', vendorCode: 'InvalidDomainName.NoExist' });
  });

  test('the same value twice on one name is recordExists', async () => {
    const dns = provider();
    await dns.createTxt('_acme-challenge.example.com', 'same');
    const error = await failure(dns.createTxt('_acme-challenge.example.com', 'same'));
    expect(error).toMatchObject({ kind: 'recordExists', vendorCode: 'DomainRecordDuplicate' });
    expect(fake.records()).toHaveLength(1);
  });

  test('throttling is rateLimited and retryable', async () => {
    fake.failNext('Throttling.User', { action: 'AddDomainRecord' });
    const dns = provider();
    expect(await failure(dns.createTxt('_acme-challenge.example.com', 'v'))).toMatchObject({ kind: 'rateLimited', retryable: true });
    await expect(dns.createTxt('_acme-challenge.example.com', 'v')).resolves.toMatchObject({ value: 'v' });
  });

  test('a deletion the service refuses for another reason is reported', async () => {
    const dns = provider();
    const handle = await dns.createTxt('_acme-challenge.example.com', 'v');
    fake.failNext('InternalError', { action: 'DeleteDomainRecord' });
    expect(await failure(dns.deleteTxt(handle))).toMatchObject({ kind: 'vendor', vendorCode: 'InternalError' });
    expect(fake.records()).toHaveLength(1);
  });

  test('a vendor message that quotes the credentials is redacted', async () => {
    fake.failNext('SignatureDoesNotMatch', { message: `string to sign for ${KEY.accessKeyId} with ${KEY.accessKeySecret}` });
    const error = await failure(provider().testConnection());
    expect(error.message).toContain('string to sign for [redacted] with [redacted]');
  });

  test('an unreachable API, or one that answers garbage, is unreachable', async () => {
    const garbage = createServer((_request, response) => response.writeHead(503).end('Service Unavailable'));
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    const port = (garbage.address() as AddressInfo).port;
    try {
      expect(await failure(provider(KEY, { endpoint: `http://127.0.0.1:${port}` }).testConnection())).toMatchObject({ kind: 'unreachable', retryable: true });
    } finally {
      await new Promise<void>((resolve) => garbage.close(() => resolve()));
    }
    expect((await failure(provider(KEY, { endpoint: `http://127.0.0.1:${port}` }).testConnection())).kind).toBe('unreachable');
  });
});

// Opt-in: the same round trip against the real Alibaba Cloud DNS API, on a zone of the account.
const live = liveConfig();
if (live.available) {
  describe(`Alibaba Cloud DNS live API (zone ${live.zone})`, () => {
    const dns = createAlidnsProvider({ accessKeyId: live.accessKeyId, accessKeySecret: live.accessKeySecret });
    const name = `_certkeeper-live-${Date.now().toString(36)}.${live.zone}`;
    const handles: TxtRecordHandle[] = [];
    afterAll(async () => {
      for (const handle of handles) await dns.deleteTxt(handle);
    });

    test('sees the zone and round-trips two TXT values on one name', async () => {
      expect((await dns.testConnection()).zones).toBeGreaterThan(0);
      expect((await dns.findZone(name)).zone).toBe(live.zone);
      handles.push(await dns.createTxt(name, 'certkeeper-live-a'), await dns.createTxt(name, 'certkeeper-live-b'));
      for (const handle of handles.splice(0)) await dns.deleteTxt(handle);
    }, 60_000);
  });
} else {
  process.stdout.write(`[alidns] live API run not registered: ${live.reason}\n`);
}

function liveConfig():
  | { available: true; accessKeyId: string; accessKeySecret: string; zone: string }
  | { available: false; reason: string } {
  const accessKeyId = process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  const zone = process.env.CERTKEEPER_LIVE_ALIDNS_ZONE;
  if (accessKeyId && accessKeySecret && zone) return { available: true, accessKeyId, accessKeySecret, zone: zone.toLowerCase() };
  const missing = [
    ['ALIBABA_CLOUD_ACCESS_KEY_ID', accessKeyId],
    ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', accessKeySecret],
    ['CERTKEEPER_LIVE_ALIDNS_ZONE', zone],
  ]
    .filter(([, value]) => !value)
    .map(([variable]) => variable);
  return { available: false, reason: `set ${missing.join(', ')} to run it` };
}
