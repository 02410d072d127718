/**
 * Reads a deployment's configuration from the environment against `schema.ts`: every setting is
 * parsed, every problem collected (one per setting, naming its variable and the rule), and only a
 * configuration without problems comes back, typed. The cloud runtime calls `readConfig` once per
 * instance; a doctor calls `collectConfigProblems` to report each problem on its own.
 *
 * No problem text ever contains a setting's value (some are secrets): only variable names, rules,
 * and for non-secret JSON settings the offending key.
 */
import type { Keyring } from '../adapters/crypto/envelope-cipher';
import type { SmtpSettings } from '../adapters/notify/email';
import type { CaId } from '../domain/ca-catalog';
import { DNS_PROVIDERS, type DnsProviderId } from '../domain/dns-providers';
import type { SubscriptionTemplate } from '../usecases/engine';
import type { RateLimitTable } from '../usecases/rate-limit';
import { SETTING_LIST, SETTINGS, type Parsed, type Setting, type SettingKey, type SettingValues } from './schema';

/** The environment as functions see it (`process.env`, or a plain object in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/** One setting's problem; `${setting} ${problem}` is the line an operator reads. */
export interface ConfigProblem {
  /** The environment variable. */
  setting: string;
  /** The rule it breaks, phrased to follow the variable's name. */
  problem: string;
}

/** A configuration with problems; the message holds one line per setting, naming it and the rule. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) => `${p.setting} ${p.problem}`);
    super(lines.length === 1 ? `configuration: ${lines[0] ?? ''}` : `configuration: ${lines.length} settings are wrong:\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }

  /** The variables named, in order. */
  get settings(): string[] {
    return this.problems.map((p) => p.setting);
  }
}

export interface CaConfig {
  /** Replaced catalog directory URLs by CA id. */
  directoryUrls: Partial<Record<CaId, string>>;
  /** CONNECT proxy for every ACME request (may carry credentials: never log it). */
  proxyUrl: string | null;
  /** Directory URL → the mirror URL fetched instead. */
  mirrors: Readonly<Record<string, string>>;
  timeoutMs: number;
}

export interface DeliveryConfig {
  templates: SubscriptionTemplate[];
  miniprogramState: 'developer' | 'trial' | 'formal';
  smtp: SmtpSettings | null;
}

export interface AutomationConfig {
  /** The operator's delegation zone, its provider and the provider's credential fields; null when not offered. */
  delegation: { zone: string; providerId: DnsProviderId; credentials: Readonly<Record<string, string>> } | null;
  /** Public base URL of the `acmehttp` function (no trailing slash); null when not offered. */
  acmeHttpBaseUrl: string | null;
}

export interface AppConfig {
  masterKeys: Keyring;
  ca: CaConfig;
  delivery: DeliveryConfig;
  automation: AutomationConfig;
  rateLimits: RateLimitTable;
  /** OPENIDs allowed to run admin actions; empty: nobody. */
  adminOpenIds: readonly string[];
}

export type ConfigSection = keyof AppConfig;

/** Which settings make up each part of the configuration. */
export const CONFIG_SECTIONS = {
  masterKeys: ['masterKey'],
  ca: ['caDirectories', 'caProxy', 'caMirrors', 'caTimeoutMs'],
  delivery: ['wechatTemplates', 'miniprogramState', 'smtpHost', 'smtpPort', 'smtpSecure', 'smtpUser', 'smtpPass', 'smtpFrom'],
  automation: ['delegationZone', 'delegationProvider', 'delegationCredentials', 'acmeHttpUrl'],
  rateLimits: ['rateLimits'],
  adminOpenIds: ['adminOpenIds'],
} as const satisfies Record<ConfigSection, readonly SettingKey[]>;

type SectionValues<S extends ConfigSection> = Pick<SettingValues, (typeof CONFIG_SECTIONS)[S][number]>;

function isSet(env: Env, variable: string): boolean {
  const value = env[variable];
  return value !== undefined && value.trim() !== '';
}

/**
 * One setting from the environment: its parsed value, its default when unset, or its problem
 * (a required setting that is unset, or a value that breaks the setting's rule).
 */
export function readSetting<K extends SettingKey>(env: Env, key: K): Parsed<SettingValues[K]> {
  const setting = SETTINGS[key] as Setting<SettingValues[K]>;
  const text = env[setting.variable];
  if (text === undefined || text.trim() === '') {
    if (setting.required || setting.default === undefined) return { ok: false, problem: `is not set; it ${setting.rule}` };
    return { ok: true, value: setting.default };
  }
  return setting.parse(text);
}

/** Rules across settings; each problem is reported on the setting that has to change. */
const CROSS_CHECKS: { [S in ConfigSection]?: (env: Env, read: <K extends SettingKey>(key: K) => Parsed<SettingValues[K]>) => ConfigProblem[] } = {
  delivery(env) {
    const problems: ConfigProblem[] = [];
    const host = SETTINGS.smtpHost.variable;
    const others = [SETTINGS.smtpPort, SETTINGS.smtpSecure, SETTINGS.smtpUser, SETTINGS.smtpPass, SETTINGS.smtpFrom];
    if (!isSet(env, host)) {
      for (const other of others) if (isSet(env, other.variable)) problems.push({ setting: other.variable, problem: `is set but ${host} is not; e-mail needs the mail server's host` });
      return problems;
    }
    if (!isSet(env, SETTINGS.smtpFrom.variable)) problems.push({ setting: SETTINGS.smtpFrom.variable, problem: `is not set but ${host} is; it ${SETTINGS.smtpFrom.rule}` });
    const user = SETTINGS.smtpUser.variable;
    const pass = SETTINGS.smtpPass.variable;
    if (isSet(env, user) && !isSet(env, pass)) problems.push({ setting: pass, problem: `is not set but ${user} is; set them together` });
    if (isSet(env, pass) && !isSet(env, user)) problems.push({ setting: user, problem: `is not set but ${pass} is; set them together` });
    return problems;
  },
  automation(env, read) {
    const trio = [SETTINGS.delegationZone, SETTINGS.delegationProvider, SETTINGS.delegationCredentials];
    const given = trio.filter((s) => isSet(env, s.variable));
    if (given.length === 0) return [];
    const problems: ConfigProblem[] = [];
    const first = given[0]?.variable ?? '';
    for (const setting of trio) {
      if (!isSet(env, setting.variable)) problems.push({ setting: setting.variable, problem: `is not set but ${first} is; CNAME delegation needs ${trio.map((s) => s.variable).join(', ')} together; it ${setting.rule}` });
    }
    const provider = read('delegationProvider');
    const credentials = read('delegationCredentials');
    if (provider.ok && provider.value !== null && credentials.ok && credentials.value !== null) {
      const descriptor = DNS_PROVIDERS[provider.value];
      const variable = SETTINGS.delegationCredentials.variable;
      const known = new Set(descriptor.fields.map((f) => f.key));
      const unknown = Object.keys(credentials.value).find((key) => !known.has(key));
      // Field names are safe to name; their values are never shown.
      const invalid = descriptor.fields.find((field) => {
        const value = credentials.value?.[field.key];
        return value === undefined || !field.pattern.test(value);
      });
      if (invalid) problems.push({ setting: variable, problem: `needs a valid "${invalid.key}" for ${provider.value} (fields: ${[...known].join(', ')})` });
      else if (unknown !== undefined) problems.push({ setting: variable, problem: `has a field ${provider.value} does not use: "${unknown}" (fields: ${[...known].join(', ')})` });
    }
    return problems;
  },
};

function sectionProblems(env: Env, sections: readonly ConfigSection[]): { problems: ConfigProblem[]; values: Partial<SettingValues> } {
  const keys = sections.flatMap((section) => CONFIG_SECTIONS[section] as readonly SettingKey[]);
  const results = new Map<SettingKey, Parsed<unknown>>();
  const read = <K extends SettingKey>(key: K): Parsed<SettingValues[K]> => {
    const cached = results.get(key) as Parsed<SettingValues[K]> | undefined;
    if (cached) return cached;
    const result = readSetting(env, key);
    results.set(key, result);
    return result;
  };
  const values: Partial<Record<SettingKey, unknown>> = {};
  const found: ConfigProblem[] = [];
  for (const key of keys) {
    const result = read(key);
    if (result.ok) values[key] = result.value;
    else found.push({ setting: SETTINGS[key].variable, problem: result.problem });
  }
  for (const section of sections) found.push(...(CROSS_CHECKS[section]?.(env, read) ?? []));
  // One line per setting (its first problem), in the schema's order.
  const order = SETTING_LIST.map((s) => s.variable);
  const problems = found
    .filter((p, index) => found.findIndex((q) => q.setting === p.setting) === index)
    .sort((a, b) => order.indexOf(a.setting) - order.indexOf(b.setting));
  return { problems, values: values as Partial<SettingValues> };
}

const BUILD: { [S in ConfigSection]: (values: SectionValues<S>) => AppConfig[S] } = {
  masterKeys: (values) => values.masterKey,
  ca: (values) => ({ directoryUrls: values.caDirectories, proxyUrl: values.caProxy, mirrors: values.caMirrors, timeoutMs: values.caTimeoutMs }),
  delivery: (values) => ({ templates: values.wechatTemplates, miniprogramState: values.miniprogramState, smtp: smtpOf(values) }),
  automation: (values) => ({
    delegation:
      values.delegationZone !== null && values.delegationProvider !== null && values.delegationCredentials !== null
        ? { zone: values.delegationZone, providerId: values.delegationProvider, credentials: values.delegationCredentials }
        : null,
    acmeHttpBaseUrl: values.acmeHttpUrl,
  }),
  rateLimits: (values) => values.rateLimits,
  adminOpenIds: (values) => values.adminOpenIds,
};

function smtpOf(values: SectionValues<'delivery'>): SmtpSettings | null {
  const { smtpHost: host, smtpPort: port, smtpSecure, smtpUser: user, smtpPass: pass, smtpFrom: from } = values;
  if (host === null || from === null) return null;
  return { host, port, secure: smtpSecure ?? port === 465, from, ...(user !== null && pass !== null ? { user, pass } : {}) };
}

function build<S extends ConfigSection>(section: S, values: Partial<SettingValues>): AppConfig[S] {
  // Only called once every setting of the section parsed, so all its values are present.
  return BUILD[section](values as SectionValues<S>);
}

const ALL_SECTIONS = Object.keys(CONFIG_SECTIONS) as ConfigSection[];

/** Every problem of the whole configuration, one per setting, in the schema's order; empty when it is valid. */
export function collectConfigProblems(env: Env): ConfigProblem[] {
  return sectionProblems(env, ALL_SECTIONS).problems;
}

/** The whole configuration, or a ConfigError listing every problem. */
export function readConfig(env: Env): AppConfig {
  const { problems, values } = sectionProblems(env, ALL_SECTIONS);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    masterKeys: build('masterKeys', values),
    ca: build('ca', values),
    delivery: build('delivery', values),
    automation: build('automation', values),
    rateLimits: build('rateLimits', values),
    adminOpenIds: build('adminOpenIds', values),
  };
}

/**
 * One part of the configuration, checking only its own settings: the local runtime reads
 * `delivery` (SMTP) without a master key; an admin check reads `adminOpenIds` even when other
 * settings are wrong.
 */
export function readConfigSection<S extends ConfigSection>(env: Env, section: S): AppConfig[S] {
  const { problems, values } = sectionProblems(env, [section]);
  if (problems.length > 0) throw new ConfigError(problems);
  return build(section, values);
}
