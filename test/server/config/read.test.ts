/**
 * The whole configuration: a full valid environment parses to typed values; every required
 * setting missing and every malformed value gives its own problem naming the variable; all
 * problems come at once; secret values never reach an error.
 */
import { inspect } from 'node:util';
import { collectConfigProblems, ConfigError, readConfig, readConfigSection, readSetting, type ConfigProblem, type Env } from '../../../server/config/read';
import { SETTING_LIST, SETTINGS, type SettingKey } from '../../../server/config/schema';
import { RATE_LIMITS } from '../../../server/usecases/rate-limit';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');
const TEMPLATES = [{ key: 'expiry', templateId: 'AbCdEfGhIj_0123456789', title: '证书到期提醒', keywords: { thing1: 'domain', date2: 'expiresOn' } }];

/** Every setting given, each with a valid value. */
const FULL: Record<string, string> = {
  CERTKEEPER_MASTER_KEY: `2027-01:${KEY_B}, 2026-05:${KEY_A}`,
  CERTKEEPER_CA_DIRECTORIES: JSON.stringify({ letsencrypt: 'https://acme.example.net/directory' }),
  CERTKEEPER_CA_PROXY: 'http://user:pw@proxy.internal:3128',
  CERTKEEPER_CA_MIRRORS: JSON.stringify({ 'https://acme.zerossl.com/v2/DV90': 'https://mirror.example.net/zerossl' }),
  CERTKEEPER_CA_TIMEOUT_MS: '15000',
  CERTKEEPER_WECHAT_TEMPLATES: JSON.stringify(TEMPLATES),
  CERTKEEPER_MINIPROGRAM_STATE: 'developer',
  CERTKEEPER_SMTP_HOST: 'smtp.example.com',
  CERTKEEPER_SMTP_PORT: '587',
  CERTKEEPER_SMTP_SECURE: 'false',
  CERTKEEPER_SMTP_USER: 'noreply@example.com',
  CERTKEEPER_SMTP_PASS: 'app-password',
  CERTKEEPER_SMTP_FROM: '证书管家 <noreply@example.com>',
  CERTKEEPER_DELEGATION_ZONE: 'ACME.Example.com',
  CERTKEEPER_DELEGATION_PROVIDER: 'cloudflare',
  CERTKEEPER_DELEGATION_CREDENTIALS: JSON.stringify({ apiToken: 'abcdefghijklmnopqrstuvwxyz012345' }),
  CERTKEEPER_ACMEHTTP_URL: 'https://env-1a2b.service.tcloudbase.com/acmehttp/',
  CERTKEEPER_RATE_LIMITS: JSON.stringify({ createRequest: { limit: 50 }, checkEndpoint: { limit: 5, windowMs: 600_000 } }),
  CERTKEEPER_ADMIN_OPENIDS: 'oAbCd1234567890EfGhIjKlMnOpQ, oZyXw0987654321VuTsRqPoNmLk,',
};

const MINIMAL = { CERTKEEPER_MASTER_KEY: `k1:${KEY_A}` };

function problemsOf(fn: () => unknown): ConfigProblem[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

test('the test environment sets every setting of the schema', () => {
  expect(Object.keys(FULL).sort()).toEqual(SETTING_LIST.map((s) => s.variable).sort());
});

test('a full valid configuration parses to typed values', () => {
  const config = readConfig(FULL);
  expect(config.masterKeys.current.id).toBe('2027-01');
  expect([...config.masterKeys.all.keys()]).toEqual(['2027-01', '2026-05']);
  expect(config.ca).toEqual({
    directoryUrls: { letsencrypt: 'https://acme.example.net/directory' },
    proxyUrl: 'http://user:pw@proxy.internal:3128',
    mirrors: { 'https://acme.zerossl.com/v2/DV90': 'https://mirror.example.net/zerossl' },
    timeoutMs: 15_000,
  });
  expect(config.delivery).toEqual({
    templates: TEMPLATES,
    miniprogramState: 'developer',
    smtp: { host: 'smtp.example.com', port: 587, secure: false, user: 'noreply@example.com', pass: 'app-password', from: '证书管家 <noreply@example.com>' },
  });
  expect(config.automation).toEqual({
    delegation: { zone: 'acme.example.com', providerId: 'cloudflare', credentials: { apiToken: 'abcdefghijklmnopqrstuvwxyz012345' } },
    acmeHttpBaseUrl: 'https://env-1a2b.service.tcloudbase.com/acmehttp',
  });
  expect(config.rateLimits).toEqual({ ...RATE_LIMITS, createRequest: { limit: 50, windowMs: 3_600_000 }, checkEndpoint: { limit: 5, windowMs: 600_000 } });
  expect(config.adminOpenIds).toEqual(['oAbCd1234567890EfGhIjKlMnOpQ', 'oZyXw0987654321VuTsRqPoNmLk']);
  expect(collectConfigProblems(FULL)).toEqual([]);
});

test('only the master key is needed; everything else has its default', () => {
  const config = readConfig(MINIMAL);
  expect(config.ca).toEqual({ directoryUrls: {}, proxyUrl: null, mirrors: {}, timeoutMs: 10_000 });
  expect(config.delivery).toEqual({ templates: [], miniprogramState: 'formal', smtp: null });
  expect(config.automation).toEqual({ delegation: null, acmeHttpBaseUrl: null });
  expect(config.rateLimits).toEqual(RATE_LIMITS);
  expect(config.rateLimits).toEqual({
    createRequest: { limit: 20, windowMs: 3_600_000 },
    exportCertificate: { limit: 60, windowMs: 3_600_000 },
    testChannel: { limit: 10, windowMs: 3_600_000 },
    checkEndpoint: { limit: 30, windowMs: 3_600_000 },
  });
  expect(config.adminOpenIds).toEqual([]);
});

describe('required settings', () => {
  test.each(SETTING_LIST.filter((s) => s.required).map((s) => s.variable))('%s missing gives its own problem naming it', (variable) => {
    for (const value of [undefined, '', '  ']) {
      const env = { ...FULL, [variable]: value };
      expect(problemsOf(() => readConfig(env))).toEqual([{ setting: variable, problem: expect.stringMatching(/^is not set; it must be /) }]);
    }
    expect(() => readConfig({ ...FULL, [variable]: undefined })).toThrow(`configuration: ${variable} is not set; it must be`);
  });

  test.each<[string, string[], string]>([
    ['a zone without provider and credentials', ['CERTKEEPER_DELEGATION_PROVIDER', 'CERTKEEPER_DELEGATION_CREDENTIALS'], 'CERTKEEPER_DELEGATION_ZONE'],
    ['a provider without zone and credentials', ['CERTKEEPER_DELEGATION_ZONE', 'CERTKEEPER_DELEGATION_CREDENTIALS'], 'CERTKEEPER_DELEGATION_PROVIDER'],
    ['credentials without zone and provider', ['CERTKEEPER_DELEGATION_ZONE', 'CERTKEEPER_DELEGATION_PROVIDER'], 'CERTKEEPER_DELEGATION_CREDENTIALS'],
  ])('delegation: %s names each missing setting', (_what, missing, given) => {
    const env = { ...MINIMAL, [given]: FULL[given] ?? '' };
    expect(problemsOf(() => readConfig(env))).toEqual(
      missing.map((setting) => ({ setting, problem: expect.stringContaining(`is not set but ${given} is; CNAME delegation needs`) })),
    );
  });

  test('an SMTP host needs a sender', () => {
    const env = { ...FULL, CERTKEEPER_SMTP_FROM: undefined };
    expect(problemsOf(() => readConfig(env))).toEqual([{ setting: 'CERTKEEPER_SMTP_FROM', problem: expect.stringContaining('is not set but CERTKEEPER_SMTP_HOST is') }]);
  });
});

/** A malformed value for every setting, and what the problem says. */
const MALFORMED: Record<SettingKey, [string, string][]> = {
  masterKey: [
    ['no-separator', 'is malformed: entry 1 has no valid key id'],
    [`k1:${Buffer.alloc(16).toString('base64')}`, 'is malformed: key "k1" must be base64 of exactly 32 bytes (got 16)'],
    [`k1:${KEY_A},k1:${KEY_B}`, 'is malformed: key id "k1" appears twice'],
  ],
  caDirectories: [
    ['{', 'is not valid JSON'],
    ['["https://x.example/dir"]', 'must be a JSON object mapping CA ids'],
    ['{"custom":"https://x.example/dir"}', 'names "custom", which is not a CA id whose directory can be replaced'],
    ['{"pebble":"https://x.example/dir"}', 'names "pebble"'],
    ['{"letsencrypt":"http://x.example/dir"}', 'must give "letsencrypt" an https URL'],
  ],
  caProxy: [
    ['proxy.internal:3128', 'must be an http:// or https:// proxy URL'],
    ['socks5://proxy.internal:1080', 'must be an http:// or https:// proxy URL'],
    ['http://proxy.internal:3128/path', 'without path, query or fragment'],
  ],
  caMirrors: [
    ['not json', 'is not valid JSON'],
    ['{"acme.zerossl.com":"https://m.example"}', 'has a key that is not an https directory URL: "acme.zerossl.com"'],
    ['{"https://acme.zerossl.com/v2/DV90":42}', 'must give "https://acme.zerossl.com/v2/DV90" an https mirror URL'],
  ],
  caTimeoutMs: [
    ['10s', 'must be a whole number of milliseconds from 1000 to 30000'],
    ['999', 'must be a whole number of milliseconds from 1000 to 30000'],
    ['120000', 'must be a whole number of milliseconds from 1000 to 30000'],
  ],
  wechatTemplates: [
    ['[', 'is not valid JSON'],
    [JSON.stringify([{ ...TEMPLATES[0], templateId: 'short' }]), 'breaks its schema at 0.templateId'],
  ],
  miniprogramState: [['release', 'must be formal, trial or developer']],
  smtpHost: [
    ['smtp.example.com:465', 'must be a host name or IP address, without scheme or port'],
    ['smtps://smtp.example.com', 'must be a host name or IP address'],
  ],
  smtpPort: [['0', 'must be a port number (1-65535)']],
  smtpSecure: [['1', 'must be true or false']],
  smtpUser: [['a\nb', 'must be the login name (no line breaks)']],
  smtpPass: [['a\r\nb', 'must be the password (no line breaks)']],
  smtpFrom: [['noreply', 'must be the sender address']],
  delegationZone: [
    ['*.acme.example.com', 'must be a domain name, e.g. acme.example.com'],
    ['not a zone', 'must be a domain name'],
  ],
  delegationProvider: [['route53', 'must be one of dnspod, alidns, cloudflare, huaweicloud']],
  delegationCredentials: [
    ['apiToken=abc', 'is not valid JSON'],
    ['{"apiToken":12345}', 'must be a JSON object of the provider\'s credential fields (strings)'],
    ['{"apiToken":"too-short"}', 'needs a valid "apiToken" for cloudflare'],
    ['{"secretId":"AKIDexampleexampleexample","secretKey":"exampleexampleexampleexample"}', 'needs a valid "apiToken" for cloudflare'],
    ['{"apiToken":"abcdefghijklmnopqrstuvwxyz012345","extra":"x"}', 'has a field cloudflare does not use: "extra"'],
  ],
  acmeHttpUrl: [
    ['http://env.service.tcloudbase.com/acmehttp', 'must be an https URL'],
    ['https://env.service.tcloudbase.com/acmehttp?x=1', 'without credentials, query or fragment'],
  ],
  rateLimits: [
    ['{"createRequest":20}', 'createRequest breaks it at the top level'],
    ['{"createRequest":{"limit":0}}', 'createRequest breaks it at limit'],
    ['{"createRequest":{"limit":2.5}}', 'createRequest breaks it at limit'],
    ['{"exportCertificate":{"windowMs":10}}', 'exportCertificate breaks it at windowMs'],
    ['{"createRequest":{"max":5}}', 'createRequest breaks it at max'],
    ['{"deleteEverything":{"limit":1}}', 'names "deleteEverything", which is not a limited action'],
    ['[]', 'must be a JSON object of actions (createRequest, exportCertificate, testChannel, checkEndpoint)'],
  ],
  adminOpenIds: [
    ['oAbCd1234567890EfGhIjKlMnOpQ;oZyXw0987654321VuTsRqPoNmLk', 'entry 1 is not one'],
    ['oAbCd1234567890EfGhIjKlMnOpQ, o!', 'entry 2 is not one'],
  ],
};

describe('malformed values', () => {
  const cases = (Object.keys(MALFORMED) as SettingKey[]).flatMap((key) => MALFORMED[key].map(([value, problem]) => [SETTINGS[key].variable, value, problem] as const));

  test.each(cases)('%s=%j gives its own problem naming it', (variable, value, problem) => {
    const problems = problemsOf(() => readConfig({ ...FULL, [variable]: value }));
    expect(problems).toEqual([{ setting: variable, problem: expect.stringContaining(problem) }]);
    expect(() => readConfig({ ...FULL, [variable]: value })).toThrow(`configuration: ${variable} `);
  });
});

test('all problems come at once, one line per setting, in the schema order', () => {
  const env = {
    CERTKEEPER_SMTP_PORT: '587',
    CERTKEEPER_CA_TIMEOUT_MS: 'soon',
    CERTKEEPER_ADMIN_OPENIDS: '!',
    CERTKEEPER_DELEGATION_ZONE: 'acme.example.com',
  };
  const problems = collectConfigProblems(env);
  expect(problems.map((p) => p.setting)).toEqual([
    'CERTKEEPER_MASTER_KEY',
    'CERTKEEPER_CA_TIMEOUT_MS',
    'CERTKEEPER_SMTP_PORT',
    'CERTKEEPER_DELEGATION_PROVIDER',
    'CERTKEEPER_DELEGATION_CREDENTIALS',
    'CERTKEEPER_ADMIN_OPENIDS',
  ]);
  const error = new ConfigError(problems);
  const lines = error.message.split('\n');
  expect(lines[0]).toBe('configuration: 6 settings are wrong:');
  expect(lines.slice(1)).toEqual(problems.map((p) => `${p.setting} ${p.problem}`));
  expect(lines).toContain('CERTKEEPER_SMTP_PORT is set but CERTKEEPER_SMTP_HOST is not; e-mail needs the mail server\'s host');
  expect(() => readConfig(env)).toThrow(error.message);
  // With a host, the port's own rule is what is reported.
  expect(collectConfigProblems({ ...MINIMAL, CERTKEEPER_SMTP_HOST: 'smtp.example.com', CERTKEEPER_SMTP_FROM: 'a@example.com', CERTKEEPER_SMTP_PORT: '70000' })).toEqual([
    { setting: 'CERTKEEPER_SMTP_PORT', problem: 'must be a port number (1-65535)' },
  ]);
});

describe('reading parts of the configuration', () => {
  test('a section checks only its own settings', () => {
    const broken = { CERTKEEPER_CA_TIMEOUT_MS: 'x', CERTKEEPER_ADMIN_OPENIDS: 'oAbCd1234567890EfGhIjKlMnOpQ' };
    expect(readConfigSection(broken, 'adminOpenIds')).toEqual(['oAbCd1234567890EfGhIjKlMnOpQ']);
    expect(readConfigSection({}, 'delivery')).toEqual({ templates: [], miniprogramState: 'formal', smtp: null });
    expect(() => readConfigSection(broken, 'ca')).toThrow('configuration: CERTKEEPER_CA_TIMEOUT_MS must be a whole number');
    expect(() => readConfigSection(broken, 'masterKeys')).toThrow('configuration: CERTKEEPER_MASTER_KEY is not set');
  });

  test('one setting reads to its value, its default or its problem', () => {
    expect(readSetting({ CERTKEEPER_SMTP_PORT: '2525' }, 'smtpPort')).toEqual({ ok: true, value: 2525 });
    expect(readSetting({}, 'smtpPort')).toEqual({ ok: true, value: 465 });
    expect(readSetting({}, 'masterKey')).toEqual({ ok: false, problem: expect.stringContaining('is not set') });
  });
});

describe('secrets never appear in errors', () => {
  const secrets = SETTING_LIST.filter((s) => s.secret).map((s) => s.variable);

  test('the schema marks the master key, the SMTP password, the delegation credentials and the proxy as secret', () => {
    expect(secrets.sort()).toEqual(['CERTKEEPER_CA_PROXY', 'CERTKEEPER_DELEGATION_CREDENTIALS', 'CERTKEEPER_MASTER_KEY', 'CERTKEEPER_SMTP_PASS']);
  });

  /** Secret values, well-formed or not, each carrying a marker an error must never show. */
  const LEAKY: [string, Env][] = [
    ['a master key that is not base64', { CERTKEEPER_MASTER_KEY: 'k1:LEAKMARKER-not-base64' }],
    ['a master key of the wrong length', { CERTKEEPER_MASTER_KEY: 'k1:TEVBS01BUktFUkxFQUtNQVJLRVI=' }],
    ['a master key without an id', { CERTKEEPER_MASTER_KEY: 'LEAKMARKERLEAKMARKERLEAKMARKERLEAKMARKER=' }],
    ['a second master key that is malformed', { CERTKEEPER_MASTER_KEY: `k1:${KEY_A},LEAKMARKER` }],
    ['a proxy URL that is not one', { CERTKEEPER_CA_PROXY: 'LEAKMARKER:hunter2@proxy' }],
    ['a proxy URL with a path', { CERTKEEPER_CA_PROXY: 'http://LEAKMARKER:hunter2@proxy.internal:3128/x' }],
    ['a password with a line break', { ...FULL, CERTKEEPER_SMTP_PASS: 'LEAKMARKER\n' }],
    ['a password without a user', { ...FULL, CERTKEEPER_SMTP_USER: undefined, CERTKEEPER_SMTP_PASS: 'LEAKMARKER' }],
    ['a password without a host', { CERTKEEPER_SMTP_PASS: 'LEAKMARKER' }],
    ['credentials that are not JSON', { ...FULL, CERTKEEPER_DELEGATION_CREDENTIALS: '{"apiToken":"LEAKMARKER' }],
    ['credentials that are a JSON string', { ...FULL, CERTKEEPER_DELEGATION_CREDENTIALS: '"LEAKMARKER"' }],
    ['credentials with a malformed field', { ...FULL, CERTKEEPER_DELEGATION_CREDENTIALS: '{"apiToken":"LEAKMARKER!"}' }],
    ['credentials for another provider', { ...FULL, CERTKEEPER_DELEGATION_PROVIDER: 'dnspod', CERTKEEPER_DELEGATION_CREDENTIALS: '{"secretId":"LEAKMARKERLEAKMARKER","secretKey":"LEAKMARKER!"}' }],
    ['credentials without zone and provider', { CERTKEEPER_DELEGATION_CREDENTIALS: '{"apiToken":"LEAKMARKERLEAKMARKERLEAKMARKER12"}' }],
    ['valid secrets next to broken settings', { ...FULL, CERTKEEPER_MASTER_KEY: `k1:${KEY_A}`, CERTKEEPER_SMTP_PASS: 'LEAKMARKER', CERTKEEPER_CA_PROXY: 'http://u:LEAKMARKER@p:1', CERTKEEPER_SMTP_PORT: 'x', CERTKEEPER_ACMEHTTP_URL: 'ftp://x' }],
  ];

  test.each(LEAKY)('%s', (_what, env) => {
    let caught: unknown;
    try {
      readConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    for (const text of [error.message, String(error), error.stack ?? '', inspect(error, { depth: 5 }), JSON.stringify(error.problems), JSON.stringify(collectConfigProblems(env))]) {
      expect(text).not.toContain('LEAKMARKER');
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain(KEY_A);
      expect(text).not.toContain(Buffer.from('LEAKMARKER').toString('base64').slice(0, 12));
    }
  });
});
