/**
 * deploy/functions.ts is the one declaration of the functions: the committed config.json files
 * and cloudbaserc.json must be exactly what scripts/generate-function-config.ts writes from it
 * (the `--check` CI runs), and the declaration must follow the platform's rules.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTIONS, type CloudFunctionSpec } from '../../../deploy/functions';
import { listFunctions } from '../../../scripts/build-functions';
import { CLOUDBASERC, compareWithDisk, generate, lineDiff, renderFiles, ROOT, validateDeclaration } from '../../../scripts/generate-function-config';
import { SETTING_LIST } from '../../../server/config/schema';

interface CloudbaseFunction {
  name: string;
  handler: string;
  runtime: string;
  memorySize: number;
  timeout: number;
  installDependency: boolean;
  envVariables: Record<string, string>;
  triggers: { name: string; type: string; config: string }[];
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
}

describe('generated deployment files', () => {
  test('the committed files are exactly what the declaration generates (generate:config --check)', () => {
    expect(compareWithDisk()).toEqual([]);
    const lines: string[] = [];
    expect(generate('check', ROOT, (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([`${FUNCTIONS.length + 1} generated files match deploy/functions.ts`]);
  });

  test('the declaration covers every function folder and breaks no rule', () => {
    expect(FUNCTIONS.map((spec) => spec.name)).toEqual(listFunctions());
    expect(FUNCTIONS.map((spec) => spec.name)).toEqual(['acmehttp', 'api', 'scheduler', 'worker']);
    expect(validateDeclaration(FUNCTIONS, listFunctions())).toEqual([]);
  });

  test('config.json carries each function’s trigger, timeout and openapi permissions', () => {
    const configs = Object.fromEntries(FUNCTIONS.map((spec) => [spec.name, readJson(`cloudfunctions/${spec.name}/config.json`)]));
    expect(configs).toEqual({
      acmehttp: { timeout: 5, permissions: { openapi: [] } },
      api: { timeout: 20, permissions: { openapi: ['subscribeMessage.send'] } },
      scheduler: { triggers: [{ name: 'everyMinute', type: 'timer', config: '0 * * * * * *' }], timeout: 60, permissions: { openapi: ['subscribeMessage.send'] } },
      worker: { timeout: 60, permissions: { openapi: ['subscribeMessage.send'] } },
    });
  });

  test('cloudbaserc.json describes every function for the CloudBase CLI, with no secret value in it', () => {
    const rc = readJson(CLOUDBASERC) as { version: string; envId: string; functionRoot: string; functions: CloudbaseFunction[] };
    expect(rc).toMatchObject({ version: '2.0', envId: '{{env.CERTKEEPER_ENV_ID}}', functionRoot: './cloudfunctions' });
    expect(rc.functions.map((fn) => fn.name)).toEqual(['acmehttp', 'api', 'scheduler', 'worker']);
    for (const fn of rc.functions) {
      const spec = FUNCTIONS.find((one) => one.name === fn.name) as CloudFunctionSpec;
      expect(fn).toMatchObject({ handler: 'index.main', runtime: 'Nodejs18.15', memorySize: spec.memorySize, timeout: spec.timeout, installDependency: true });
      expect(fn.timeout).toBeLessThanOrEqual(60);
      expect(fn.triggers).toEqual(spec.trigger ? [spec.trigger] : []);
      expect(Object.keys(fn.envVariables)).toEqual(spec.env.map((variable) => variable.name));
      for (const variable of spec.env) {
        const value = fn.envVariables[variable.name];
        // A secret is only ever a reference the CLI fills from the operator's .env.local.
        if (variable.secret) expect(value).toBe(`{{env.${variable.name}}}`);
        else expect(value).toBe(variable.default ?? `{{env.${variable.name}}}`);
      }
    }
    expect(rc.functions.find((fn) => fn.name === 'acmehttp')?.envVariables).toEqual({});
  });

  test('each function lists the settings server/config/schema.ts says it reads, secrets as secrets', () => {
    for (const spec of FUNCTIONS) {
      const expected = SETTING_LIST.filter((setting) => (setting.readBy as readonly string[]).includes(spec.name));
      expect(spec.env.map((variable) => [variable.name, variable.secret, variable.required])).toEqual(expected.map((setting) => [setting.variable, setting.secret, setting.required]));
    }
    const api = FUNCTIONS.find((spec) => spec.name === 'api');
    expect(api?.env.find((variable) => variable.name === 'CERTKEEPER_MASTER_KEY')).toEqual({ name: 'CERTKEEPER_MASTER_KEY', secret: true, required: true });
    expect(api?.env.find((variable) => variable.name === 'CERTKEEPER_MINIPROGRAM_STATE')).toMatchObject({ secret: false, default: 'formal' });
  });

  test('rendering is stable: same bytes every time, two-space JSON, trailing newline', () => {
    const first = renderFiles();
    const second = renderFiles();
    expect([...first.entries()]).toEqual([...second.entries()]);
    for (const content of first.values()) {
      expect(content.endsWith('}\n')).toBe(true);
      expect(content).toBe(`${JSON.stringify(JSON.parse(content), null, 2)}\n`);
    }
  });

  describe('--check against a copy of the repository', () => {
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'certkeeper-config-'));
      for (const spec of FUNCTIONS) mkdirSync(join(root, 'cloudfunctions', spec.name), { recursive: true });
    });
    afterEach(() => {
      rmSync(root, { recursive: true, force: true });
    });

    test('writes every file, then finds nothing to change', () => {
      const written: string[] = [];
      expect(generate('write', root, (line) => written.push(line))).toBe(0);
      expect(written).toHaveLength(FUNCTIONS.length + 1);
      expect(written.every((line) => line.startsWith('wrote'))).toBe(true);
      expect(compareWithDisk(root)).toEqual([]);
      const again: string[] = [];
      generate('write', root, (line) => again.push(line));
      expect(again.every((line) => line.startsWith('unchanged'))).toBe(true);
    });

    test('fails and shows the difference when a committed file was edited by hand', () => {
      generate('write', root, () => undefined);
      const path = join(root, 'cloudfunctions/scheduler/config.json');
      writeFileSync(path, readFileSync(path, 'utf8').replace('"0 * * * * * *"', '"0 */5 * * * * *"'));
      const lines: string[] = [];
      expect(generate('check', root, (line) => lines.push(line))).toBe(1);
      expect(lines[0]).toBe('1 file(s) differ from deploy/functions.ts (run `npm run generate:config` and commit):');
      expect(lines[1]).toContain('cloudfunctions/scheduler/config.json');
      expect(lines[1]).toContain('-       "config": "0 */5 * * * * *"');
      expect(lines[1]).toContain('+       "config": "0 * * * * * *"');
    });

    test('fails when a file is missing', () => {
      generate('write', root, () => undefined);
      rmSync(join(root, CLOUDBASERC));
      const lines: string[] = [];
      expect(generate('check', root, (line) => lines.push(line))).toBe(1);
      expect(lines.join('\n')).toContain(`${CLOUDBASERC}\n  (missing: it would be created)`);
    });
  });

  test('lineDiff marks removed and added lines with a line of context', () => {
    expect(lineDiff('a\nb\nc\nd\ne', 'a\nb\nX\nd\ne')).toBe(['    b', '  - c', '  + X', '    d'].join('\n'));
    expect(lineDiff('same', 'same')).toBe('');
  });
});

describe('validateDeclaration', () => {
  const base = FUNCTIONS.find((spec) => spec.name === 'scheduler') as CloudFunctionSpec;
  const folders = ['scheduler'];

  /** What the types refuse in a literal, as a value from elsewhere could still carry it. */
  const LEAKY_SECRET = { name: 'CERTKEEPER_X', secret: true as const, required: false, default: 'leak' };

  function problemsOf(change: Partial<CloudFunctionSpec>): string[] {
    return validateDeclaration([{ ...base, ...change }], folders);
  }

  test.each<[string, Partial<CloudFunctionSpec>, string]>([
    ['a timeout over 60 s', { timeout: 61 }, 'function scheduler: timeout 61 s is outside 1-60 s'],
    ['a timeout of 0', { timeout: 0 }, 'function scheduler: timeout 0 s is outside 1-60 s'],
    ['a memory size CloudBase does not offer', { memorySize: 300 as CloudFunctionSpec['memorySize'] }, 'function scheduler: memorySize 300 is not one of 128, 256, 512, 1024, 2048'],
    ['a runtime older than Node.js 18', { runtime: 'Nodejs16.13' as CloudFunctionSpec['runtime'] }, 'function scheduler: runtime Nodejs16.13 is older than Node.js 18 (the bundles target node18)'],
    ['a 6-field cron', { trigger: { name: 'everyMinute', type: 'timer', config: '0 * * * * *' } }, 'function scheduler: trigger everyMinute: cron "0 * * * * *": has 6 fields; CloudBase needs 7: second minute hour day month weekday year'],
    ['a cron value out of range', { trigger: { name: 'everyMinute', type: 'timer', config: '0 0 25 * * * *' } }, 'function scheduler: trigger everyMinute: cron "0 0 25 * * * *": hour 25 is out of range 0-23'],
    ['a trigger name starting with a digit', { trigger: { name: '1minute', type: 'timer', config: '0 * * * * * *' } }, 'function scheduler: trigger name "1minute" must be ≤ 60 characters of letters, digits, _ and -, starting with a letter'],
    ['a malformed openapi name', { openapi: ['subscribeMessage'] }, 'function scheduler: openapi permission "subscribeMessage" is not <category>.<method>'],
    ['a secret with a default', { env: [LEAKY_SECRET] }, 'function scheduler: secret CERTKEEPER_X must not have a default'],
    ['a variable listed twice', { env: [{ name: 'CERTKEEPER_X', secret: false, required: false }, { name: 'CERTKEEPER_X', secret: false, required: false }] }, 'function scheduler: an environment variable is listed twice'],
    ['a lower-case variable name', { env: [{ name: 'certkeeper_x', secret: false, required: false }] }, 'function scheduler: environment variable "certkeeper_x" is not UPPER_SNAKE_CASE'],
    ['an HTTP access path with a slash inside', { httpAccess: { path: '/acme/http' } }, 'function scheduler: HTTP access path "/acme/http" must be / and letters, digits, _ or -'],
  ])('refuses %s', (_what, change, problem) => {
    expect(problemsOf(change)).toEqual([problem]);
  });

  test('refuses a folder without a declaration and a declaration without a folder', () => {
    expect(validateDeclaration([base], ['scheduler', 'mailer'])).toEqual(['cloudfunctions/mailer has no declaration in deploy/functions.ts']);
    expect(validateDeclaration([base], [])).toEqual(['function scheduler: cloudfunctions/scheduler/index.ts does not exist']);
  });
});
