/**
 * The doctor against real pieces on loopback: the SQLite store, the real ACME gateway reading
 * directories from a loopback server, the `acmehttp` handler served over HTTP by the local API
 * server, the real HTTP GET, the scheduler tick writing its status. Only the CloudBase database is
 * the double (it cannot run here).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AcmeClientGateway } from '../../../server/adapters/acme/acme-client-gateway';
import { EnvelopeCipher, parseMasterKeys } from '../../../server/adapters/crypto/envelope-cipher';
import { httpGet } from '../../../server/adapters/http-get';
import { CloudBaseSchemaAdmin } from '../../../server/adapters/store/cloudbase-bootstrap';
import { CloudBaseStore } from '../../../server/adapters/store/cloudbase-store';
import { SqliteSchemaAdmin } from '../../../server/adapters/store/sqlite-schema-admin';
import { SqliteStore } from '../../../server/adapters/store/sqlite-store';
import { createLocalEngine } from '../../../server/local/engine';
import { startLocalApiServer, type LocalApiServer } from '../../../server/local/http-api';
import type { Clock } from '../../../server/ports/clock';
import { COLLECTIONS } from '../../../server/ports/collections';
import type { Store } from '../../../server/ports/store';
import { bootstrapDatabase } from '../../../server/usecases/bootstrap';
import { DOCTOR_PROBE_OWNER, doctor, type DoctorDeps, type DoctorItem } from '../../../server/usecases/doctor';
import { createCaRegistry, type SubscriptionTemplate } from '../../../server/usecases/engine';
import type { ChallengeTokenDoc } from '../../../server/usecases/http-tokens';
import { runSchedulerTick } from '../../../server/usecases/scheduler-tick';
import { recordSchedulerTick } from '../../../server/usecases/system-status';
import { recordingLogger } from '../support/recording-logger';
import { StrictCloudDatabaseDouble } from './cloud-admin-double';

const T0 = Date.UTC(2026, 10, 20, 1, 0, 0);
const MINUTE = 60_000;

const TEMPLATES: SubscriptionTemplate[] = [
  { key: 'expiry', templateId: 'tmpl_expiry_0123456789', title: '证书到期提醒', keywords: { thing1: 'domain', date2: 'expiresOn' } },
  { key: 'result', templateId: 'tmpl_result_0123456789', title: '证书状态通知', keywords: { thing1: 'domain', phrase2: 'status' } },
  { key: 'action', templateId: 'tmpl_action_0123456789', title: '待办事项提醒', keywords: { thing1: 'title', thing2: 'note' } },
];

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** ACME directories on loopback: `/plain`, `/eab` (needs EAB, has ARI), `/broken` (HTTP 502 page), `/slow` (never answers). */
async function startCaDirectories(): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const base = `http://${req.headers.host ?? ''}`;
    const directory = { newNonce: `${base}/nonce`, newAccount: `${base}/account`, newOrder: `${base}/order` };
    const json = (body: object) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/plain') json(directory);
    else if (req.url === '/eab') json({ ...directory, renewalInfo: `${base}/ari`, meta: { externalAccountRequired: true } });
    else if (req.url === '/broken') res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>');
    // /slow: never answers.
  });
  return { origin: await listen(server), server };
}

/** A URL where nothing listens: a port that was free a moment ago. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  const origin = await listen(server);
  await close(server);
  return origin;
}

interface Setup {
  store: SqliteStore;
  deps: DoctorDeps;
  clock: Clock & { at: number };
  api: LocalApiServer;
  logger: ReturnType<typeof recordingLogger>;
}

describe('doctor', () => {
  let ca: { origin: string; server: Server };
  const opened: { store: Store; api: LocalApiServer }[] = [];

  beforeAll(async () => {
    ca = await startCaDirectories();
  });

  afterAll(async () => {
    await close(ca.server);
  });

  afterEach(async () => {
    for (const { store, api } of opened.splice(0)) {
      await api.close();
      await store.close();
    }
  });

  /** A healthy deployment: every check passes. */
  async function setup(overrides: Partial<DoctorDeps> = {}): Promise<Setup> {
    const clock = { at: T0, now: () => clock.at };
    const logger = recordingLogger();
    const store = new SqliteStore({ path: ':memory:' });
    // acmehttp over HTTP, reading this store, as the HTTP access service would reach the function.
    const api = await startLocalApiServer({ port: 0, deps: { clock, logger }, acmeHttp: { store: () => store, clock, logger } });
    opened.push({ store, api });
    const cipher = new EnvelopeCipher(parseMasterKeys(`k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`));
    await recordSchedulerTick({ store, clock, logger }, {});
    const deps: DoctorDeps = {
      clock,
      logger,
      cipher: () => cipher,
      masterKeyCount: () => 2,
      cas: () => createCaRegistry({ timeoutMs: 10_000, directoryUrls: { letsencrypt: `${ca.origin}/plain`, zerossl: `${ca.origin}/eab` } }),
      caIds: ['letsencrypt', 'zerossl'],
      acme: new AcmeClientGateway(),
      templates: () => TEMPLATES,
      acmeHttpBaseUrl: () => api.acmeHttpUrl,
      configProblems: () => [],
      schema: new SqliteSchemaAdmin(store),
      store: () => store,
      httpGet,
      timeoutMs: 2_000,
      ...overrides,
    };
    return { store, deps, clock, api, logger };
  }

  function byId(items: DoctorItem[]): Record<string, DoctorItem> {
    return Object.fromEntries(items.map((i) => [i.id, i]));
  }

  test('a healthy deployment: every item passes, in a stable order, with nothing to fix', async () => {
    const { deps, store, clock } = await setup();
    clock.at = T0 + 2 * MINUTE;
    const report = await doctor(deps);
    expect(report.checkedAt).toBe(T0 + 2 * MINUTE);
    expect(report.items.map((i) => i.id)).toEqual(['config', 'masterKey', 'ca:letsencrypt', 'ca:zerossl', 'templates', 'collections', 'indexes', 'permissions', 'schedulerTick', 'acmehttp']);
    expect(report.items.filter((i) => i.ok !== true)).toEqual([]);
    expect(report.items.every((i) => i.fix === '')).toBe(true);
    const items = byId(report.items);
    expect(items.masterKey?.detail).toBe('加密后能正确解密（共 2 把密钥，第一把用于加密）');
    expect(items['ca:letsencrypt']).toMatchObject({ title: "证书颁发机构：Let's Encrypt", detail: '目录可以访问' });
    expect(items['ca:zerossl']?.detail).toBe('目录可以访问（需要 EAB 凭据，支持 ARI 续期建议）');
    expect(items.templates?.detail).toBe('已配置 3 个模板：证书到期提醒（到期提醒）、证书状态通知（结果通知（续期成功、失败、吊销））、待办事项提醒（待处理提醒）');
    expect(items.collections?.detail).toBe(`${COLLECTIONS.length} 个集合都已存在`);
    expect(items.schedulerTick?.detail).toBe('上次运行：2 分钟前');
    expect(items.acmehttp?.detail).toBe('acmehttp 已响应，并返回了数据库中的探测内容');
    // The probe token it served is gone again.
    expect(await store.collection<ChallengeTokenDoc>('challengeTokens').findDue(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });

  test('the scheduler tick records itself; the trigger is late after 5 minutes and never ran without a record', async () => {
    const { deps, store, clock } = await setup();
    const engine = createLocalEngine({ stack: { directoryUrl: `${ca.origin}/plain`, caCertPem: '', dnsServer: '127.0.0.1:9', httpChallengePort: 9 }, store, cipher: deps.cipher(), clock });
    clock.at = T0 + 30 * MINUTE;
    await runSchedulerTick(engine);
    clock.at = T0 + 34 * MINUTE;
    expect(byId((await doctor(deps)).items).schedulerTick).toMatchObject({ ok: true, detail: '上次运行：4 分钟前' });
    clock.at = T0 + 36 * MINUTE;
    const late = byId((await doctor(deps)).items).schedulerTick;
    expect(late).toMatchObject({ ok: false, detail: '上次运行在6 分钟前，已超过 5 分钟' });
    expect(late?.fix).toContain('上传触发器');

    const fresh = await setup();
    await fresh.store.collection('system').delete('tick');
    expect(byId((await doctor(fresh.deps)).items).schedulerTick).toMatchObject({ ok: false, detail: '还没有运行记录' });
  });

  test('a missing or malformed master key fails its item with the setting named; the others still run', async () => {
    const { deps } = await setup({
      cipher: () => new EnvelopeCipher(parseMasterKeys(undefined)),
      configProblems: () => ['CERTKEEPER_MASTER_KEY is not set; it must be "<keyId>:<base64 of 32 bytes>"'],
    });
    const items = byId((await doctor(deps)).items);
    expect(items.masterKey?.ok).toBe(false);
    expect(items.masterKey?.detail).toContain('CERTKEEPER_MASTER_KEY: not set');
    expect(items.masterKey?.fix).toContain('openssl rand -base64 32');
    expect(items.config).toMatchObject({ ok: false, detail: '1 项配置有问题：CERTKEEPER_MASTER_KEY is not set; it must be "<keyId>:<base64 of 32 bytes>"' });
    expect(items.acmehttp?.ok).toBe(true);
  });

  test('each CA is its own item: a 502 page, a closed port and a directory that never answers fail with the reason', async () => {
    const closed = await closedUrl();
    const { deps } = await setup({
      cas: () => createCaRegistry({ timeoutMs: 10_000, directoryUrls: { letsencrypt: `${ca.origin}/plain`, 'letsencrypt-staging': `${ca.origin}/broken`, google: `${closed}/directory`, zerossl: `${ca.origin}/slow` } }),
      caIds: ['letsencrypt', 'letsencrypt-staging', 'google', 'zerossl'],
      timeoutMs: 500,
    });
    const started = Date.now();
    const items = byId((await doctor(deps)).items);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(items['ca:letsencrypt']?.ok).toBe(true);
    expect(items['ca:letsencrypt-staging']).toMatchObject({ ok: false, detail: '访问目录失败：返回的内容不是 ACME 目录' });
    expect(items['ca:google']).toMatchObject({ ok: false, detail: '访问目录失败：连接被拒绝或中断' });
    expect(items['ca:zerossl']).toMatchObject({ ok: false, detail: '访问目录失败：连接超时' });
    expect(items['ca:zerossl']?.fix).toContain('CERTKEEPER_CA_PROXY');
  });

  test('by default every catalog CA with a directory is checked, not custom, not a CA without one', async () => {
    const asked: string[] = [];
    const { deps } = await setup({
      caIds: undefined,
      cas: () => createCaRegistry({ timeoutMs: 10_000, directoryUrls: {} }),
      acme: Object.assign(new AcmeClientGateway(), {
        directory: async (endpoint: { directoryUrl: string }) => {
          asked.push(endpoint.directoryUrl);
          return { termsOfService: null, externalAccountRequired: false, renewalInfo: null, profiles: {} };
        },
      }),
    });
    const ids = (await doctor(deps)).items.map((i) => i.id).filter((id) => id.startsWith('ca:'));
    expect(ids).toEqual(['ca:letsencrypt', 'ca:letsencrypt-staging', 'ca:zerossl', 'ca:google', 'ca:google-staging']);
    expect(asked).toContain('https://acme-v02.api.letsencrypt.org/directory');
  });

  test('templates: none configured fails, some configured passes naming what is not sent, a malformed setting fails', async () => {
    const none = byId((await doctor((await setup({ templates: () => [] })).deps)).items).templates;
    expect(none).toMatchObject({ ok: false, detail: '没有配置订阅消息模板，微信提醒不会发送（其他渠道不受影响）' });
    expect(none?.fix).toContain('CERTKEEPER_WECHAT_TEMPLATES');
    const some = byId((await doctor((await setup({ templates: () => TEMPLATES.slice(0, 1) })).deps)).items).templates;
    expect(some).toMatchObject({ ok: true, detail: '已配置 证书到期提醒（到期提醒）；未配置：结果通知（续期成功、失败、吊销）、待处理提醒，这类通知不会通过微信发送' });
    const broken = byId(
      (await doctor((await setup({ templates: () => { throw new Error('configuration: CERTKEEPER_WECHAT_TEMPLATES is not valid JSON'); } })).deps)).items,
    ).templates;
    expect(broken).toMatchObject({ ok: false, detail: 'configuration: CERTKEEPER_WECHAT_TEMPLATES is not valid JSON' });
  });

  test('acmehttp: a wrong route, a closed port and a failing store each fail with their fix; unset is unknown', async () => {
    const wrongRoute = await setup();
    wrongRoute.deps.acmeHttpBaseUrl = () => `${wrongRoute.api.origin}/elsewhere`;
    const wrong = byId((await doctor(wrongRoute.deps)).items).acmehttp;
    // The local API server answers 405 to a GET outside its routes, as a gateway might.
    expect(wrong).toMatchObject({ ok: false, detail: '地址可以访问，但返回 HTTP 405，不是探测内容' });
    expect(wrong?.fix).toContain('CERTKEEPER_ACMEHTTP_URL 包含路由路径');

    const closed = await closedUrl();
    const unreachable = byId((await doctor((await setup({ acmeHttpBaseUrl: () => `${closed}/acmehttp` })).deps)).items).acmehttp;
    expect(unreachable?.ok).toBe(false);
    expect(unreachable?.detail).toMatch(/^无法访问：/);

    // acmehttp whose database fails answers 503.
    const failing = await setup();
    const broken = new SqliteStore({ path: ':memory:' });
    await broken.close();
    const brokenApi = await startLocalApiServer({ port: 0, deps: { clock: failing.clock, logger: failing.logger }, acmeHttp: { store: () => broken, clock: failing.clock, logger: failing.logger } });
    opened.push({ store: broken, api: brokenApi });
    failing.deps.acmeHttpBaseUrl = () => brokenApi.acmeHttpUrl;
    expect(byId((await doctor(failing.deps)).items).acmehttp).toMatchObject({ ok: false, detail: 'acmehttp 已响应，但读取数据库失败（HTTP 503）' });

    const off = byId((await doctor((await setup({ acmeHttpBaseUrl: () => null })).deps)).items).acmehttp;
    expect(off).toMatchObject({ ok: null, detail: '没有配置 CERTKEEPER_ACMEHTTP_URL，HTTP 重定向验证不可用（可选功能）' });
  });

  test('acmehttp probe tokens are stored under the doctor’s own owner, never a user’s', async () => {
    const { deps, store } = await setup();
    const seen: string[] = [];
    const inner = deps.httpGet;
    deps.httpGet = async (url, options) => {
      seen.push(url);
      const tokens = await store.collection<ChallengeTokenDoc>('challengeTokens').findDue(Number.MAX_SAFE_INTEGER, 10);
      expect(tokens.map((t) => [t.ownerId, t.kind])).toEqual([[DOCTOR_PROBE_OWNER, 'probe']]);
      return inner(url, options);
    };
    await doctor(deps);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/\/acmehttp\/[A-Za-z0-9_-]{22}\/\.well-known\/acme-challenge\/[A-Za-z0-9_-]{43}$/);
  });

  test('on CloudBase before the bootstrap: collections missing, then after it indexes and rules are for the console', async () => {
    const db = new StrictCloudDatabaseDouble();
    const schema = new CloudBaseSchemaAdmin(db);
    const cloudStore = new CloudBaseStore(db);
    const { deps } = await setup({ schema, store: () => cloudStore, acmeHttpBaseUrl: () => null });
    const before = byId((await doctor(deps)).items);
    expect(before.collections?.ok).toBe(false);
    expect(before.collections?.detail).toBe(`缺少 ${COLLECTIONS.length} 个集合：${COLLECTIONS.join('、')}`);
    expect(before.collections?.fix).toContain('初始化数据库');
    expect(before.schedulerTick?.ok).toBe(false);
    expect(before.schedulerTick?.detail).toMatch(/^读取运行记录失败：/);

    await bootstrapDatabase({ schema, logger: recordingLogger() });
    const after = byId((await doctor(deps)).items);
    expect(after.collections?.ok).toBe(true);
    expect(after.indexes?.ok).toBeNull();
    expect(after.indexes?.detail).toContain('certificates.owner（ownerId 升序, _id 降序）');
    expect(after.indexes?.detail).toContain('challengeTokens.due（nextActionAt 升序, _id 升序）');
    expect(after.indexes?.fix).toContain('索引管理');
    expect(after.permissions).toMatchObject({ ok: null, detail: '云函数无法读取数据库的安全规则，请到控制台人工确认' });
    expect(after.permissions?.fix).toContain('{"read":false,"write":false}');
  });

  test('a check that hangs is cut off at its limit and the report still comes back', async () => {
    const { deps } = await setup({ timeoutMs: 300 });
    // A database that never answers whether a collection exists.
    deps.schema = { collectionPresence: () => new Promise(() => undefined), indexPresence: async () => 'unknown', createCollection: async () => 'exists', clientAccess: async () => 'unknown' };
    const report = await doctor(deps);
    const items = byId(report.items);
    expect(items.collections).toMatchObject({ ok: false, detail: '检查时出错：1 秒内没有完成检查' });
    expect(items.masterKey?.ok).toBe(true);
  });

  test('the report is logged in English with the ids of what failed', async () => {
    const { deps, logger } = await setup({ templates: () => [] });
    await doctor(deps);
    expect(logger.entries.find((e) => e.event === 'doctor.done')?.fields).toMatchObject({ failed: ['templates'], unknown: [] });
  });
});
