/**
 * Every cloud function of a CertKeeper deployment, declared once. `npm run generate:config` writes
 * `cloudfunctions/<fn>/config.json` (WeChat: timer trigger, timeout, `permissions.openapi`) and
 * `cloudbaserc.json` (CloudBase CLI) from this file, and `npm run deploy` uploads what it says;
 * `npm run generate:config -- --check` (and a test) fails when the committed files differ.
 *
 * Environment variables come from server/config/schema.ts (`readBy`), by name. Only a non-secret
 * default is ever written out; a secret is listed by name for the operator and its value never
 * leaves their environment.
 */
import { SETTING_LIST } from '../server/config/schema';

export type FunctionName = 'acmehttp' | 'api' | 'scheduler' | 'worker';

/** CloudBase runtimes the bundles can run on (esbuild targets node18). */
export type Runtime = 'Nodejs18.15' | 'Nodejs20.19';

/** CloudBase CLI `memorySize` choices, in MB. */
export type MemorySize = 128 | 256 | 512 | 1024 | 2048;

export interface TimerTrigger {
  /** ≤ 60 characters of `[A-Za-z0-9_-]`, starting with a letter. */
  readonly name: string;
  readonly type: 'timer';
  /** 7 fields: second minute hour day month weekday year, China time (UTC+8). See deploy/cron.ts. */
  readonly config: string;
}

interface VariableBase {
  readonly name: string;
  /** Whether the function cannot start without it. */
  readonly required: boolean;
}

/** A secret (keys, passwords, credentials, a proxy URL with a password): listed by name only. */
export interface SecretVariable extends VariableBase {
  readonly secret: true;
}

/** A plain setting; a default that is plain text (string or number) is what cloudbaserc.json sets. */
export interface PlainVariable extends VariableBase {
  readonly secret: false;
  readonly default?: string;
}

export type EnvVariable = SecretVariable | PlainVariable;

export interface CloudFunctionSpec {
  readonly name: FunctionName;
  readonly description: string;
  readonly runtime: Runtime;
  readonly handler: 'index.main';
  readonly memorySize: MemorySize;
  /** Seconds, 1-60 (the CloudBase CLI's and the console's limit). */
  readonly timeout: number;
  /** CloudBase allows one trigger per function. */
  readonly trigger: TimerTrigger | null;
  /** WeChat cloud calls (`<category>.<method>`) the function makes; undeclared ones fail with -604101. */
  readonly openapi: readonly string[];
  /** Variables the function reads, in the order of server/config/schema.ts. */
  readonly env: readonly EnvVariable[];
  /** Whether it must be reachable over CloudBase's HTTP access service, and on which path. */
  readonly httpAccess: { readonly path: string } | null;
}

/**
 * The variables `fn` reads: the settings of server/config/schema.ts whose `readBy` names it (that
 * file declares every setting once, with its type, default, secrecy and meaning).
 */
export function variablesReadBy(fn: FunctionName): EnvVariable[] {
  return SETTING_LIST.filter((setting) => (setting.readBy as readonly string[]).includes(fn)).map((setting): EnvVariable => {
    if (setting.secret) return { name: setting.variable, secret: true, required: setting.required };
    const fallback = setting.default;
    const text = typeof fallback === 'string' || typeof fallback === 'number' ? String(fallback) : undefined;
    return { name: setting.variable, secret: false, required: setting.required, ...(text !== undefined ? { default: text } : {}) };
  });
}

const SUBSCRIBE_MESSAGE = ['subscribeMessage.send'] as const;

export const FUNCTIONS: readonly CloudFunctionSpec[] = [
  {
    name: 'acmehttp',
    description: 'answers delegated http-01 challenges to CAs over HTTP access; reads challengeTokens only',
    runtime: 'Nodejs18.15',
    handler: 'index.main',
    memorySize: 128,
    timeout: 5,
    trigger: null,
    openapi: [],
    env: [],
    httpAccess: { path: '/acmehttp' },
  },
  {
    name: 'api',
    description: 'every call from the Mini Program, dispatched by action',
    runtime: 'Nodejs18.15',
    handler: 'index.main',
    memorySize: 256,
    // An order step may run for 8 s (STEP_BUDGET_MS) plus one CA call of up to 10 s.
    timeout: 20,
    trigger: null,
    openapi: SUBSCRIBE_MESSAGE,
    env: variablesReadBy('api'),
    httpAccess: null,
  },
  {
    name: 'scheduler',
    description: 'the tick: renewals, reminders, order steps, deliveries and endpoint checks that are due',
    runtime: 'Nodejs18.15',
    handler: 'index.main',
    memorySize: 256,
    timeout: 60,
    trigger: { name: 'everyMinute', type: 'timer', config: '0 * * * * * *' },
    openapi: SUBSCRIBE_MESSAGE,
    env: variablesReadBy('scheduler'),
    httpAccess: null,
  },
  {
    name: 'worker',
    description: 'one batch of due work handed over by the scheduler; refuses calls that carry an OPENID',
    runtime: 'Nodejs18.15',
    handler: 'index.main',
    memorySize: 256,
    timeout: 60,
    trigger: null,
    openapi: SUBSCRIBE_MESSAGE,
    env: variablesReadBy('worker'),
    httpAccess: null,
  },
];
