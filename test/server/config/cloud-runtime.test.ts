/**
 * The cloud runtime builds its engine from the configuration, read once per instance: a wrong
 * configuration fails the first call that needs the engine with every problem, the api logs it
 * naming the variables, secrets stay out of every log line; a right one reaches the CA registry,
 * the delegation services, the cipher and the rate limits.
 */
import { ConfigError, readConfig } from '../../../server/config/read';
import { caRegistryFromConfig, dnsServicesFromConfig } from '../../../server/config/services';
import { handleApi } from '../../../server/handlers/api';
import { cloudApiDependencies, cloudConfig, cloudEngine, type CloudEngine } from '../../../server/handlers/cloud-runtime';
import type { DnsProviderFactory } from '../../../server/ports/dns-provider';
import { RateLimitedError, consumeQuota } from '../../../server/usecases/rate-limit';
import { SqliteStore } from '../../../server/adapters/store/sqlite-store';
import type { DnsServices } from '../../../server/usecases/engine';
import { recordingLogger } from '../support/recording-logger';

const KEY = Buffer.alloc(32, 7).toString('base64');
const GOOD = {
  CERTKEEPER_MASTER_KEY: `k1:${KEY}`,
  CERTKEEPER_CA_PROXY: 'http://user:hunter2@proxy.internal:3128',
  CERTKEEPER_CA_MIRRORS: JSON.stringify({ 'https://acme-v02.api.letsencrypt.org/directory': 'https://mirror.example.net/le' }),
  CERTKEEPER_CA_DIRECTORIES: JSON.stringify({ google: 'https://gts.example.net/directory' }),
  CERTKEEPER_CA_TIMEOUT_MS: '20000',
  CERTKEEPER_DELEGATION_ZONE: 'acme.example.com',
  CERTKEEPER_DELEGATION_PROVIDER: 'cloudflare',
  CERTKEEPER_DELEGATION_CREDENTIALS: JSON.stringify({ apiToken: 'abcdefghijklmnopqrstuvwxyz012345' }),
  CERTKEEPER_ACMEHTTP_URL: 'https://env.service.tcloudbase.com/acmehttp',
  CERTKEEPER_RATE_LIMITS: JSON.stringify({ createRequest: { limit: 2 } }),
};

describe('reading the configuration once per instance', () => {
  test('a wrong configuration throws the same ConfigError on every call and logs each problem once, without secrets', () => {
    const env = { CERTKEEPER_SMTP_PASS: 'hunter2-secret', CERTKEEPER_CA_PROXY: 'ftp://u:hunter2@p', CERTKEEPER_SMTP_PORT: '0' };
    const logger = recordingLogger();
    let first: unknown;
    try {
      cloudConfig(env, logger);
    } catch (error) {
      first = error;
    }
    expect(first).toBeInstanceOf(ConfigError);
    expect(() => cloudConfig(env, logger)).toThrow(first as ConfigError);
    expect(logger.entries.map((e) => [e.level, e.event, e.fields.setting])).toEqual([
      ['error', 'config.invalid', 'CERTKEEPER_MASTER_KEY'],
      ['error', 'config.invalid', 'CERTKEEPER_CA_PROXY'],
      ['error', 'config.invalid', 'CERTKEEPER_SMTP_PORT'],
      ['error', 'config.invalid', 'CERTKEEPER_SMTP_PASS'],
    ]);
    expect(logger.entries[2]?.fields.problem).toBe('CERTKEEPER_SMTP_PORT must be a port number (1-65535)');
    expect(JSON.stringify(logger.entries)).not.toContain('hunter2');
  });

  test('a right configuration is read once and builds the engine from it', () => {
    const env = { ...GOOD };
    const config = cloudConfig(env);
    expect(cloudConfig(env)).toBe(config);
    const engine = cloudEngine(env);
    expect(engine.rateLimits.createRequest).toEqual({ limit: 2, windowMs: 3_600_000 });
    expect(engine.cas.directoryUrl('google', null)).toBe('https://gts.example.net/directory');
    expect(engine.cas.endpoint('https://acme-v02.api.letsencrypt.org/directory')).toEqual({
      directoryUrl: 'https://mirror.example.net/le',
      timeoutMs: 20_000,
      proxyUrl: 'http://user:hunter2@proxy.internal:3128',
    });
    expect(engine.dns.delegation?.zone).toBe('acme.example.com');
    expect(engine.dns.acmeHttpBaseUrl).toBe('https://env.service.tcloudbase.com/acmehttp');
    expect(engine.delivery).toMatchObject({ templates: [], miniprogramState: 'formal', subscribe: null });
    const sealed = engine.cipher.encrypt('secret', 'test/1/field');
    expect(sealed.split('.')[1]).toBe('k1');
    // Instance-wide parts are built once; per-call parts are fresh.
    const again = cloudEngine(env);
    expect(again.cas).toBe(engine.cas);
    expect(again.dns).toBe(engine.dns);
    expect(again.cipher).toBe(engine.cipher);
    expect(again.leaseOwner).not.toBe(engine.leaseOwner);
  });
});

describe('the api function with a wrong configuration', () => {
  const saved = process.env;
  let output: string[] = [];
  beforeEach(() => {
    output = [];
    // A fresh environment object: the instance cache is per object, as it is per instance in the cloud.
    const clean = Object.fromEntries(Object.entries(saved).filter(([key]) => !key.startsWith('CERTKEEPER_') && !key.startsWith('WX_')));
    process.env = { ...clean, WX_CONTEXT_KEYS: 'WX_OPENID', WX_OPENID: 'oTest_config', CERTKEEPER_SMTP_HOST: 'smtp.example.com', CERTKEEPER_SMTP_PASS: 'hunter2-secret' };
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => output.push(String(chunk)) > 0);
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => output.push(String(chunk)) > 0);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = saved;
  });

  test('answers INTERNAL to the first call that needs the engine, logging the variables it names; ping still answers', async () => {
    expect(await handleApi({ action: 'ping' }, cloudApiDependencies())).toMatchObject({ ok: true, data: { openId: 'oTest_config' } });
    const response = await handleApi({ action: 'listCertificates' }, cloudApiDependencies());
    expect(response).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.any(String) } });
    expect(JSON.stringify(response)).not.toContain('CERTKEEPER_');
    const lines = output.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const failed = lines.find((line) => line.event === 'api.failed');
    expect(failed?.error).toEqual(expect.stringContaining('ConfigError: configuration: 3 settings are wrong:'));
    for (const variable of ['CERTKEEPER_MASTER_KEY is not set', 'CERTKEEPER_SMTP_USER is not set but CERTKEEPER_SMTP_PASS is', 'CERTKEEPER_SMTP_FROM is not set but CERTKEEPER_SMTP_HOST is']) {
      expect(failed?.error).toEqual(expect.stringContaining(variable));
      expect(lines.filter((line) => line.event === 'config.invalid').map((line) => line.problem)).toContainEqual(expect.stringContaining(variable));
    }
    expect(output.join('')).not.toContain('hunter2');
    // The next call fails the same way without logging the problems again.
    output.length = 0;
    expect(await handleApi({ action: 'listCertificates' }, cloudApiDependencies())).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(output.join('')).not.toContain('config.invalid');
    expect(output.join('')).toContain('CERTKEEPER_MASTER_KEY is not set');
  });
});

describe('services from the configuration', () => {
  const base = readConfig({ CERTKEEPER_MASTER_KEY: `k1:${KEY}` });

  test('without settings the registry is the catalog with the default timeout, no proxy and no mirror', () => {
    const cas = caRegistryFromConfig(base.ca);
    expect(cas.directoryUrl('letsencrypt', null)).toBe('https://acme-v02.api.letsencrypt.org/directory');
    expect(cas.directoryUrl('pebble', null)).toBeNull();
    expect(cas.directoryUrl('custom', 'https://acme.vendor.example/dir')).toBe('https://acme.vendor.example/dir');
    expect(cas.endpoint('https://acme-v02.api.letsencrypt.org/directory')).toEqual({ directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory', timeoutMs: 10_000 });
  });

  test('the proxy applies to every directory, custom ones included; mirrors only to theirs', () => {
    const cas = caRegistryFromConfig({ ...base.ca, proxyUrl: 'http://proxy.internal:3128', mirrors: { 'https://acme.zerossl.com/v2/DV90': 'https://m.example/z' } });
    expect(cas.endpoint('https://acme.vendor.example/dir')).toEqual({ directoryUrl: 'https://acme.vendor.example/dir', timeoutMs: 10_000, proxyUrl: 'http://proxy.internal:3128' });
    expect(cas.endpoint('https://acme.zerossl.com/v2/DV90')).toEqual({ directoryUrl: 'https://m.example/z', timeoutMs: 10_000, proxyUrl: 'http://proxy.internal:3128' });
  });

  test('delegation gets a client of the configured provider, made from the configured credentials', () => {
    const made: Record<string, string>[] = [];
    const factory: DnsProviderFactory = (credentials) => {
      made.push({ ...credentials });
      return { id: 'cloudflare' } as unknown as ReturnType<DnsProviderFactory>;
    };
    const providers = { dnspod: factory, alidns: factory, cloudflare: factory, huaweicloud: factory } satisfies DnsServices['providers'];
    const none = dnsServicesFromConfig(base.automation, providers);
    expect(none).toEqual({ providers, delegation: null, acmeHttpBaseUrl: null });
    const config = readConfig(GOOD);
    const services = dnsServicesFromConfig(config.automation, providers);
    expect(services.delegation?.zone).toBe('acme.example.com');
    expect(made).toEqual([{ apiToken: 'abcdefghijklmnopqrstuvwxyz012345' }]);
  });
});

describe('rate limits from the configuration', () => {
  test('consumeQuota counts against the configured limits, and the defaults without them', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const clock = { now: () => 1_000_000 };
    const { rateLimits } = readConfig({ CERTKEEPER_MASTER_KEY: `k1:${KEY}`, CERTKEEPER_RATE_LIMITS: JSON.stringify({ createRequest: { limit: 2 } }) });
    const deps = { store, clock, rateLimits };
    await consumeQuota(deps, 'alice', 'createRequest');
    await consumeQuota(deps, 'alice', 'createRequest');
    await expect(consumeQuota(deps, 'alice', 'createRequest')).rejects.toBeInstanceOf(RateLimitedError);
    // Without configured limits: the default 20 per hour.
    for (let i = 0; i < 20; i++) await consumeQuota({ store, clock }, 'bob', 'createRequest');
    await expect(consumeQuota({ store, clock }, 'bob', 'createRequest')).rejects.toBeInstanceOf(RateLimitedError);
    await store.close();
  });

  test('the api counts against the limits the engine carries', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const clock = { now: () => 1_000_000 };
    const { rateLimits } = readConfig({ ...GOOD, CERTKEEPER_RATE_LIMITS: JSON.stringify({ exportCertificate: { limit: 1 } }) });
    // Only what an export of a missing certificate touches; the dispatcher passes the engine on as it is.
    const engine = { store, clock, rateLimits } as unknown as CloudEngine;
    const deps = { openId: 'oAlice_123', clock, logger: recordingLogger(), engine: () => engine };
    const request = { action: 'exportCertificate', certificateId: 'nope', format: 'fullchain' };
    expect(await handleApi(request, deps)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await handleApi(request, deps)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    await store.close();
  });
});
