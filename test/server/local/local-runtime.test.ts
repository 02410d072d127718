/**
 * `npm start -- --once` end to end (Pebble, SQLite, dev key, demo issuance, local api), and the
 * local api server on its own.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EnvelopeCipher, parseMasterKeys } from '../../../server/adapters/crypto/envelope-cipher';
import { SqliteStore } from '../../../server/adapters/store/sqlite-store';
import { IDENTITY_HEADER, startLocalApiServer } from '../../../server/local/http-api';
import { secretContext } from '../../../server/domain/account';
import type { CertificateDoc, CertificateVersionDoc } from '../../../server/domain/certificate';
import { recordingLogger } from '../support/recording-logger';
import { useTempDir } from '../support/temp-dir';

jest.setTimeout(60_000);
const ROOT = join(__dirname, '../../..');


function withoutMasterKey(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { CERTKEEPER_MASTER_KEY: _dropped, ...rest } = env;
  return rest;
}

describe('npm start -- --once', () => {
  const tempDir = useTempDir('local', 'all');

  test('issues the demo certificate through Pebble and stores it in SQLite with its key encrypted', async () => {
    const dataDir = tempDir();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/local/main.ts', '--once'], {
      cwd: ROOT,
      // No CERTKEEPER_MASTER_KEY: the runtime must create its dev key file.
      env: { ...withoutMasterKey(process.env), CERTKEEPER_DATA_DIR: dataDir },
      timeout: 50_000,
    });
    for (let n = 1; n <= 7; n++) expect(stdout).toContain(`[${n}/7]`);
    expect(stdout).toMatch(/Exported demo\.certkeeper\.test\S*\.pem .* link http:\/\/127\.0\.0\.1:\d+\/files\//);
    expect(stdout).toContain('everything stopped');

    expect((await stat(join(dataDir, 'master.key'))).mode & 0o777).toBe(0o600);
    const cipher = new EnvelopeCipher(parseMasterKeys((await readFile(join(dataDir, 'master.key'), 'utf8')).trim()));
    const store = new SqliteStore({ path: join(dataDir, 'certkeeper.db') });
    try {
      const [certificate] = (await store.collection<CertificateDoc>('certificates').listByOwner('local-demo-user', { limit: 10 })).items;
      expect(certificate?.names).toEqual(['demo.certkeeper.test', '*.demo.certkeeper.test']);
      const version = await store.collection<CertificateVersionDoc>('certificateVersions').get(certificate!.currentVersionId ?? '');
      expect(version).not.toBeNull();
      const lifetime = version!.leaf.notAfter - version!.leaf.notBefore;
      expect(Math.round(lifetime / 86_400_000)).toBe(47);
      // Renewal is scheduled with a third of the lifetime left.
      expect(certificate!.nextActionAt).toBe(version!.leaf.notAfter - Math.floor(lifetime / 3));

      expect(version!.privateKeySealed).not.toContain('PRIVATE KEY');
      const keyPem = cipher.decrypt(version!.privateKeySealed ?? '', secretContext.orderKey(version!.orderId));
      const leaf = new X509Certificate(version!.chainPem);
      const publicFromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
      expect(Buffer.compare(publicFromKey, leaf.publicKey.export({ type: 'spki', format: 'der' }))).toBe(0);
      expect(await store.collection('certificates').findDue(certificate!.nextActionAt ?? 0, 10)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});

describe('local api server', () => {
  const NOW = 1_795_000_000_000;
  let server: Awaited<ReturnType<typeof startLocalApiServer>>;
  beforeAll(async () => {
    server = await startLocalApiServer({ port: 0, deps: { clock: { now: () => NOW }, logger: recordingLogger() } });
  });
  afterAll(async () => {
    await server.close();
  });

  function raw(method: string, body: string, headers: Record<string, string> = {}, path = '/fn/api'): Promise<{ status: number; json: unknown }> {
    return new Promise((resolve, reject) => {
      const req = request(`${server.origin}${path}`, { method, headers }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  test('binds loopback and answers as the identity in the header', async () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    expect(await server.call({ action: 'ping' }, 'o_dev')).toEqual({ ok: true, data: { openId: 'o_dev', serverTime: NOW, isAdmin: false } });
  });

  test('without the identity header the call is unauthenticated', async () => {
    expect(await raw('POST', '{"action":"ping"}')).toMatchObject({ status: 200, json: { ok: false, error: { code: 'UNAUTHENTICATED' } } });
  });

  test('refuses other methods, malformed JSON and oversized bodies with Chinese messages', async () => {
    expect(await raw('GET', '')).toMatchObject({ status: 405, json: { error: { message: '请使用 POST' } } });
    expect(await raw('POST', '{}', { [IDENTITY_HEADER]: 'o' }, '/fn/other')).toMatchObject({ status: 404 });
    expect(await raw('POST', '{"name":"x","value":"y"}', {}, '/dev/txt')).toMatchObject({ status: 404 });
    expect(await raw('POST', '{nope', { [IDENTITY_HEADER]: 'o' })).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_REQUEST', message: '请求内容不是合法的 JSON' } },
    });
    const big = JSON.stringify({ action: 'ping', pad: 'x'.repeat(120 * 1024) });
    const response = await raw('POST', big, { [IDENTITY_HEADER]: 'o' }).catch((error: unknown) => ({ status: -1, json: error }));
    // The server answers 400 or closes the connection mid-upload; either way nothing runs.
    expect([400, -1]).toContain(response.status);
  });
});
