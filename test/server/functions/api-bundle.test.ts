/**
 * The built `api` bundle, loaded in plain Node the way CloudBase loads it: identity from the
 * WX_CONTEXT_KEYS / WX_OPENID environment that the platform injects, read by the real
 * wx-server-sdk `getWXContext()` (nothing mocked).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildFunction, FUNCTIONS_DIR, listFunctions } from '../../../scripts/build-functions';

const run = promisify(execFile);
const ROOT = join(__dirname, '../../..');

let outDir: string;
let bundle: string;

beforeAll(async () => {
  // Inside the repository, so the bundle's require('wx-server-sdk') resolves from node_modules.
  outDir = await mkdtemp(join(ROOT, 'node_modules', '.certkeeper-bundle-'));
  bundle = (await buildFunction('api', join(outDir, 'index.js'))).outfile;
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

async function invoke(event: unknown, env: Record<string, string>): Promise<unknown> {
  const script = `require(${JSON.stringify(bundle)}).main(${JSON.stringify(event)}, {}).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r)))`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('WX_')));
  const { stdout } = await run(process.execPath, ['-e', script], { env: { ...clean, ...env }, timeout: 20_000 });
  return JSON.parse(stdout.slice(stdout.indexOf('RESULT ') + 7));
}

describe('api cloud function bundle', () => {
  test('answers ping with the OPENID WeChat injected', async () => {
    const result = await invoke({ action: 'ping' }, { WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID', WX_OPENID: 'oTest_123', WX_APPID: 'wx0000000000000000' });
    expect(result).toEqual({ ok: true, data: { openId: 'oTest_123', serverTime: expect.any(Number), isAdmin: false } });
  });

  test('reads its admins from CERTKEEPER_ADMIN_OPENIDS: ping says so, and the doctor answers only them', async () => {
    const identity = { WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID', WX_APPID: 'wx0000000000000000', CERTKEEPER_ADMIN_OPENIDS: 'oAdmin_123,oOther_456' };
    expect(await invoke({ action: 'ping' }, { ...identity, WX_OPENID: 'oAdmin_123' })).toMatchObject({ ok: true, data: { isAdmin: true } });
    expect(await invoke({ action: 'doctor' }, { ...identity, WX_OPENID: 'oTest_123' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  test('refuses a call that carries no platform identity, even if the event claims one', async () => {
    const result = await invoke({ action: 'ping', userInfo: { openId: 'oForged' } }, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  test('keeps wx-server-sdk external and inlines the shared code', async () => {
    const text = await readFile(bundle, 'utf8');
    expect(text).toContain('require("wx-server-sdk")');
    expect(text).toContain('UNAUTHENTICATED');
    expect(text).not.toMatch(/require\("valibot"\)/);
  });

  test('every function folder has a manifest pinning the same wx-server-sdk as the workspace', async () => {
    const root = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const names = listFunctions();
    expect(names).toContain('api');
    for (const name of names) {
      const manifest = JSON.parse(await readFile(join(FUNCTIONS_DIR, name, 'package.json'), 'utf8')) as {
        main: string;
        dependencies: Record<string, string>;
      };
      expect(manifest.main).toBe('index.js');
      expect(manifest.dependencies['wx-server-sdk']).toBe(root.devDependencies['wx-server-sdk']);
      const config = JSON.parse(await readFile(join(FUNCTIONS_DIR, name, 'config.json'), 'utf8')) as { permissions?: { openapi?: string[] } };
      // Each function that may send subscription messages declares it (api: test messages;
      // scheduler, worker: reminders); acmehttp only answers challenge files.
      expect(config.permissions?.openapi).toEqual(name === 'acmehttp' ? [] : ['subscribeMessage.send']);
    }
    expect(names).toEqual(['acmehttp', 'api', 'scheduler', 'worker']);
  });
});

describe('worker cloud function bundle', () => {
  test('refuses a call from the Mini Program (one that carries an OPENID)', async () => {
    const worker = (await buildFunction('worker', join(outDir, 'worker.js'))).outfile;
    const script = `require(${JSON.stringify(worker)}).main({ kind: 'orders', ids: [] }, {}).then(() => process.stdout.write('RAN'), (e) => process.stdout.write('REFUSED ' + e.message))`;
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('WX_')));
    const { stdout } = await run(process.execPath, ['-e', script], { env: { ...clean, WX_CONTEXT_KEYS: 'WX_OPENID', WX_OPENID: 'oSomeone' }, timeout: 20_000 });
    expect(stdout).toBe('REFUSED worker: only the scheduler may call this function');
  });
});
