/**
 * The admin actions through the `api` dispatcher: refused with NOT_FOUND to everyone but the
 * configured admins (before the request is read, without building anything), run for admins, and
 * `ping` telling the app whether to show 运维检查.
 */
import { randomBytes } from 'node:crypto';
import { AcmeClientGateway } from '../../../server/adapters/acme/acme-client-gateway';
import { EnvelopeCipher, parseMasterKeys } from '../../../server/adapters/crypto/envelope-cipher';
import { CloudBaseSchemaAdmin } from '../../../server/adapters/store/cloudbase-bootstrap';
import { CloudBaseStore } from '../../../server/adapters/store/cloudbase-store';
import { SqliteStore } from '../../../server/adapters/store/sqlite-store';
import type { AdminDependencies } from '../../../server/handlers/admin';
import { handleApi, type ApiDependencies } from '../../../server/handlers/api';
import { cloudAdmin } from '../../../server/handlers/cloud-admin';
import { localAdmin } from '../../../server/local/admin';
import { createLocalEngine } from '../../../server/local/engine';
import { startLocalApiServer } from '../../../server/local/http-api';
import { COLLECTIONS } from '../../../server/ports/collections';
import type { DoctorDeps } from '../../../server/usecases/doctor';
import type { ApiResponse, BootstrapResult, DoctorReport, PingResult } from '../../../typings/api';
import { recordingLogger } from '../support/recording-logger';
import { StrictCloudDatabaseDouble } from './cloud-admin-double';

const NOW = Date.UTC(2026, 10, 20, 1, 0, 0);
const ADMIN = 'oAdmin_0123456789abcdefghij';
const USER = 'oUser_0123456789abcdefghijk';

/** Admin services on the CloudBase double: nothing outside the process is needed for these tests. */
function cloudLikeServices(): DoctorDeps & { db: StrictCloudDatabaseDouble } {
  const db = new StrictCloudDatabaseDouble();
  const cipher = new EnvelopeCipher(parseMasterKeys(`k1:${randomBytes(32).toString('base64')}`));
  return {
    db,
    clock: { now: () => NOW },
    logger: recordingLogger(),
    cipher: () => cipher,
    cas: () => ({ directoryUrl: () => null, endpoint: (directoryUrl) => ({ directoryUrl, timeoutMs: 1_000 }) }),
    acme: new AcmeClientGateway(),
    templates: () => [],
    acmeHttpBaseUrl: () => null,
    schema: new CloudBaseSchemaAdmin(db),
    store: () => new CloudBaseStore(db),
    httpGet: () => Promise.reject(new Error('not used')),
  };
}

function setup(admin: Partial<AdminDependencies> | null = {}) {
  const logger = recordingLogger();
  const services = cloudLikeServices();
  const build = jest.fn(() => services);
  const deps = (openId: string | undefined): ApiDependencies => ({
    openId,
    clock: { now: () => NOW },
    logger,
    ...(admin === null ? {} : { admin: { admins: () => [ADMIN], services: build, ...admin } }),
  });
  return { deps, build, logger, services };
}

describe('admin actions in the api', () => {
  test('anyone but an admin gets NOT_FOUND for doctor and bootstrap, and nothing is built or touched', async () => {
    const { deps, build, services } = setup();
    for (const action of ['doctor', 'bootstrap'] as const) {
      expect(await handleApi({ action }, deps(USER))).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: '找不到这个功能' } });
    }
    // Even a malformed request is refused the same way: its shape is not revealed either.
    expect(await handleApi({ action: 'bootstrap', force: true }, deps(USER))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(build).not.toHaveBeenCalled();
    expect(services.db.created).toEqual([]);
  });

  test('a runtime without admin services refuses everyone, and a caller without identity is unauthenticated first', async () => {
    const { deps } = setup(null);
    expect(await handleApi({ action: 'doctor' }, deps(ADMIN))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await handleApi({ action: 'doctor' }, setup().deps(undefined))).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  test('an admin runs the doctor and the bootstrap; the bootstrap twice is harmless', async () => {
    const { deps, services } = setup();
    const before = (await handleApi({ action: 'doctor' }, deps(ADMIN))) as ApiResponse<'doctor'>;
    if (!before.ok) throw new Error(JSON.stringify(before.error));
    const report: DoctorReport = before.data;
    expect(report.checkedAt).toBe(NOW);
    expect(report.items.find((i) => i.id === 'collections')).toMatchObject({ ok: false, title: '数据库集合' });

    const boot = (await handleApi({ action: 'bootstrap' }, deps(ADMIN))) as ApiResponse<'bootstrap'>;
    if (!boot.ok) throw new Error(JSON.stringify(boot.error));
    const result: BootstrapResult = boot.data;
    expect(result.summary).toBe(`新建了 ${COLLECTIONS.length} 个集合`);
    expect(services.db.created).toHaveLength(COLLECTIONS.length);
    const again = (await handleApi({ action: 'bootstrap' }, deps(ADMIN))) as ApiResponse<'bootstrap'>;
    expect(again.ok && again.data.summary).toBe(`没有需要新建的集合，${COLLECTIONS.length} 个已存在`);

    const after = (await handleApi({ action: 'doctor' }, deps(ADMIN))) as ApiResponse<'doctor'>;
    expect(after.ok && after.data.items.find((i) => i.id === 'collections')?.ok).toBe(true);
    // An admin's malformed request is an ordinary validation error.
    expect(await handleApi({ action: 'doctor', verbose: true }, deps(ADMIN))).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', field: 'verbose' } });
  });

  test('ping tells the app whether the caller is an admin', async () => {
    const { deps } = setup();
    const ping = async (openId: string) => ((await handleApi({ action: 'ping' }, deps(openId))) as { ok: true; data: PingResult }).data;
    expect(await ping(ADMIN)).toEqual({ openId: ADMIN, serverTime: NOW, isAdmin: true });
    expect(await ping(USER)).toEqual({ openId: USER, serverTime: NOW, isAdmin: false });
  });

  test('a malformed admin list admits nobody and is logged, and ping still answers', async () => {
    const { deps, logger, build } = setup({
      admins: () => {
        throw new Error('configuration: CERTKEEPER_ADMIN_OPENIDS must be OPENIDs (6-64 of A-Z a-z 0-9 _ -) separated by commas; entry 2 is not one');
      },
    });
    expect(await handleApi({ action: 'ping' }, deps(ADMIN))).toMatchObject({ ok: true, data: { isAdmin: false } });
    expect(await handleApi({ action: 'doctor' }, deps(ADMIN))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(build).not.toHaveBeenCalled();
    expect(logger.entries.find((e) => e.event === 'admin.list_invalid')?.fields.error).toContain('CERTKEEPER_ADMIN_OPENIDS');
  });
});

describe('admin wiring', () => {
  test('the cloud reads the admins from CERTKEEPER_ADMIN_OPENIDS (comma-separated), even when other settings are wrong', () => {
    expect(cloudAdmin({ CERTKEEPER_ADMIN_OPENIDS: ` ${ADMIN} , ${USER},` }).admins()).toEqual([ADMIN, USER]);
    expect(cloudAdmin({}).admins()).toEqual([]);
    expect(() => cloudAdmin({ CERTKEEPER_ADMIN_OPENIDS: `${ADMIN},not an openid` }).admins()).toThrow(/CERTKEEPER_ADMIN_OPENIDS/);
  });

  test('the cloud doctor reports each wrong setting on its own item', async () => {
    const env = { CERTKEEPER_ADMIN_OPENIDS: ADMIN, CERTKEEPER_WECHAT_TEMPLATES: '[not json' };
    const services = cloudAdmin(env).services();
    expect(() => services.cipher()).toThrow(/CERTKEEPER_MASTER_KEY/);
    expect(() => services.templates()).toThrow(/CERTKEEPER_WECHAT_TEMPLATES/);
    expect(services.acmeHttpBaseUrl()).toBeNull();
    const problems = services.configProblems?.() ?? [];
    expect(problems.some((line) => line.startsWith('CERTKEEPER_MASTER_KEY '))).toBe(true);
    expect(problems.some((line) => line.startsWith('CERTKEEPER_WECHAT_TEMPLATES '))).toBe(true);
  });

  test('the local runtime’s doctor knows its SQLite indexes and reaches its own acmehttp', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const logger = recordingLogger();
    const clock = { now: () => NOW };
    const cipher = new EnvelopeCipher(parseMasterKeys(`k1:${randomBytes(32).toString('base64')}`));
    const engine = createLocalEngine({ stack: { directoryUrl: 'http://127.0.0.1:9/dir', caCertPem: '', dnsServer: '127.0.0.1:9', httpChallengePort: 9 }, store, cipher, clock, logger });
    const admin = localAdmin({ engine, store, env: { CERTKEEPER_ADMIN_OPENIDS: ADMIN } });
    const api = await startLocalApiServer({ port: 0, deps: { clock, logger, engine: () => engine, admin }, acmeHttp: { store: () => store, clock, logger } });
    engine.dns.acmeHttpBaseUrl = api.acmeHttpUrl;
    try {
      const response = (await api.call({ action: 'doctor' }, ADMIN)) as ApiResponse<'doctor'>;
      if (!response.ok) throw new Error(JSON.stringify(response.error));
      const items = Object.fromEntries(response.data.items.map((i) => [i.id, i]));
      expect(items.indexes).toMatchObject({ ok: true });
      expect(items.permissions).toMatchObject({ ok: true, detail: '本地数据库，小程序端无法直接访问' });
      expect(items.acmehttp).toMatchObject({ ok: true });
      // Only the local CA: it is down here (nothing listens on port 9).
      expect(Object.keys(items).filter((id) => id.startsWith('ca:'))).toEqual(['ca:pebble']);
      expect(await api.call({ action: 'doctor' }, USER)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      await api.close();
      await store.close();
    }
  });
});
