/**
 * Deploys the cloud functions declared in deploy/functions.ts to a WeChat Cloud Development
 * environment with miniprogram-ci: builds each bundle, uploads it with cloud-side dependency
 * install (`cloud.uploadFunction`, `remoteNpmInstall: true`) and creates its timer trigger
 * (`cloud.createTimeTrigger`).
 *
 *   npm run deploy -- [--dry-run] [--env <envId>] [--only <fn>[,<fn>…]]
 *
 * Settings (checked before anything is built): CERTKEEPER_APPID, CERTKEEPER_UPLOAD_KEY_PATH (the
 * code-upload private key), CERTKEEPER_ENV_ID or --env. `--dry-run` needs none of them: it builds
 * the bundles and prints exactly what would be uploaded and created, contacting nothing.
 *
 * What is uploaded for each function is a staged folder holding only `index.js` (the bundle),
 * `package.json` and `config.json`; the cloud installs the dependencies from `package.json`.
 * The network part sits behind `CloudDeployer`, so tests inject a double; the real one loads
 * miniprogram-ci only when a real deploy starts.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTIONS, type CloudFunctionSpec, type EnvVariable, type FunctionName } from '../deploy/functions';
import { buildFunction, FUNCTIONS_DIR, listFunctions } from './build-functions';
import { compareWithDisk, ENV_ID_VARIABLE, ROOT, validateDeclaration } from './generate-function-config';

export const APPID_VARIABLE = 'CERTKEEPER_APPID';
export const UPLOAD_KEY_VARIABLE = 'CERTKEEPER_UPLOAD_KEY_PATH';
export { ENV_ID_VARIABLE };

/** miniprogram-ci's answer when a trigger was created; any failure comes back as another string. */
export const TRIGGER_CREATED = '创建定时触发器成功';

export interface TimerTriggerConfig {
  name: string;
  type: string;
  config: string;
}

/** The calls a deploy makes, with miniprogram-ci's option names (`cloud.uploadFunction`, `cloud.createTimeTrigger`). */
export interface CloudDeployer {
  uploadFunction(request: { env: string; name: string; path: string; remoteNpmInstall: boolean }): Promise<{ filesCount: number; packSize: number }>;
  createTimeTrigger(request: { envId: string; functionName: string; triggersConfig: TimerTriggerConfig[] }): Promise<string>;
}

export interface DeployTarget {
  appId: string;
  privateKeyPath: string;
  /** The Mini Program project folder (holds project.config.json). */
  projectPath: string;
}

export type DeployerFactory = (target: DeployTarget) => Promise<CloudDeployer>;

/** The real deployer: miniprogram-ci, loaded on first use (it is large, and a dry run never needs it). */
export const miniprogramCiDeployer: DeployerFactory = async (target) => {
  const ci = await import('miniprogram-ci');
  const project = new ci.Project({
    appid: target.appId,
    type: 'miniProgram',
    projectPath: target.projectPath,
    privateKeyPath: target.privateKeyPath,
    ignores: ['node_modules/**/*'],
  });
  return {
    uploadFunction: (request) => ci.cloud.uploadFunction({ project, ...request }),
    createTimeTrigger: (request) => ci.cloud.createTimeTrigger({ project, ...request }),
  };
};

/** A wrong command line or setting; the message names the argument or variable. */
export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployError';
  }
}

export interface DeployArgs {
  dryRun: boolean;
  envId: string | undefined;
  only: FunctionName[];
}

export function parseArgs(argv: readonly string[]): DeployArgs {
  const args: DeployArgs = { dryRun: false, envId: undefined, only: [] };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++index];
      if (next === undefined || next === '' || next.startsWith('--')) throw new DeployError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--dry-run' && inline === undefined) args.dryRun = true;
    else if (flag === '--env') args.envId = value();
    else if (flag === '--only') {
      for (const name of value().split(',')) {
        const known = FUNCTIONS.find((spec) => spec.name === name);
        if (!known) throw new DeployError(`--only: no function "${name}"; the functions are ${FUNCTIONS.map((spec) => spec.name).join(', ')}`);
        if (!args.only.includes(known.name)) args.only.push(known.name);
      }
    } else throw new DeployError(`unknown argument "${arg}"; usage: npm run deploy -- [--dry-run] [--env <envId>] [--only <fn>[,<fn>]]`);
  }
  return args;
}

export interface DeploySettings {
  appId: string | undefined;
  privateKeyPath: string | undefined;
  envId: string | undefined;
}

const APPID_PATTERN = /^wx[0-9a-f]{16}$/;
const ENV_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,63}$/i;

/**
 * The settings, checked. A real deploy needs all three, a dry run none; each missing or malformed
 * one is its own error, naming the variable, and all are reported together.
 */
export function readSettings(args: DeployArgs, env: Readonly<Record<string, string | undefined>>): DeploySettings {
  const present = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const settings: DeploySettings = { appId: present(APPID_VARIABLE), privateKeyPath: present(UPLOAD_KEY_VARIABLE), envId: args.envId ?? present(ENV_ID_VARIABLE) };
  const errors: string[] = [];
  if (settings.appId === undefined) {
    if (!args.dryRun) errors.push(`${APPID_VARIABLE} is not set: the Mini Program's AppID (mp.weixin.qq.com → 开发 → 开发管理 → 开发设置), e.g. wx0123456789abcdef`);
  } else if (!APPID_PATTERN.test(settings.appId)) errors.push(`${APPID_VARIABLE} is not a Mini Program AppID ("wx" and 16 hex digits)`);
  if (!args.dryRun) {
    if (settings.privateKeyPath === undefined) {
      errors.push(`${UPLOAD_KEY_VARIABLE} is not set: the path of the code-upload private key (开发设置 → 小程序代码上传 → 生成; add this machine's IP to the upload IP whitelist)`);
    } else if (!existsSync(settings.privateKeyPath) || !statSync(settings.privateKeyPath).isFile()) {
      errors.push(`${UPLOAD_KEY_VARIABLE} names no file: ${settings.privateKeyPath}`);
    } else if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(readFileSync(settings.privateKeyPath, 'utf8'))) {
      errors.push(`${UPLOAD_KEY_VARIABLE}: ${settings.privateKeyPath} is not a PEM private key (download it again from 开发设置 → 小程序代码上传)`);
    }
  }
  if (settings.envId === undefined) {
    if (!args.dryRun) errors.push(`${ENV_ID_VARIABLE} is not set and no --env was given: the cloud environment id (云开发控制台 → 设置 → 环境 ID)`);
  } else if (!ENV_ID_PATTERN.test(settings.envId)) {
    errors.push(`${args.envId !== undefined ? '--env' : ENV_ID_VARIABLE} "${settings.envId}" is not a cloud environment id (letters, digits and -)`);
  }
  if (errors.length > 0) throw new DeployError(errors.join('\n'));
  return settings;
}

export interface StagedFile {
  name: string;
  bytes: number;
}

export interface StagedFunction {
  spec: CloudFunctionSpec;
  /** The folder that is uploaded. */
  path: string;
  files: StagedFile[];
}

/** Builds the bundle into `dir` and copies the function's package.json and config.json beside it. */
export async function stageFunction(spec: CloudFunctionSpec, dir: string): Promise<StagedFunction> {
  await buildFunction(spec.name, join(dir, 'index.js'));
  for (const file of ['package.json', 'config.json']) copyFileSync(join(FUNCTIONS_DIR, spec.name, file), join(dir, file));
  const files = ['config.json', 'index.js', 'package.json'].map((name) => ({ name, bytes: statSync(join(dir, name)).size }));
  return { spec, path: dir, files };
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function describeVariable(variable: EnvVariable): string {
  const notes = [variable.secret ? 'secret' : null, variable.required ? 'required' : null, !variable.secret && variable.default !== undefined ? `default ${variable.default}` : null].filter(
    (note): note is string => note !== null,
  );
  return notes.length > 0 ? `${variable.name} (${notes.join(', ')})` : variable.name;
}

function triggerConfig(spec: CloudFunctionSpec): TimerTriggerConfig[] {
  return spec.trigger ? [{ name: spec.trigger.name, type: spec.trigger.type, config: spec.trigger.config }] : [];
}

/** What a deploy does for one function, as printed (the same lines in a dry run and a real one). */
export function describeFunction(staged: StagedFunction): string[] {
  const { spec } = staged;
  const total = staged.files.reduce((sum, file) => sum + file.bytes, 0);
  const width = Math.max(...staged.files.map((file) => file.name.length));
  return [
    `function ${spec.name}: ${spec.description}`,
    `  folder:      cloudfunctions/${spec.name} → upload of index.js (bundle), package.json, config.json; dependencies installed in the cloud (remoteNpmInstall: true)`,
    `  files:       ${staged.files.length} files, ${formatBytes(total)}`,
    ...staged.files.map((file) => `    ${file.name.padEnd(width)}  ${String(file.bytes).padStart(9)} B`),
    `  runtime:     ${spec.runtime}, handler ${spec.handler}, memory ${spec.memorySize} MB, timeout ${spec.timeout} s`,
    `  openapi:     ${spec.openapi.length > 0 ? spec.openapi.join(', ') : '(none)'}`,
    `  env:         ${spec.env.length > 0 ? spec.env.map(describeVariable).join(', ') : '(none)'}`,
    `  trigger:     ${spec.trigger ? `${spec.trigger.name} (${spec.trigger.type}) "${spec.trigger.config}"` : '(none)'}`,
    `  HTTP access: ${spec.httpAccess ? `needed, route ${spec.httpAccess.path}` : 'not needed'}`,
  ];
}

/**
 * What the upload does not apply, for the operator (docs/deploy.md). miniprogram-ci 2.1.42's
 * `cloud.uploadFunction` (dist/ci/cloud/uploadFunction.js) sends the zipped folder and the
 * dependency-install switch only; a function it has to create gets Nodejs8.9, 256 MB, 3 s and no
 * variables, and it makes no call that sets `permissions.openapi` apart from shipping config.json.
 */
export function manualSteps(specs: readonly CloudFunctionSpec[]): string[] {
  const names = specs.map((spec) => spec.name).join(', ');
  const runtimes = [...new Set(specs.map((spec) => spec.runtime))].join(' / ');
  const lines = [
    'Not applied by the upload (miniprogram-ci sends the code and the dependency-install switch only); once per environment:',
    `  - create ${names} in 云开发控制台 → 云函数 with runtime ${runtimes} before the first upload (a function the upload creates gets Nodejs8.9, 256 MB, 3 s)`,
    '  - set memory, timeout and the env variables listed above in each function\'s 函数配置 (secret values stay in the console)',
    '  - permissions.openapi travels in config.json; if sending fails with -604101, upload that function once from WeChat DevTools',
  ];
  for (const spec of specs) {
    if (spec.httpAccess) lines.push(`  - ${spec.name}: add the HTTP access route ${spec.httpAccess.path} (云开发控制台 → HTTP 访问服务) and put its https URL in CERTKEEPER_ACMEHTTP_URL`);
  }
  return lines;
}

export interface DeployOptions {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  out: (line: string) => void;
  err: (line: string) => void;
  createDeployer: DeployerFactory;
  /** Where generated files are compared (the repository). */
  root?: string;
  /** Builds one function's upload folder; tests watch it. */
  stage?: (spec: CloudFunctionSpec, dir: string) => Promise<StagedFunction>;
}

/** Runs a deploy or a dry run; resolves to the process exit code. */
export async function runDeploy(options: DeployOptions): Promise<number> {
  const { out, err } = options;
  let args: DeployArgs;
  let settings: DeploySettings;
  try {
    args = parseArgs(options.argv);
    settings = readSettings(args, options.env);
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    for (const line of error.message.split('\n')) err(`deploy: ${line}`);
    return 2;
  }

  const problems = validateDeclaration(FUNCTIONS, listFunctions());
  if (problems.length > 0) {
    for (const problem of problems) err(`deploy: deploy/functions.ts: ${problem}`);
    return 1;
  }
  const drift = compareWithDisk(options.root ?? ROOT);
  if (drift.length > 0) {
    err(`deploy: ${drift.map((d) => d.path).join(', ')} differ from deploy/functions.ts; run \`npm run generate:config\` first (\`-- --check\` shows the differences)`);
    return 1;
  }

  const specs = args.only.length > 0 ? FUNCTIONS.filter((spec) => args.only.includes(spec.name)) : FUNCTIONS;
  out(args.dryRun ? 'CertKeeper deploy: dry run (nothing is uploaded or created, nothing is contacted)' : 'CertKeeper deploy');
  out(`  AppID:       ${settings.appId ?? `(not set: ${APPID_VARIABLE})`}`);
  out(`  environment: ${settings.envId ?? `(not set: ${ENV_ID_VARIABLE} or --env)`}`);
  out(`  upload key:  ${args.dryRun ? 'not needed for a dry run' : `${UPLOAD_KEY_VARIABLE} (${settings.privateKeyPath ?? ''})`}`);
  out(`  functions:   ${specs.map((spec) => spec.name).join(', ')}`);

  const stageRoot = mkdtempSync(join(tmpdir(), 'certkeeper-deploy-'));
  try {
    const staged: StagedFunction[] = [];
    for (const spec of specs) {
      try {
        staged.push(await (options.stage ?? stageFunction)(spec, mkdtempSync(join(stageRoot, `${spec.name}-`))));
      } catch (error) {
        err(`deploy: building ${spec.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        return 1;
      }
    }
    for (const one of staged) {
      out('');
      for (const line of describeFunction(one)) out(line);
    }
    const withTriggers = specs.filter((spec) => spec.trigger !== null);
    out('');
    out(`Timer triggers${args.dryRun ? ' that would be created' : ''} (second minute hour day month weekday year, China time):`);
    if (withTriggers.length === 0) out('  (none)');
    for (const spec of withTriggers) out(`  ${spec.name}: ${JSON.stringify(triggerConfig(spec))}`);
    out('');
    for (const line of manualSteps(specs)) out(line);

    if (args.dryRun) {
      out('');
      out(`Dry run: ${staged.length} function(s) built; nothing uploaded.`);
      return 0;
    }
    const { appId, privateKeyPath, envId } = settings;
    if (appId === undefined || privateKeyPath === undefined || envId === undefined) throw new Error('unreachable: settings were checked');
    const deployer = await options.createDeployer({ appId, privateKeyPath, projectPath: options.root ?? ROOT });
    const warnings: string[] = [];
    out('');
    for (const one of staged) {
      const name = one.spec.name;
      try {
        const result = await deployer.uploadFunction({ env: envId, name, path: one.path, remoteNpmInstall: true });
        out(`uploaded ${name}: ${result.filesCount} files, ${formatBytes(result.packSize)} packed`);
      } catch (error) {
        err(`deploy: uploading ${name} to ${envId} failed: ${error instanceof Error ? error.message : String(error)}`);
        return 1;
      }
      const triggers = triggerConfig(one.spec);
      if (triggers.length > 0) {
        const answer = await deployer.createTimeTrigger({ envId, functionName: name, triggersConfig: triggers });
        if (answer === TRIGGER_CREATED) out(`created trigger ${triggers.map((t) => t.name).join(', ')} of ${name}`);
        else {
          // miniprogram-ci turns every failure into one message, also "already exists" on a second deploy.
          warnings.push(`trigger ${triggers.map((t) => t.name).join(', ')} of ${name} was not created (miniprogram-ci: "${answer}"); if it does not exist yet, create it in 云开发控制台 → 云函数 → ${name} → 触发器`);
        }
      }
    }
    for (const warning of warnings) err(`deploy: warning: ${warning}`);
    out(`Deployed ${staged.length} function(s) to ${envId}.`);
    return 0;
  } finally {
    rmSync(stageRoot, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runDeploy({
    argv: process.argv.slice(2),
    env: process.env,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    createDeployer: miniprogramCiDeployer,
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`deploy: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}

