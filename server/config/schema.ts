/**
 * Every setting of a CertKeeper deployment, declared once: its environment variable, type,
 * default, whether it is a secret, who reads it, what it means, an example and how a value is
 * parsed. `read.ts` reads the environment against this list, `docs/configuration.md` is generated
 * from it (`scripts/docs-configuration.ts`), and a doctor can walk it.
 *
 * Parsers never put the value they were given into a problem: problems go to the operator's logs,
 * and some values are secrets. Rules that span several settings (SMTP needs a sender, delegation
 * needs all three of its settings) live in `read.ts`.
 */
import { isIP } from 'node:net';
import * as v from 'valibot';
import { MasterKeyError, parseMasterKeys, type Keyring } from '../adapters/crypto/envelope-cipher';
import { CA_CATALOG, type CaId } from '../domain/ca-catalog';
import { DNS_PROVIDER_IDS, isDnsProviderId, type DnsProviderId } from '../domain/dns-providers';
import { parseName } from '../domain/names';
import { MESSAGE_FIELDS, TEMPLATE_KEYS, type MessageField, type TemplateKey } from '../domain/notification';
import { validateTemplateMapping } from '../domain/subscribe-message';
import type { SubscriptionTemplate } from '../usecases/engine';
import { RATE_LIMITS, RATE_LIMIT_ACTIONS, type RateLimit, type RateLimitAction, type RateLimitTable } from '../usecases/rate-limit';

/** Where a setting is read: the cloud functions by name, and the local runtime (`npm start`). */
export type Reader = 'api' | 'scheduler' | 'worker' | 'local runtime';

/** Headings of docs/configuration.md, in order. */
export const SETTING_GROUPS = ['Secrets at rest', 'Certificate authorities', 'WeChat reminders', 'E-mail reminders', 'Hands-free validation', 'Limits and administrators'] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

/** A parsed value, or the rule the text breaks, phrased to follow the variable's name. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface Setting<T> {
  /** The environment variable. */
  readonly variable: string;
  readonly group: SettingGroup;
  /** What kind of text the variable holds, for the documentation. */
  readonly type: string;
  /** Required settings have no default; a missing one is a problem. */
  readonly required: boolean;
  /** The value when the variable is unset or empty; undefined for required settings. */
  readonly default: T | undefined;
  /** The default as the documentation shows it. */
  readonly defaultText: string;
  /** Secret values never appear in errors or logs; set them as secrets in the console. */
  readonly secret: boolean;
  readonly readBy: readonly Reader[];
  readonly description: string;
  /** A value that parses (fake but well-formed for secrets). */
  readonly example: string;
  /** The rule a value must follow, phrased to follow the variable's name ("must be …"). */
  readonly rule: string;
  /** Parses a non-empty value. Problems never include the value. */
  parse(text: string): Parsed<T>;
}

const ENGINE: readonly Reader[] = ['api', 'scheduler', 'worker'];
const ENGINE_AND_LOCAL: readonly Reader[] = ['api', 'scheduler', 'worker', 'local runtime'];

function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

function fail<T>(problem: string): Parsed<T> {
  return { ok: false, problem };
}

/** JSON.parse's own messages quote the input, so they are never passed on. */
function parseJson(text: string): Parsed<unknown> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return fail('is not valid JSON');
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An absolute http(s) URL without credentials, query or fragment; null when it is not one. */
function webUrl(text: string, protocols: readonly string[]): URL | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (!protocols.includes(url.protocol) || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return null;
  return url;
}

function integerIn(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : null;
}

/** CA ids whose directory URL an operator may override (`custom` is the user's, `pebble` local only). */
export const OVERRIDABLE_CA_IDS = (Object.keys(CA_CATALOG) as CaId[]).filter((id) => CA_CATALOG[id].directoryUrl !== null);
type OverridableCaId = Exclude<CaId, 'custom' | 'pebble'>;

const TemplateSchema = v.strictObject({
  key: v.picklist(TEMPLATE_KEYS as [TemplateKey, ...TemplateKey[]]),
  templateId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{10,128}$/)),
  title: v.pipe(v.string(), v.minLength(1), v.maxLength(20)),
  keywords: v.record(v.string(), v.picklist(MESSAGE_FIELDS as [MessageField, ...MessageField[]])),
});

const RateLimitOverride = v.strictObject({
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000))),
  windowMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1_000), v.maxValue(31 * 86_400_000))),
});

const MASTER_KEY_RULE = 'must be "<keyId>:<base64 of 32 random bytes>", several separated by commas, the current one first';

export const SETTINGS = {
  masterKey: {
    variable: 'CERTKEEPER_MASTER_KEY',
    group: 'Secrets at rest',
    type: 'key list',
    required: true,
    default: undefined,
    defaultText: '— (required)',
    secret: true,
    readBy: ENGINE_AND_LOCAL,
    description:
      'Master keys that seal secrets at rest (private keys, ACME account keys, DNS provider keys, notification destinations) with AES-256-GCM envelope encryption. ' +
      'Key ids are 1-32 of `A-Z a-z 0-9 _ -`. The first entry seals new values; the others only open values sealed with them (rotation, below). ' +
      'Every function that builds the engine must hold the same list. The local runtime creates `.local/master.key` (mode 0600) when the variable is unset.',
    // A placeholder on purpose: a working example key would end up in someone's deployment.
    example: '2026-05:<output of openssl rand -base64 32>',
    rule: MASTER_KEY_RULE,
    parse(text: string): Parsed<Keyring> {
      try {
        return ok(parseMasterKeys(text));
      } catch (error) {
        // MasterKeyError names the entry and its key id, never the key material.
        if (error instanceof MasterKeyError) return fail(error.message.replace(/^CERTKEEPER_MASTER_KEY: /, 'is malformed: '));
        throw error;
      }
    },
  },

  caDirectories: {
    variable: 'CERTKEEPER_CA_DIRECTORIES',
    group: 'Certificate authorities',
    type: 'JSON object',
    required: false,
    default: {},
    defaultText: 'the catalog\'s URLs',
    secret: false,
    readBy: ENGINE,
    description:
      `Replaces the directory URL of catalog CAs, by CA id (${OVERRIDABLE_CA_IDS.join(', ')}), e.g. to follow a CA that moved its directory before CertKeeper is updated. ` +
      'Accounts are kept per directory URL, so changing a URL makes new accounts at the new one. Custom CAs are given by users with each request.',
    example: '{"letsencrypt":"https://acme-v02.api.letsencrypt.org/directory"}',
    rule: `must be a JSON object mapping CA ids (${OVERRIDABLE_CA_IDS.join(', ')}) to https directory URLs`,
    parse(text: string): Parsed<Partial<Record<OverridableCaId, string>>> {
      const json = parseJson(text);
      if (!json.ok) return json;
      if (!isPlainObject(json.value)) return fail(`must be a JSON object mapping CA ids (${OVERRIDABLE_CA_IDS.join(', ')}) to https directory URLs`);
      const urls: Partial<Record<OverridableCaId, string>> = {};
      for (const [caId, url] of Object.entries(json.value)) {
        if (!(OVERRIDABLE_CA_IDS as string[]).includes(caId)) return fail(`names "${caId}", which is not a CA id whose directory can be replaced (${OVERRIDABLE_CA_IDS.join(', ')})`);
        if (typeof url !== 'string' || !webUrl(url, ['https:'])) return fail(`must give "${caId}" an https URL without credentials, query or fragment`);
        urls[caId as OverridableCaId] = url;
      }
      return ok(urls);
    },
  },

  caProxy: {
    variable: 'CERTKEEPER_CA_PROXY',
    group: 'Certificate authorities',
    type: 'URL',
    required: false,
    default: null,
    defaultText: 'none (direct connections)',
    secret: true,
    readBy: ENGINE,
    description:
      'An HTTP CONNECT proxy every ACME request goes through (all CAs, custom ones included), for environments whose functions cannot reach CAs directly. ' +
      'Secret because it may carry the proxy\'s user and password. Renewal-information (ARI) queries do not use it: they are made directly and, if they fail, renewal falls back to the lifetime rule.',
    example: 'http://user:password@proxy.internal.example:3128',
    rule: 'must be an http:// or https:// proxy URL (user and password allowed) without path, query or fragment',
    parse(text: string): Parsed<string | null> {
      let url: URL;
      try {
        url = new URL(text.trim());
      } catch {
        return fail('must be an http:// or https:// proxy URL (user and password allowed) without path, query or fragment');
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || (url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
        return fail('must be an http:// or https:// proxy URL (user and password allowed) without path, query or fragment');
      }
      return ok(text.trim());
    },
  },

  caMirrors: {
    variable: 'CERTKEEPER_CA_MIRRORS',
    group: 'Certificate authorities',
    type: 'JSON object',
    required: false,
    default: {},
    defaultText: 'none',
    secret: false,
    readBy: ENGINE,
    description:
      'Reaches a directory through a mirror: the directory URL as users and the catalog know it (the account stays keyed by it) → the URL actually fetched. ' +
      'The mirror must serve the directory and the URLs it lists (a reverse proxy that rewrites them).',
    example: '{"https://acme-v02.api.letsencrypt.org/directory":"https://acme-mirror.example.com/directory"}',
    rule: 'must be a JSON object mapping https directory URLs to https mirror URLs',
    parse(text: string): Parsed<Record<string, string>> {
      const json = parseJson(text);
      if (!json.ok) return json;
      if (!isPlainObject(json.value)) return fail('must be a JSON object mapping https directory URLs to https mirror URLs');
      const mirrors: Record<string, string> = {};
      for (const [directory, mirror] of Object.entries(json.value)) {
        if (!webUrl(directory, ['https:'])) return fail(`has a key that is not an https directory URL: "${directory}"`);
        if (typeof mirror !== 'string' || !webUrl(mirror, ['https:'])) return fail(`must give "${directory}" an https mirror URL without credentials, query or fragment`);
        mirrors[directory] = mirror;
      }
      return ok(mirrors);
    },
  },

  caTimeoutMs: {
    variable: 'CERTKEEPER_CA_TIMEOUT_MS',
    group: 'Certificate authorities',
    type: 'integer (ms)',
    required: false,
    default: 10_000,
    defaultText: '10000',
    secret: false,
    readBy: ENGINE,
    description:
      'How long one request to a CA may take before it counts as a timeout (a transient failure, retried with back-off). ' +
      'An order step may run 8 s and then wait for one CA request, so a value above 10000 needs the `api` function\'s timeout raised to match.',
    example: '15000',
    rule: 'must be a whole number of milliseconds from 1000 to 30000',
    parse(text: string): Parsed<number> {
      const value = integerIn(text, 1_000, 30_000);
      return value === null ? fail('must be a whole number of milliseconds from 1000 to 30000') : ok(value);
    },
  },

  wechatTemplates: {
    variable: 'CERTKEEPER_WECHAT_TEMPLATES',
    group: 'WeChat reminders',
    type: 'JSON array',
    required: false,
    default: [],
    defaultText: 'none (no WeChat reminders)',
    secret: false,
    readBy: ENGINE,
    description:
      'The one-time subscription templates reminders are sent with, at most one per key: `expiry` (expiry reminders), `result` (renewed, failed, revoked, test) and `action` (needs your action). ' +
      '`keywords` maps each keyword of the template (`thing1`, `date2`, …) to a message field: `domain`, `expiresOn`, `daysLeft`, `status`, `note`, `title`, `time`; each field must fit its keyword\'s type ' +
      '(`thing` ≤ 20 characters, `phrase` ≤ 5 Chinese characters, `character_string` ≤ 32, `date`, `time`, …). `title` (1-20 characters) is shown in the app.',
    example: '[{"key":"expiry","templateId":"AbCdEfGhIj_0123456789","title":"证书到期提醒","keywords":{"thing1":"domain","date2":"expiresOn","phrase3":"status"}}]',
    rule: 'must be a JSON array of {"key","templateId","title","keywords"}, one per key (expiry, result, action)',
    parse(text: string): Parsed<SubscriptionTemplate[]> {
      const json = parseJson(text);
      if (!json.ok) return json;
      const parsed = v.safeParse(v.array(TemplateSchema), json.value);
      if (!parsed.success) {
        const [issue] = parsed.issues;
        return fail(`breaks its schema at ${v.getDotPath(issue) ?? 'the top level'}: ${issue.message}`);
      }
      const keys = parsed.output.map((t) => t.key);
      if (new Set(keys).size !== keys.length) return fail('names a template key twice');
      for (const template of parsed.output) {
        const problems = validateTemplateMapping(template.keywords);
        if (problems.length > 0) return fail(`maps template ${template.key} wrongly: ${problems.map((p) => p.detail).join('; ')}`);
      }
      return ok(parsed.output);
    },
  },

  miniprogramState: {
    variable: 'CERTKEEPER_MINIPROGRAM_STATE',
    group: 'WeChat reminders',
    type: 'word',
    required: false,
    default: 'formal',
    defaultText: 'formal',
    secret: false,
    readBy: ENGINE,
    description: 'Which version of the Mini Program a subscription message opens: the released one (`formal`), the trial version or the developer version.',
    example: 'trial',
    rule: 'must be formal, trial or developer',
    parse(text: string): Parsed<'formal' | 'trial' | 'developer'> {
      const value = text.trim();
      return value === 'formal' || value === 'trial' || value === 'developer' ? ok(value) : fail('must be formal, trial or developer');
    },
  },

  smtpHost: {
    variable: 'CERTKEEPER_SMTP_HOST',
    group: 'E-mail reminders',
    type: 'host name',
    required: false,
    default: null,
    defaultText: 'none (no e-mail channel)',
    secret: false,
    readBy: ENGINE_AND_LOCAL,
    description: 'The mail server e-mail reminders are sent through. Unset: users cannot add an e-mail channel. The other `CERTKEEPER_SMTP_*` settings need it.',
    example: 'smtp.exmail.qq.com',
    rule: 'must be a host name or IP address, without scheme or port',
    parse(text: string): Parsed<string | null> {
      const value = text.trim();
      const hostName = /^(?=.{1,253}$)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?$/.test(value);
      return hostName || isIP(value) !== 0 ? ok(value) : fail('must be a host name or IP address, without scheme or port');
    },
  },

  smtpPort: {
    variable: 'CERTKEEPER_SMTP_PORT',
    group: 'E-mail reminders',
    type: 'port',
    required: false,
    default: 465,
    defaultText: '465',
    secret: false,
    readBy: ENGINE_AND_LOCAL,
    description: 'The mail server\'s port: 465 for TLS from the start, 587 for STARTTLS.',
    example: '465',
    rule: 'must be a port number (1-65535)',
    parse(text: string): Parsed<number> {
      const value = integerIn(text, 1, 65_535);
      return value === null ? fail('must be a port number (1-65535)') : ok(value);
    },
  },

  smtpSecure: {
    variable: 'CERTKEEPER_SMTP_SECURE',
    group: 'E-mail reminders',
    type: 'true or false',
    required: false,
    default: null,
    defaultText: 'true when the port is 465',
    secret: false,
    readBy: ENGINE_AND_LOCAL,
    description: 'TLS from the start (`true`) or STARTTLS (`false`). A password is never sent without TLS: with `false`, the server must offer STARTTLS.',
    example: 'true',
    rule: 'must be true or false',
    parse(text: string): Parsed<boolean | null> {
      const value = text.trim();
      return value === 'true' || value === 'false' ? ok(value === 'true') : fail('must be true or false');
    },
  },

  smtpUser: {
    variable: 'CERTKEEPER_SMTP_USER',
    group: 'E-mail reminders',
    type: 'text',
    required: false,
    default: null,
    defaultText: 'none (no login)',
    secret: false,
    readBy: ENGINE_AND_LOCAL,
    description: 'The login at the mail server; set together with `CERTKEEPER_SMTP_PASS`.',
    example: 'noreply@example.com',
    rule: 'must be the login name (no line breaks)',
    parse(text: string): Parsed<string | null> {
      return /[\r\n]/.test(text) ? fail('must be the login name (no line breaks)') : ok(text.trim());
    },
  },

  smtpPass: {
    variable: 'CERTKEEPER_SMTP_PASS',
    group: 'E-mail reminders',
    type: 'text',
    required: false,
    default: null,
    defaultText: 'none',
    secret: true,
    readBy: ENGINE_AND_LOCAL,
    description: 'The password (or app password / authorisation code) for `CERTKEEPER_SMTP_USER`; set together with it.',
    example: 'an-app-password',
    rule: 'must be the password (no line breaks)',
    parse(text: string): Parsed<string | null> {
      // Not trimmed: a password may start or end with a space.
      return /[\r\n]/.test(text) ? fail('must be the password (no line breaks)') : ok(text);
    },
  },

  smtpFrom: {
    variable: 'CERTKEEPER_SMTP_FROM',
    group: 'E-mail reminders',
    type: 'e-mail address',
    required: false,
    default: null,
    defaultText: '— (required with a host)',
    secret: false,
    readBy: ENGINE_AND_LOCAL,
    description: 'The sender of reminder e-mails, a bare address or `Name <address>`. Required when `CERTKEEPER_SMTP_HOST` is set.',
    example: '证书管家 <noreply@example.com>',
    rule: 'must be the sender address, e.g. "证书管家 <noreply@example.com>"',
    parse(text: string): Parsed<string | null> {
      const value = text.trim();
      return /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$|^[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>$/.test(value)
        ? ok(value)
        : fail('must be the sender address, e.g. "证书管家 <noreply@example.com>"');
    },
  },

  delegationZone: {
    variable: 'CERTKEEPER_DELEGATION_ZONE',
    group: 'Hands-free validation',
    type: 'domain name',
    required: false,
    default: null,
    defaultText: 'none (no CNAME delegation)',
    secret: false,
    readBy: ENGINE,
    description:
      'The zone users point `_acme-challenge.<their name>` at by CNAME (each name gets `<certificate id>-<n>.<zone>`), so CertKeeper can publish their dns-01 records. ' +
      'Set together with `CERTKEEPER_DELEGATION_PROVIDER` and `CERTKEEPER_DELEGATION_CREDENTIALS`, or none of them.',
    example: 'acme.example.com',
    rule: 'must be a domain name, e.g. acme.example.com',
    parse(text: string): Parsed<string | null> {
      const parsed = parseName(text.trim());
      return parsed.ok && !parsed.name.wildcard ? ok(parsed.name.ascii) : fail('must be a domain name, e.g. acme.example.com');
    },
  },

  delegationProvider: {
    variable: 'CERTKEEPER_DELEGATION_PROVIDER',
    group: 'Hands-free validation',
    type: 'word',
    required: false,
    default: null,
    defaultText: '— (required with a zone)',
    secret: false,
    readBy: ENGINE,
    description: 'The DNS provider hosting the delegation zone.',
    example: 'dnspod',
    rule: `must be one of ${DNS_PROVIDER_IDS.join(', ')}`,
    parse(text: string): Parsed<DnsProviderId | null> {
      const value = text.trim();
      return isDnsProviderId(value) ? ok(value) : fail(`must be one of ${DNS_PROVIDER_IDS.join(', ')}`);
    },
  },

  delegationCredentials: {
    variable: 'CERTKEEPER_DELEGATION_CREDENTIALS',
    group: 'Hands-free validation',
    type: 'JSON object',
    required: false,
    default: null,
    defaultText: '— (required with a zone)',
    secret: true,
    readBy: ENGINE,
    description:
      'The delegation provider\'s credential fields as JSON: `dnspod` `{"secretId","secretKey"}`, `alidns` `{"accessKeyId","accessKeySecret"}`, `cloudflare` `{"apiToken"}`, ' +
      '`huaweicloud` `{"accessKeyId","secretAccessKey","region"}`. Give the key rights on the delegation zone only.',
    example: '{"secretId":"AKIDexampleexampleexample","secretKey":"exampleexampleexampleexample"}',
    rule: 'must be a JSON object of the provider\'s credential fields (strings)',
    parse(text: string): Parsed<Readonly<Record<string, string>> | null> {
      const json = parseJson(text);
      if (!json.ok) return json;
      if (!isPlainObject(json.value) || Object.values(json.value).some((field) => typeof field !== 'string')) {
        return fail('must be a JSON object of the provider\'s credential fields (strings)');
      }
      return ok(json.value as Record<string, string>);
    },
  },

  acmeHttpUrl: {
    variable: 'CERTKEEPER_ACMEHTTP_URL',
    group: 'Hands-free validation',
    type: 'URL',
    required: false,
    default: null,
    defaultText: 'none (no http-01 delegation)',
    secret: false,
    readBy: ENGINE,
    description:
      'The public https URL of the `acmehttp` function\'s HTTP access route; users\' http-01 redirects point under it. Unset: the http-01 redirect is not offered.',
    example: 'https://your-env-1a2b3c.service.tcloudbase.com/acmehttp',
    rule: 'must be an https URL without credentials, query or fragment',
    parse(text: string): Parsed<string | null> {
      const value = text.trim();
      return webUrl(value, ['https:']) ? ok(value.replace(/\/+$/, '')) : fail('must be an https URL without credentials, query or fragment');
    },
  },

  rateLimits: {
    variable: 'CERTKEEPER_RATE_LIMITS',
    group: 'Limits and administrators',
    type: 'JSON object',
    required: false,
    default: RATE_LIMITS,
    defaultText: RATE_LIMIT_ACTIONS.map((action) => `${action} ${RATE_LIMITS[action].limit}/${RATE_LIMITS[action].windowMs / 60_000} min`).join(', '),
    secret: false,
    readBy: ['api'],
    description:
      `Per-user limits, by action (${RATE_LIMIT_ACTIONS.join(', ')}): at most \`limit\` uses in a fixed window of \`windowMs\`. ` +
      'Only the actions and fields given change; the rest keep their defaults. `testChannel` also counts WeChat test messages, `checkEndpoint` every "check now".',
    example: '{"createRequest":{"limit":50},"exportCertificate":{"limit":120,"windowMs":3600000}}',
    rule: `must be a JSON object of actions (${RATE_LIMIT_ACTIONS.join(', ')}) to {"limit": 1-1000000, "windowMs": 1000-${31 * 86_400_000}}`,
    parse(text: string): Parsed<RateLimitTable> {
      const json = parseJson(text);
      if (!json.ok) return json;
      const shape = `must be a JSON object of actions (${RATE_LIMIT_ACTIONS.join(', ')}) to {"limit": 1-1000000, "windowMs": 1000-${31 * 86_400_000}}`;
      if (!isPlainObject(json.value)) return fail(shape);
      const table: Record<RateLimitAction, RateLimit> = { ...RATE_LIMITS };
      for (const [action, override] of Object.entries(json.value)) {
        if (!(RATE_LIMIT_ACTIONS as readonly string[]).includes(action)) return fail(`names "${action}", which is not a limited action (${RATE_LIMIT_ACTIONS.join(', ')})`);
        const parsed = v.safeParse(RateLimitOverride, override);
        if (!parsed.success) return fail(`${shape}; ${action} breaks it at ${v.getDotPath(parsed.issues[0]) ?? 'the top level'}`);
        const known = action as RateLimitAction;
        table[known] = { limit: parsed.output.limit ?? RATE_LIMITS[known].limit, windowMs: parsed.output.windowMs ?? RATE_LIMITS[known].windowMs };
      }
      return ok(table);
    },
  },

  adminOpenIds: {
    variable: 'CERTKEEPER_ADMIN_OPENIDS',
    group: 'Limits and administrators',
    type: 'comma-separated list',
    required: false,
    default: [],
    defaultText: 'none (nobody may run admin actions)',
    secret: false,
    readBy: ['api'],
    description:
      'The OPENIDs (of this Mini Program) allowed to run admin actions such as the doctor. A user\'s OPENID is the `openId` the `api` function\'s `ping` action answers them.',
    example: 'oAbCd1234567890EfGhIjKlMnOpQ,oZyXw0987654321VuTsRqPoNmLk',
    rule: 'must be OPENIDs (6-64 of A-Z a-z 0-9 _ -) separated by commas',
    parse(text: string): Parsed<readonly string[]> {
      const ids = text.split(',').map((id) => id.trim()).filter((id) => id !== '');
      const bad = ids.findIndex((id) => !/^[A-Za-z0-9_-]{6,64}$/.test(id));
      if (bad >= 0) return fail(`must be OPENIDs (6-64 of A-Z a-z 0-9 _ -) separated by commas; entry ${bad + 1} is not one`);
      return ok([...new Set(ids)]);
    },
  },
} satisfies Record<string, Setting<unknown>>;

export type SettingKey = keyof typeof SETTINGS;

/** The parsed type of each setting. */
export type SettingValues = { [K in SettingKey]: ReturnType<(typeof SETTINGS)[K]['parse']> extends Parsed<infer T> ? T : never };

/** Every setting, in documentation order. */
export const SETTING_LIST: readonly (Setting<unknown> & { key: SettingKey })[] = (Object.keys(SETTINGS) as SettingKey[]).map((key) => ({ key, ...(SETTINGS[key] as Setting<unknown>) }));
