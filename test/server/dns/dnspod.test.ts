import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDnspodProvider, dnspodErrorKind, DNSPOD_VERSION, signTc3 } from '../../../server/adapters/dns/dnspod';
import { vendorRequest } from '../../../server/adapters/dns/vendor-http';
import { DnsProviderError, type DnsProviderOptions, type TxtRecordHandle } from '../../../server/ports/dns-provider';
import { startFakeDnspod, type FakeDnspod } from './support/fake-dnspod';

const KEY = { secretId: 'AKIDcertkeeperTest00000000000001', secretKey: 'certkeeperTestSecretKey000000001' };
const READ_ONLY = { secretId: 'AKIDcertkeeperReadOnly0000000001', secretKey: 'certkeeperReadOnlySecret00000001' };
const SECRETS = [KEY.secretId, KEY.secretKey, READ_ONLY.secretId, READ_ONLY.secretKey];

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

describe('TC3-HMAC-SHA256 signing', () => {
  // The worked example of Tencent Cloud's "签名方法 v3" / "Signature v3" documentation
  // (https://www.tencentcloud.com/document/product/1157/49029): CVM DescribeInstances, 2019-02-25.
  const example = signTc3({
    secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
    secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
    service: 'cvm',
    host: 'cvm.tencentcloudapi.com',
    timestamp: 1551113065,
    payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
    contentType: 'application/json; charset=utf-8',
  });

  test('builds the documented canonical request and string to sign', () => {
    expect(example.canonicalRequest).toBe(
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n' +
        '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
    expect(example.stringToSign).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
    );
  });

  test('reproduces the documented signature and Authorization header', () => {
    expect(example.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    expect(example.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });

  test('dates the credential scope in UTC (00:44 in China is still the day before)', () => {
    // 1551113065 is 2019-02-26 00:44:25 at UTC+8; the scope must say 2019-02-25 (asserted above).
    const nextDay = signTc3({ ...baseInput(), timestamp: 1551113065 + 24 * 3600 });
    expect(nextDay.stringToSign).toContain('\n2019-02-26/dnspod/tc3_request\n');
  });
});

function baseInput() {
  return { ...KEY, service: 'dnspod', host: 'dnspod.tencentcloudapi.com', timestamp: 0, payload: '{}', contentType: 'application/json; charset=utf-8' };
}

describe('error codes', () => {
  test.each([
    ['AuthFailure.SignatureFailure', 'badCredentials'],
    ['AuthFailure.SecretIdNotFound', 'badCredentials'],
    ['AuthFailure.InvalidSecretId', 'badCredentials'],
    ['AuthFailure.UnauthorizedOperation', 'noPermission'],
    ['UnauthorizedOperation', 'noPermission'],
    ['UnauthorizedOperation.NotAllowed', 'noPermission'],
    ['OperationDenied.NoPermissionToOperateDomain', 'noPermission'],
    ['ResourceNotFound.NoDataOfDomain', 'zoneNotFound'],
    ['InvalidParameterValue.DomainNotExists', 'zoneNotFound'],
    ['InvalidParameter.DomainRecordExist', 'recordExists'],
    ['RequestLimitExceeded', 'rateLimited'],
    ['RequestLimitExceeded.IPLimitExceeded', 'rateLimited'],
    ['AuthFailure.SignatureExpire', 'vendor'],
    ['InternalError', 'vendor'],
  ])('%s is %s', (code, kind) => {
    expect(dnspodErrorKind(code)).toBe(kind);
  });
});

describe('DNSPod adapter against a fake DNSPod API', () => {
  let fake: FakeDnspod;
  let exampleId: number;

  beforeEach(async () => {
    fake = await startFakeDnspod();
    fake.addKey(KEY);
    fake.addKey({ ...READ_ONLY, readOnly: true });
    exampleId = fake.addZone('example.com');
  });
  afterEach(() => fake.close());

  const provider = (credentials: Record<string, string> = KEY, options: DnsProviderOptions = {}) =>
    createDnspodProvider(credentials, { endpoint: fake.endpoint, ...options });

  test('creates, finds and deletes a TXT record', async () => {
    const dns = provider();
    expect(await dns.testConnection()).toEqual({ zones: 1 });
    expect(await dns.findZone('_acme-challenge.www.example.com')).toEqual({ zone: 'example.com', zoneId: String(exampleId) });

    const handle = await dns.createTxt('_acme-challenge.www.example.com', 'token-value-1');
    expect(handle).toEqual({
      provider: 'dnspod',
      zone: 'example.com',
      zoneId: String(exampleId),
      recordId: expect.stringMatching(/^\d+$/),
      fqdn: '_acme-challenge.www.example.com',
      value: 'token-value-1',
    });
    expect(fake.records()).toEqual([
      { recordId: Number(handle.recordId), domainId: exampleId, domain: 'example.com', subDomain: '_acme-challenge.www', type: 'TXT', line: '默认', value: 'token-value-1', ttl: 600 },
    ]);

    await dns.deleteTxt(handle);
    expect(fake.records()).toEqual([]);
    // Already gone: not an error.
    await expect(dns.deleteTxt(handle)).resolves.toBeUndefined();
    expect(fake.requests.at(-1)?.errorCode).toBe('InvalidParameter.RecordIdInvalid');
  });

  test('sends the API 3.0 headers and a signature the service accepts', async () => {
    const dns = provider();
    await dns.createTxt('_acme-challenge.example.com', 'v', 3600);
    const create = fake.requests.find((request) => request.action === 'CreateRecord')!;
    expect(create.errorCode).toBeNull();
    expect(create.headers['x-tc-version']).toBe(DNSPOD_VERSION);
    expect(create.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(create.headers.authorization).toMatch(
      new RegExp(`^TC3-HMAC-SHA256 Credential=${KEY.secretId}/\\d{4}-\\d{2}-\\d{2}/dnspod/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$`),
    );
    expect(create.params).toEqual({ Domain: 'example.com', DomainId: exampleId, SubDomain: '_acme-challenge', RecordType: 'TXT', RecordLine: '默认', Value: 'v', TTL: 3600 });

    // A clock far off is refused by the service (and the signature carries that clock's date).
    const stale = await failure(provider(KEY, { now: () => Date.now() - 400 * 86_400_000 }).testConnection());
    expect(stale.vendorCode).toBe('AuthFailure.SignatureExpire');
    expect(stale.kind).toBe('vendor');
  });

  test('the fake refuses a body changed after signing', async () => {
    const payload = JSON.stringify({ Type: 'ALL' });
    const timestamp = Math.floor(Date.now() / 1000);
    const host = new URL(fake.endpoint).host;
    const { authorization } = signTc3({ ...KEY, service: 'dnspod', host, timestamp, payload, contentType: 'application/json; charset=utf-8' });
    const answer = await vendorRequest({
      method: 'POST',
      url: `${fake.endpoint}/`,
      headers: {
        Authorization: authorization,
        'Content-Type': 'application/json; charset=utf-8',
        Host: host,
        'X-TC-Action': 'DescribeDomainList',
        'X-TC-Version': DNSPOD_VERSION,
        'X-TC-Timestamp': String(timestamp),
      },
      body: JSON.stringify({ Type: 'MINE' }),
    });
    expect(JSON.parse(answer.body)).toMatchObject({ Response: { Error: { Code: 'AuthFailure.SignatureFailure' } } });
  });

  test('uses @ for a record at the zone apex', async () => {
    const handle = await provider().createTxt('example.com', 'apex');
    expect(fake.records()[0]).toMatchObject({ subDomain: '@', value: 'apex' });
    expect(handle.fqdn).toBe('example.com');
  });

  test('deletes exactly the handle\'s record when x and *.x put two values on one name', async () => {
    const dns = provider();
    const first = await dns.createTxt('_acme-challenge.example.com', 'value-for-x');
    const second = await dns.createTxt('_acme-challenge.example.com', 'value-for-wildcard');
    expect(first.recordId).not.toBe(second.recordId);
    expect(fake.records().map((record) => record.value)).toEqual(['value-for-x', 'value-for-wildcard']);

    await dns.deleteTxt(first);
    expect(fake.records()).toEqual([expect.objectContaining({ recordId: Number(second.recordId), subDomain: '_acme-challenge', value: 'value-for-wildcard' })]);
    await dns.deleteTxt(second);
    expect(fake.records()).toEqual([]);
  });

  test('chooses the longest suffix that is a zone, on whole labels, ignoring case and a final dot', async () => {
    const subId = fake.addZone('b.example.com');
    fake.addZone('notexample.com');
    const dns = provider();
    expect(await dns.findZone('_acme-challenge.a.b.example.com')).toEqual({ zone: 'b.example.com', zoneId: String(subId) });
    expect(await dns.findZone('_ACME-Challenge.C.Example.COM.')).toEqual({ zone: 'example.com', zoneId: String(exampleId) });
    expect(await dns.findZone('b.example.com')).toEqual({ zone: 'b.example.com', zoneId: String(subId) });

    await dns.createTxt('_acme-challenge.a.b.example.com', 'deep');
    expect(fake.records()).toEqual([expect.objectContaining({ domain: 'b.example.com', subDomain: '_acme-challenge.a' })]);

    const missing = await failure(dns.findZone('_acme-challenge.www.example.org'));
    expect(missing.kind).toBe('zoneNotFound');
    const lookalike = await failure(dns.findZone('ample.com'));
    expect(lookalike.kind).toBe('zoneNotFound');
  });

  test('matches an IDN zone by its punycode form', async () => {
    const id = fake.addZone('例子.中国', 'xn--fsqu00a.xn--fiqs8s');
    const dns = provider();
    expect(await dns.findZone('_acme-challenge.xn--fsqu00a.xn--fiqs8s')).toEqual({ zone: '例子.中国', zoneId: String(id) });
    await dns.createTxt('_acme-challenge.www.xn--fsqu00a.xn--fiqs8s', 'idn');
    expect(fake.records('例子.中国')).toEqual([expect.objectContaining({ subDomain: '_acme-challenge.www' })]);
  });

  test('reads every page of zones', async () => {
    for (const name of ['a.test', 'b.test', 'c.test', 'd.test']) fake.addZone(name);
    fake.setMaxPageSize(2);
    const dns = provider();
    expect(await dns.testConnection()).toEqual({ zones: 5 });
    const listCalls = fake.requests.filter((request) => request.action === 'DescribeDomainList');
    expect(listCalls.map((request) => request.params.Offset)).toEqual([0, 2, 4]);
    expect((await dns.findZone('_acme-challenge.d.test')).zone).toBe('d.test');
  });

  test('an account without zones has zero zones, and no zone for any name', async () => {
    fake.removeZone('example.com');
    const dns = provider();
    expect(await dns.testConnection()).toEqual({ zones: 0 });
    expect((await failure(dns.findZone('_acme-challenge.example.com'))).kind).toBe('zoneNotFound');
  });

  test('a wrong SecretKey is badCredentials', async () => {
    const error = await failure(provider({ secretId: KEY.secretId, secretKey: 'someOtherSecretKey00000000000001' }).testConnection());
    expect(error).toMatchObject({ kind: 'badCredentials', vendorCode: 'AuthFailure.SignatureFailure', retryable: false });
    expect(error.message).toContain('dnspod: DescribeDomainList failed: AuthFailure.SignatureFailure');
  });

  test('an unknown SecretId is badCredentials', async () => {
    const error = await failure(provider({ secretId: 'AKIDunknown000000000000000000001', secretKey: KEY.secretKey }).testConnection());
    expect(error).toMatchObject({ kind: 'badCredentials', vendorCode: 'AuthFailure.SecretIdNotFound' });
  });

  test('missing credentials are badCredentials without a request', async () => {
    const error = await failure(provider({ secretId: KEY.secretId }).testConnection());
    expect(error.kind).toBe('badCredentials');
    expect(fake.requests).toEqual([]);
  });

  test('a read-only key may list zones but not write: noPermission', async () => {
    const dns = provider(READ_ONLY);
    expect(await dns.testConnection()).toEqual({ zones: 1 });
    const error = await failure(dns.createTxt('_acme-challenge.example.com', 'v'));
    expect(error).toMatchObject({ kind: 'noPermission', vendorCode: 'AuthFailure.UnauthorizedOperation' });
    expect(fake.records()).toEqual([]);
  });

  test('a zone the service no longer knows is zoneNotFound on create, and already gone on delete', async () => {
    const dns = provider();
    const handle = await dns.createTxt('_acme-challenge.example.com', 'v');
    fake.failNext('InvalidParameterValue.DomainNotExists', { action: 'CreateRecord' });
    expect(await failure(dns.createTxt('_acme-challenge.example.com', 'w'))).toMatchObject({ kind: 'zoneNotFound', vendorCode: 'InvalidParameterValue.DomainNotExists' });
    fake.removeZone('example.com');
    await expect(dns.deleteTxt(handle)).resolves.toBeUndefined();
  });

  test('the same value twice on one name is recordExists', async () => {
    const dns = provider();
    await dns.createTxt('_acme-challenge.example.com', 'same');
    const error = await failure(dns.createTxt('_acme-challenge.example.com', 'same'));
    expect(error).toMatchObject({ kind: 'recordExists', vendorCode: 'InvalidParameter.DomainRecordExist' });
    expect(fake.records()).toHaveLength(1);
  });

  test('a rate limit is rateLimited and retryable', async () => {
    fake.failNext('RequestLimitExceeded', { action: 'CreateRecord' });
    const dns = provider();
    const error = await failure(dns.createTxt('_acme-challenge.example.com', 'v'));
    expect(error).toMatchObject({ kind: 'rateLimited', vendorCode: 'RequestLimitExceeded', retryable: true });
    await expect(dns.createTxt('_acme-challenge.example.com', 'v')).resolves.toMatchObject({ value: 'v' });
  });

  test('a deletion the service refuses for another reason is reported', async () => {
    const dns = provider();
    const handle = await dns.createTxt('_acme-challenge.example.com', 'v');
    fake.failNext('InternalError', { action: 'DeleteRecord' });
    expect(await failure(dns.deleteTxt(handle))).toMatchObject({ kind: 'vendor', vendorCode: 'InternalError' });
    expect(fake.records()).toHaveLength(1);
  });

  test('a vendor message that quotes the credentials is redacted', async () => {
    fake.failNext('FailedOperation', { message: `key ${KEY.secretId} with ${KEY.secretKey} refused` });
    const error = await failure(provider().testConnection());
    expect(error.message).toContain('key [redacted] with [redacted] refused');
  });

  test('an unreachable API, or one that answers garbage, is unreachable', async () => {
    const garbage = createServer((_request, response) => response.writeHead(502).end('<html>Bad Gateway</html>'));
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    const port = (garbage.address() as AddressInfo).port;
    try {
      const error = await failure(provider(KEY, { endpoint: `http://127.0.0.1:${port}` }).testConnection());
      expect(error).toMatchObject({ kind: 'unreachable', retryable: true });
    } finally {
      await new Promise<void>((resolve) => garbage.close(() => resolve()));
    }
    // Nothing listens there any more.
    const closed = await failure(provider(KEY, { endpoint: `http://127.0.0.1:${port}` }).testConnection());
    expect(closed.kind).toBe('unreachable');
  });
});

// Opt-in: the same round trip against the real DNSPod API, on a zone of the account.
const live = liveConfig();
if (live.available) {
  describe(`DNSPod live API (zone ${live.zone})`, () => {
    const dns = createDnspodProvider({ secretId: live.secretId, secretKey: live.secretKey });
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
  process.stdout.write(`[dnspod] live API run not registered: ${live.reason}\n`);
}

function liveConfig(): { available: true; secretId: string; secretKey: string; zone: string } | { available: false; reason: string } {
  const secretId = process.env.TENCENTCLOUD_SECRET_ID;
  const secretKey = process.env.TENCENTCLOUD_SECRET_KEY;
  const zone = process.env.CERTKEEPER_LIVE_DNSPOD_ZONE;
  if (secretId && secretKey && zone) return { available: true, secretId, secretKey, zone: zone.toLowerCase() };
  const missing = [
    ['TENCENTCLOUD_SECRET_ID', secretId],
    ['TENCENTCLOUD_SECRET_KEY', secretKey],
    ['CERTKEEPER_LIVE_DNSPOD_ZONE', zone],
  ]
    .filter(([, value]) => !value)
    .map(([variable]) => variable);
  return { available: false, reason: `set ${missing.join(', ')} to run it` };
}
