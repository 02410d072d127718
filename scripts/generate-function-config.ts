/**
 * Writes the deployment files from deploy/functions.ts, the one declaration of every function:
 * - `cloudfunctions/<fn>/config.json`: what WeChat reads from the function folder (timer trigger,
 *   timeout, `permissions.openapi`);
 * - `cloudbaserc.json`: the same functions for the CloudBase CLI (`tcb fn deploy`), with runtime,
 *   handler, memory, timeout, cloud-side dependency install, trigger and environment variables.
 *   A non-secret default is written as its value; every other variable as `{{env.NAME}}`, which
 *   the CLI fills from the operator's `.env.local` (the CLI replaces a function's variables with
 *   this object, so leaving one out would erase the value set in the console).
 *
 * Usage: npm run generate:config            write the files
 *        npm run generate:config -- --check  exit 1 and show the differences if the committed
 *                                            files are not what would be written (CI)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeProblem, validateCron } from '../deploy/cron';
import { FUNCTIONS, type CloudFunctionSpec, type EnvVariable } from '../deploy/functions';
import { listFunctions } from './build-functions';

export const ROOT = join(__dirname, '..');
export const CLOUDBASERC = 'cloudbaserc.json';
/** The `.env` variable the CLI's `{{env.…}}` reads the environment id from (the deploy script reads it too). */
export const ENV_ID_VARIABLE = 'CERTKEEPER_ENV_ID';

const MEMORY_SIZES = [128, 256, 512, 1024, 2048];
const TRIGGER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;
const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;
const OPENAPI_NAME = /^[a-z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/;
const HTTP_PATH = /^\/[A-Za-z0-9_-]+$/;

/** Every rule a declaration breaks, each naming the function and the field. */
export function validateDeclaration(functions: readonly CloudFunctionSpec[], folders: readonly string[]): string[] {
  const problems: string[] = [];
  const names = functions.map((spec) => spec.name);
  if (new Set(names).size !== names.length) problems.push('a function is declared twice');
  for (const folder of folders) {
    if (!names.includes(folder as CloudFunctionSpec['name'])) problems.push(`cloudfunctions/${folder} has no declaration in deploy/functions.ts`);
  }
  for (const spec of functions) {
    const where = `function ${spec.name}`;
    if (!folders.includes(spec.name)) problems.push(`${where}: cloudfunctions/${spec.name}/index.ts does not exist`);
    if (!/^Nodejs(1[89]|[2-9]\d)\.\d+$/.test(spec.runtime)) problems.push(`${where}: runtime ${spec.runtime} is older than Node.js 18 (the bundles target node18)`);
    if (!Number.isInteger(spec.timeout) || spec.timeout < 1 || spec.timeout > 60) problems.push(`${where}: timeout ${spec.timeout} s is outside 1-60 s`);
    if (!MEMORY_SIZES.includes(spec.memorySize)) problems.push(`${where}: memorySize ${spec.memorySize} is not one of ${MEMORY_SIZES.join(', ')}`);
    if (spec.trigger) {
      if (!TRIGGER_NAME.test(spec.trigger.name)) problems.push(`${where}: trigger name "${spec.trigger.name}" must be ≤ 60 characters of letters, digits, _ and -, starting with a letter`);
      for (const problem of validateCron(spec.trigger.config)) problems.push(`${where}: trigger ${spec.trigger.name}: cron "${spec.trigger.config}": ${describeProblem(problem)}`);
    }
    for (const api of spec.openapi) {
      if (!OPENAPI_NAME.test(api)) problems.push(`${where}: openapi permission "${api}" is not <category>.<method>`);
    }
    if (new Set(spec.openapi).size !== spec.openapi.length) problems.push(`${where}: an openapi permission is listed twice`);
    const variables = spec.env.map((variable) => variable.name);
    if (new Set(variables).size !== variables.length) problems.push(`${where}: an environment variable is listed twice`);
    for (const variable of spec.env) {
      if (!VARIABLE_NAME.test(variable.name)) problems.push(`${where}: environment variable "${variable.name}" is not UPPER_SNAKE_CASE`);
      if (variable.secret && 'default' in variable) problems.push(`${where}: secret ${variable.name} must not have a default`);
      if (variable.required && !variable.secret && variable.default !== undefined) problems.push(`${where}: ${variable.name} is required but has a default`);
    }
    if (spec.httpAccess && !HTTP_PATH.test(spec.httpAccess.path)) problems.push(`${where}: HTTP access path "${spec.httpAccess.path}" must be / and letters, digits, _ or -`);
  }
  return problems;
}

/** `config.json` as WeChat reads it from the function folder. */
export function functionConfig(spec: CloudFunctionSpec): Record<string, unknown> {
  return {
    ...(spec.trigger ? { triggers: [triggerJson(spec)] } : {}),
    timeout: spec.timeout,
    permissions: { openapi: [...spec.openapi] },
  };
}

/** The value cloudbaserc.json gives a variable: a non-secret default, or a reference to the operator's `.env` files. */
export function cloudbaseVariableValue(variable: EnvVariable): string {
  return !variable.secret && variable.default !== undefined ? variable.default : `{{env.${variable.name}}}`;
}

export function cloudbaseConfig(functions: readonly CloudFunctionSpec[]): Record<string, unknown> {
  return {
    version: '2.0',
    envId: `{{env.${ENV_ID_VARIABLE}}}`,
    functionRoot: './cloudfunctions',
    functions: functions.map((spec) => ({
      name: spec.name,
      handler: spec.handler,
      runtime: spec.runtime,
      memorySize: spec.memorySize,
      timeout: spec.timeout,
      installDependency: true,
      // Only the bundle, its manifest and config.json are uploaded; the cloud installs the rest.
      ignore: ['node_modules', 'node_modules/**/*', 'index.ts'],
      envVariables: Object.fromEntries(spec.env.map((variable) => [variable.name, cloudbaseVariableValue(variable)])),
      triggers: spec.trigger ? [triggerJson(spec)] : [],
    })),
  };
}

function triggerJson(spec: CloudFunctionSpec): Record<string, string> {
  const trigger = spec.trigger;
  if (!trigger) throw new Error(`function ${spec.name} has no trigger`);
  return { name: trigger.name, type: trigger.type, config: trigger.config };
}

/** Two-space JSON with a trailing newline; key order is the order the objects above are built in. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Every generated file, by path relative to the repository root. */
export function renderFiles(functions: readonly CloudFunctionSpec[] = FUNCTIONS): Map<string, string> {
  const files = new Map<string, string>();
  for (const spec of functions) files.set(`cloudfunctions/${spec.name}/config.json`, formatJson(functionConfig(spec)));
  files.set(CLOUDBASERC, formatJson(cloudbaseConfig(functions)));
  return files;
}

export interface FileDifference {
  path: string;
  /** Line-by-line, `-` committed and `+` generated; or a note that the file is missing. */
  diff: string;
}

/** The generated files that differ from what is on disk under `root`. */
export function compareWithDisk(root: string = ROOT, files: Map<string, string> = renderFiles()): FileDifference[] {
  const differences: FileDifference[] = [];
  for (const [path, expected] of files) {
    const file = join(root, path);
    if (!existsSync(file)) {
      differences.push({ path, diff: '  (missing: it would be created)' });
      continue;
    }
    const actual = readFileSync(file, 'utf8');
    if (actual !== expected) differences.push({ path, diff: lineDiff(actual, expected) });
  }
  return differences;
}

/** A minimal line diff (longest common subsequence) for small files, with a line of context. */
export function lineDiff(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const lengths: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lengths[i] ?? [];
      row[j] = a[i] === b[j] ? (lengths[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lengths[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const lines: { mark: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ mark: ' ', text: a[i] ?? '' });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || (lengths[i + 1]?.[j] ?? 0) >= (lengths[i]?.[j + 1] ?? 0))) {
      lines.push({ mark: '-', text: a[i] ?? '' });
      i++;
    } else {
      lines.push({ mark: '+', text: b[j] ?? '' });
      j++;
    }
  }
  const changed = lines.map((line, index) => (line.mark !== ' ' ? index : -1)).filter((index) => index >= 0);
  const out: string[] = [];
  let last = -1;
  lines.forEach((line, index) => {
    if (!changed.some((at) => Math.abs(at - index) <= 1)) return;
    if (last >= 0 && index > last + 1) out.push('  ...');
    out.push(`  ${line.mark} ${line.text}`);
    last = index;
  });
  return out.join('\n');
}

/** The checks and the files, or an error naming every broken rule. */
export function generate(mode: 'write' | 'check', root: string = ROOT, log: (line: string) => void = console.log): number {
  const problems = validateDeclaration(FUNCTIONS, listFunctions());
  if (problems.length > 0) {
    log(`deploy/functions.ts is invalid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    return 1;
  }
  const files = renderFiles();
  if (mode === 'check') {
    const differences = compareWithDisk(root, files);
    if (differences.length === 0) {
      log(`${files.size} generated files match deploy/functions.ts`);
      return 0;
    }
    log(`${differences.length} file(s) differ from deploy/functions.ts (run \`npm run generate:config\` and commit):`);
    for (const difference of differences) log(`${difference.path}\n${difference.diff}`);
    return 1;
  }
  for (const [path, content] of files) {
    const file = join(root, path);
    const changed = !existsSync(file) || readFileSync(file, 'utf8') !== content;
    if (changed) writeFileSync(file, content);
    log(`${changed ? 'wrote    ' : 'unchanged'} ${path}`);
  }
  return 0;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    console.error(`unknown argument(s): ${unknown.join(' ')}; usage: generate-function-config [--check]`);
    process.exit(2);
  }
  process.exit(generate(args.includes('--check') ? 'check' : 'write'));
}
