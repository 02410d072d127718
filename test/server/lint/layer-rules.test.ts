/**
 * The layer rules in eslint.config.mjs, exercised through the ESLint command line on probe files
 * that break them. The probes are real files (type-aware linting only sees files in a tsconfig),
 * written under unique names for one ESLint run and removed afterwards. ESLint runs as a child
 * process because its ESM config cannot load inside jest's module sandbox.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '../../..');
const tag = `lint-probe-${process.pid}`;

const PROBES = {
  domainImportsSdk: ['server/domain', "import * as cloud from 'wx-server-sdk';\nexport const env = cloud.DYNAMIC_CURRENT_ENV;\n"],
  usecaseReadsDisk: ['server/usecases', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n"],
  portImportsAcme: ['server/ports', "import * as acme from 'acme-client';\nexport const client = acme.Client;\n"],
  domainImportsAdapter: ['server/domain', "import { SqliteStore } from '../adapters/store/sqlite-store';\nexport const store = SqliteStore;\n"],
  adapterImportsSdk: ['server/adapters', "import * as cloud from 'wx-server-sdk';\nexport const env = cloud.DYNAMIC_CURRENT_ENV;\n"],
  domainReadsClock: ['server/domain', 'export function age(t: number): number {\n  return Date.now() - t;\n}\n'],
  // Spelled in pieces so that repository greps for these markers find only real ones.
  tsIgnore: ['server/adapters', ['// @ts-', 'ignore\nexport const x: number = 1;\n'].join('')],
  focusedTest: ['test/server', ['test.', "only('x', () => {\n  expect(1).toBe(1);\n});\n"].join('')],
} as const;

type Probe = keyof typeof PROBES;
const rulesByProbe = new Map<Probe, (string | null)[]>();

beforeAll(() => {
  const files = new Map<string, Probe>();
  const createdDirs: string[] = [];
  for (const [probe, [dir, code]] of Object.entries(PROBES) as [Probe, readonly [string, string]][]) {
    const file = join(ROOT, dir, `${tag}-${probe}${dir.startsWith('test') ? '.test' : ''}.ts`);
    const parent = dirname(file);
    if (mkdirSync(parent, { recursive: true })) createdDirs.push(parent);
    writeFileSync(file, code);
    files.set(file, probe);
  }
  try {
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', ...files.keys()],
      { cwd: ROOT, encoding: 'utf8', timeout: 110_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const reports = JSON.parse(result.stdout) as { filePath: string; messages: { ruleId: string | null }[] }[];
    for (const report of reports) {
      const probe = files.get(report.filePath);
      if (probe) rulesByProbe.set(probe, report.messages.map((message) => message.ruleId));
    }
  } finally {
    for (const file of files.keys()) rmSync(file, { force: true });
    for (const dir of createdDirs) if (readdirSync(dir).length === 0) rmdirSync(dir);
  }
});

describe('layer rules', () => {
  test.each<Probe>(['domainImportsSdk', 'usecaseReadsDisk', 'portImportsAcme', 'domainImportsAdapter'])(
    '%s fails no-restricted-imports',
    (probe) => {
      expect(rulesByProbe.get(probe)).toContain('no-restricted-imports');
    },
  );

  test('the same SDK import is fine in an adapter', () => {
    expect(rulesByProbe.get('adapterImportsSdk')).toEqual([]);
  });

  test('domain code may not read the real clock', () => {
    expect(rulesByProbe.get('domainReadsClock')).toContain('no-restricted-syntax');
  });

  test('ts-ignore comments are refused', () => {
    expect(rulesByProbe.get('tsIgnore')).toContain('@typescript-eslint/ban-ts-comment');
  });

  test('focused tests are refused', () => {
    expect(rulesByProbe.get('focusedTest')).toContain('no-restricted-syntax');
  });
});
