/**
 * Every function as the cloud runs it: a folder holding only the bundle (`index.js`, built by
 * scripts/build-functions.ts through the deploy's staging), its `package.json` and `config.json`,
 * and `node_modules` installed from that `package.json`. Installing wx-server-sdk from the
 * registry is slow, so the exact package trees the workspace installed for the same pinned
 * versions are copied instead (wx-server-sdk and everything it depends on, found by walking the
 * packages' `dependencies` the way Node resolves them). Each bundle is then loaded with `require`
 * in a child process with the platform's WX_* identity variables, the configuration from the
 * environment, and a guard that fails any network connection or DNS lookup.
 */
import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { FUNCTIONS, type FunctionName } from '../../../deploy/functions';
import { stageFunction } from '../../../scripts/deploy';
import { SETTING_LIST } from '../../../server/config/schema';

jest.setTimeout(120_000);

const run = promisify(execFile);
const ROOT = join(__dirname, '../../..');

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Where Node would find `name` when required from a file in `fromDir`, within the workspace. */
function resolvePackage(name: string, fromDir: string): string | null {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === ROOT || dirname(dir) === dir) return null;
  }
}

/**
 * The workspace folders of `dependencies` and everything they need (also optional and peer
 * dependencies that are installed), as paths relative to the repository root.
 */
function dependencyClosure(dependencies: Record<string, string>): string[] {
  const found = new Set<string>();
  const visit = (name: string, fromDir: string, mandatory: boolean): void => {
    const dir = resolvePackage(name, fromDir);
    if (!dir) {
      if (mandatory) throw new Error(`${name} (needed from ${relative(ROOT, fromDir) || '.'}) is not installed in the workspace; run npm ci`);
      return;
    }
    const rel = relative(ROOT, dir);
    if (found.has(rel)) return;
    found.add(rel);
    const manifest = readManifest(dir);
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir, true);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(manifest.peerDependencies ?? {})) visit(dep, dir, manifest.peerDependenciesMeta?.[dep]?.optional !== true);
  };
  for (const name of Object.keys(dependencies)) visit(name, ROOT, true);
  return [...found].sort();
}

/** Copies each package folder (without its nested node_modules, which are copied on their own if needed). */
function installFromWorkspace(target: string, packages: readonly string[]): void {
  for (const rel of packages) {
    const source = join(ROOT, rel);
    cpSync(source, join(target, rel), { recursive: true, dereference: true, filter: (path) => !relative(source, path).split(sep).includes('node_modules') });
  }
}

/** A copy of `source` at `target` made of hard links (same bytes, no second copy on disk). */
function linkTree(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) linkTree(from, to);
    else if (entry.isSymbolicLink()) cpSync(from, to, { dereference: true, recursive: true });
    else linkSync(from, to);
  }
}

/** Fails every outgoing connection and DNS lookup of the child, loudly. */
const NETWORK_GUARD = `
const net = require('node:net');
const dns = require('node:dns');
const blocked = (what) => function () { throw new Error('network access blocked in this test: ' + what); };
net.Socket.prototype.connect = blocked('connect');
dns.lookup = blocked('dns.lookup');
dns.resolve = blocked('dns.resolve');
dns.promises.lookup = blocked('dns.promises.lookup');
dns.promises.resolve = blocked('dns.promises.resolve');
`;

let base: string;
let guard: string;
const folders = new Map<FunctionName, string>();
const installed = new Map<FunctionName, string[]>();

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'certkeeper-clean-'));
  guard = join(base, 'network-guard.js');
  writeFileSync(guard, NETWORK_GUARD);
  // Functions whose manifests name the same dependencies get the same tree: copied from the
  // workspace once, then hard-linked into each further folder.
  const trees = new Map<string, string>();
  for (const spec of FUNCTIONS) {
    const dir = join(base, spec.name);
    mkdirSync(dir);
    await stageFunction(spec, dir);
    const manifest = readManifest(dir);
    const packages = dependencyClosure(manifest.dependencies ?? {});
    const key = JSON.stringify(manifest.dependencies ?? {});
    const copied = trees.get(key);
    if (copied) linkTree(join(copied, 'node_modules'), join(dir, 'node_modules'));
    else {
      installFromWorkspace(dir, packages);
      trees.set(key, dir);
    }
    folders.set(spec.name, dir);
    installed.set(spec.name, packages);
  }
});
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

function folder(name: FunctionName): string {
  const dir = folders.get(name);
  if (!dir) throw new Error(`${name} was not staged`);
  return dir;
}

/** A master key of the right shape (keyId:base64 of 32 bytes); nothing is sealed with it here. */
const CONFIG = { CERTKEEPER_MASTER_KEY: `test-1:${Buffer.alloc(32, 7).toString('base64')}` };

/** Runs `script` (with `fn` bound to the function's exports) in a child inside the clean folder. */
async function inFolder(name: FunctionName, script: string, env: Record<string, string> = {}): Promise<string> {
  const dir = folder(name);
  // Nothing from the parent that could point the child elsewhere: no NODE_PATH, no platform or CertKeeper settings.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(WX_|TCB_|SCF_|TENCENTCLOUD_|CERTKEEPER_|NODE_PATH$|NODE_OPTIONS$)/.test(key)),
  );
  const code = `const fn = require('./index.js'); Promise.resolve().then(async () => { ${script} }).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r === undefined ? null : r)), (e) => process.stdout.write('ERROR ' + e.message));`;
  const { stdout } = await run(process.execPath, ['--require', guard, '-e', code], { cwd: dir, env: { ...inherited, ...CONFIG, ...env }, timeout: 30_000 });
  if (!stdout.includes('RESULT ')) throw new Error(`${name}: ${stdout.slice(stdout.indexOf('ERROR '))}`);
  return stdout.slice(stdout.indexOf('RESULT ') + 7);
}

async function call(name: FunctionName, event: unknown, env: Record<string, string> = {}): Promise<unknown> {
  return JSON.parse(await inFolder(name, `return fn.main(${JSON.stringify(event)}, {});`, env)) as unknown;
}

describe('function folders as the cloud installs them', () => {
  test('hold only the bundle, package.json, config.json and the dependency tree of wx-server-sdk at the pinned version', () => {
    for (const spec of FUNCTIONS) {
      const dir = folder(spec.name);
      expect(readdirSync(dir).sort()).toEqual(['config.json', 'index.js', 'node_modules', 'package.json']);
      const manifest = readManifest(dir);
      expect(Object.keys(manifest.dependencies ?? {})).toEqual(['wx-server-sdk']);
      // The copy stands for a cloud install only if the workspace holds the version the manifest pins.
      expect(readManifest(join(dir, 'node_modules', 'wx-server-sdk')).version).toBe(manifest.dependencies?.['wx-server-sdk']);
      const packages = installed.get(spec.name) ?? [];
      expect(packages).toContain(join('node_modules', 'wx-server-sdk'));
      expect(packages).toContain(join('node_modules', '@cloudbase', 'node-sdk'));
      expect(packages).not.toContain(join('node_modules', 'valibot'));
      expect(packages).not.toContain(join('node_modules', 'acme-client'));
    }
  });

  test('each bundle resolves wx-server-sdk inside its own folder, and nothing else from outside', async () => {
    for (const spec of FUNCTIONS) {
      const resolved = JSON.parse(await inFolder(spec.name, "return require.resolve('wx-server-sdk');")) as string;
      expect(resolved.startsWith(join(folder(spec.name), 'node_modules', 'wx-server-sdk') + sep)).toBe(true);
      const text = readFileSync(join(folder(spec.name), 'index.js'), 'utf8');
      const required = [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1] ?? ''))].filter((id) => !id.startsWith('node:'));
      const builtins = new Set(builtinModules);
      expect(required.filter((id) => !builtins.has(id))).toEqual(['wx-server-sdk']);
    }
  });

  test('api answers ping with the OPENID the platform injected', async () => {
    const result = await call('api', { action: 'ping' }, { WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID', WX_OPENID: 'oClean_123', WX_APPID: 'wx0123456789abcdef' });
    expect(result).toMatchObject({ ok: true, data: { openId: 'oClean_123', serverTime: expect.any(Number) as number } });
  });

  test('worker refuses a call that carries an OPENID', async () => {
    const outcome = await inFolder(
      'worker',
      "try { await fn.main({ kind: 'orders', ids: [] }, {}); return 'RAN'; } catch (e) { return 'REFUSED ' + e.message; }",
      { WX_CONTEXT_KEYS: 'WX_OPENID', WX_OPENID: 'oSomeone' },
    );
    expect(JSON.parse(outcome)).toBe('REFUSED worker: only the scheduler may call this function');
  });

  test('acmehttp answers 404 without the database for a path that names no delegation key, and for a token it never stores', async () => {
    const notFound = { statusCode: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }, body: 'Not Found\n', isBase64Encoded: false };
    const request = (path: string) => ({ path, httpMethod: 'GET', headers: {}, queryStringParameters: {}, body: '', isBase64Encoded: false });
    expect(await call('acmehttp', request('/acmehttp/.well-known/acme-challenge/unknownToken123'))).toEqual(notFound);
    // A well-formed path whose token is longer than any stored one: the store is built but never asked.
    expect(await call('acmehttp', request(`/acmehttp/${'k'.repeat(22)}/.well-known/acme-challenge/${'t'.repeat(128)}`))).toEqual(notFound);
  });

  test('acmehttp needs the database for a well-formed unknown token: with the network blocked it answers 503, not 404', async () => {
    // Fake credentials, as the platform provides real ones: without any, @cloudbase/node-sdk also
    // leaves an unhandled rejection behind that ends the process after the 503.
    const cloud = { TCB_ENV: 'certkeeper-test-1a2b3c', TENCENTCLOUD_SECRETID: 'AKIDfakefakefake', TENCENTCLOUD_SECRETKEY: 'fake' };
    const event = { path: `/acmehttp/${'k'.repeat(22)}/.well-known/acme-challenge/unknownToken123`, httpMethod: 'GET', headers: {}, body: '', isBase64Encoded: false };
    const result = (await call('acmehttp', event, cloud)) as { statusCode: number; headers: Record<string, string> };
    expect(result.statusCode).toBe(503);
    expect(result.headers['retry-after']).toBe('5');
  });

  test('scheduler loads and exports main (not invoked: a tick needs the database)', async () => {
    expect(JSON.parse(await inFolder('scheduler', 'return typeof fn.main;'))).toBe('function');
  });

  test('each bundle reads only declared settings, and the deploy lists every setting a function reads', () => {
    const settings = new Set(SETTING_LIST.map((setting) => setting.variable));
    for (const spec of FUNCTIONS) {
      const text = readFileSync(join(folder(spec.name), 'index.js'), 'utf8');
      // Names as whole words; `CERTKEEPER_SMTP_*` in prose ends with an underscore and is not one.
      const mentioned = new Set([...text.matchAll(/CERTKEEPER_[A-Z0-9_]+/g)].map((match) => match[0]).filter((name) => !name.endsWith('_')));
      expect([...mentioned].filter((name) => !settings.has(name))).toEqual([]);
      expect(spec.env.map((variable) => variable.name).filter((name) => !mentioned.has(name))).toEqual([]);
    }
  });
});
