/**
 * 运维检查: the admin service, the home page's entry (admins only, asked once at launch), and the
 * admin page running the doctor and the database bootstrap. Real pages with the real TDesign
 * components; `wx.cloud.callFunction` answers with the envelopes the `api` function sends.
 */
import type { BootstrapResult, DoctorReport } from '../../typings/api';
import type { IAppOption } from '../../miniprogram/types/app';
import { bootstrapDatabase, checkAdmin, runDoctor } from '../../miniprogram/services/admin';
import { answer, apiFailure, deferred, mockCallFunction, pingOk, transportFailure } from './support/cloud';
import type { CallFunctionMock, CallFunctionParam, CallFunctionResult } from './support/cloud';
import { flushPromises, loadPage, textOf } from './support/page';
import type { LoadedPage, RenderedNode } from './support/page';

const CHECKED_AT = Date.UTC(2026, 10, 20, 1, 30, 0);

const REPORT: DoctorReport = {
  checkedAt: CHECKED_AT,
  items: [
    { id: 'masterKey', ok: true, title: '主密钥', detail: '加密后能正确解密', fix: '' },
    { id: 'collections', ok: false, title: '数据库集合', detail: '缺少 2 个集合：system、rateLimits', fix: '点击本页下方的「初始化数据库」创建缺少的集合' },
    { id: 'indexes', ok: null, title: '数据库索引', detail: '云函数无法读取索引', fix: '在云开发控制台 → 数据库 → 索引管理中创建' },
  ],
};

const HEALTHY: DoctorReport = { checkedAt: CHECKED_AT + 60_000, items: REPORT.items.map((item) => ({ ...item, ok: true, fix: '' })) };

const BOOTSTRAPPED: BootstrapResult = {
  collections: [
    { name: 'system', status: 'created', detail: null, indexes: [] },
    { name: 'rateLimits', status: 'failed', detail: 'errCode -501003', indexes: [] },
  ],
  summary: '新建了 1 个集合，1 个创建失败',
  manualSteps: ['云开发控制台 → 数据库 → certificates → 索引管理：添加索引 owner，字段 ownerId 升序, _id 降序（非唯一）', '云开发控制台 → 数据库 → 每个集合（共 12 个）→ 数据权限：选择自定义安全规则，填入 {"read":false,"write":false}'],
};

function ok(data: unknown): CallFunctionResult {
  return answer({ ok: true, data });
}

function actionsOf(callFunction: CallFunctionMock): string[] {
  return callFunction.mock.calls.map(([param]: [CallFunctionParam]) => (param.data as { action: string }).action);
}

async function tap(node: RenderedNode | undefined, what: string, inner = '.t-button'): Promise<void> {
  const target = inner === '' ? node : node?.querySelector(inner);
  if (!target) throw new Error(`${what} is not rendered`);
  target.dispatchEvent('tap');
  await flushPromises();
}

function text(node: RenderedNode | undefined): string {
  return textOf({ dom: node?.dom });
}

let callFunction: CallFunctionMock;

beforeEach(() => {
  callFunction = mockCallFunction();
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('admin service', () => {
  test('runDoctor and bootstrapDatabase are the doctor and bootstrap actions', async () => {
    callFunction.mockResolvedValueOnce(ok(REPORT)).mockResolvedValueOnce(ok(BOOTSTRAPPED));
    await expect(runDoctor()).resolves.toEqual(REPORT);
    await expect(bootstrapDatabase()).resolves.toEqual(BOOTSTRAPPED);
    expect(callFunction.mock.calls.map(([param]) => param)).toEqual([
      { name: 'api', data: { action: 'doctor' } },
      { name: 'api', data: { action: 'bootstrap' } },
    ]);
  });

  test('checkAdmin answers ping’s isAdmin, and false when ping fails', async () => {
    callFunction.mockResolvedValueOnce(pingOk({ openId: 'oA', serverTime: 1, isAdmin: true }));
    await expect(checkAdmin()).resolves.toBe(true);
    callFunction.mockResolvedValueOnce(pingOk({ openId: 'oB', serverTime: 1, isAdmin: false }));
    await expect(checkAdmin()).resolves.toBe(false);
    callFunction.mockRejectedValueOnce(transportFailure());
    await expect(checkAdmin()).resolves.toBe(false);
  });

  test('the app asks once at launch and keeps the answer for the pages', async () => {
    callFunction.mockResolvedValueOnce(pingOk({ openId: 'oA', serverTime: 1, isAdmin: true }));
    const App = jest.fn<undefined, [WechatMiniprogram.App.Options<IAppOption>]>();
    Object.assign(globalThis, { App });
    await jest.isolateModulesAsync(async () => {
      await import('../../miniprogram/app');
    });
    const options = App.mock.calls[0]?.[0];
    if (!options) throw new Error('app.ts did not call App()');
    options.onLaunch?.call(options, { path: 'pages/home/index', query: {}, scene: 1001, shareTicket: '', forwardMaterials: [], apiCategory: 'default' });
    await expect(options.globalData.adminCheck).resolves.toBe(true);
    expect(actionsOf(callFunction)).toEqual(['ping']);
  });
});

describe('home page: the 运维检查 entry', () => {
  type HomePage = LoadedPage<{ phase: string; isAdmin: boolean }, { onLoad(query: Record<string, string>): Promise<void> }>;
  const globalData = (getApp() as { globalData: IAppOption['globalData'] }).globalData;

  afterEach(() => {
    delete globalData.adminCheck;
  });

  async function openHome(adminCheck: Promise<boolean> | undefined, list: CallFunctionResult): Promise<HomePage> {
    if (adminCheck) globalData.adminCheck = adminCheck;
    callFunction.mockResolvedValueOnce(list);
    const page = loadPage<{ phase: string; isAdmin: boolean }, { onLoad(query: Record<string, string>): Promise<void> }>('pages/home/index');
    await page.instance.onLoad({});
    await flushPromises();
    return page;
  }

  test('an admin sees it under the list and it opens the admin page; no extra call is made', async () => {
    const page = await openHome(Promise.resolve(true), ok({ items: [], nextCursor: null }));
    expect(page.querySelector('#open-admin')?.data.title).toBe('运维检查');
    expect(textOf(page)).toContain('管理员：检查部署配置、数据库和定时任务');
    const navigateTo = jest.spyOn(wx, 'navigateTo');
    await tap(page.querySelector('#open-admin'), '运维检查', '.t-cell');
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/admin/index' }));
    expect(actionsOf(callFunction)).toEqual(['listCertificates']);
  });

  test('an admin sees it when the list fails to load too (an uninitialised database)', async () => {
    const page = await openHome(Promise.resolve(true), apiFailure({ code: 'INTERNAL', message: '服务暂时出了点问题，请稍后重试' }));
    expect(page.data.phase).toBe('error');
    expect(page.querySelector('#open-admin')).toBeDefined();
  });

  test('anyone else, or before the app asked, does not', async () => {
    const user = await openHome(Promise.resolve(false), ok({ items: [], nextCursor: null }));
    expect(user.querySelector('#open-admin')).toBeUndefined();
    expect(textOf(user)).not.toContain('运维检查');
    const early = await openHome(undefined, ok({ items: [], nextCursor: null }));
    expect(early.data.isAdmin).toBe(false);
    expect(early.querySelector('#open-admin')).toBeUndefined();
  });
});

describe('admin page (运维检查)', () => {
  interface ItemData {
    id: string;
    status: string;
    mark: string;
    fix: string;
  }
  interface AdminData {
    phase: string;
    rechecking: boolean;
    bootstrapping: boolean;
    report: { items: ItemData[] } | null;
  }
  type AdminPage = LoadedPage<AdminData, { onLoad(query: Record<string, string>): Promise<void> }>;

  function openAdmin(): AdminPage {
    return loadPage<AdminData, { onLoad(query: Record<string, string>): Promise<void> }>('pages/admin/index');
  }

  async function openLoaded(report: DoctorReport = REPORT): Promise<AdminPage> {
    callFunction.mockResolvedValueOnce(ok(report));
    const page = openAdmin();
    await page.instance.onLoad({});
    return page;
  }

  function dialog(page: AdminPage): RenderedNode {
    const node = page.querySelector('#bootstrap-confirm');
    if (!node) throw new Error('dialog is not rendered');
    return node;
  }

  test('runs the doctor on load, showing progress meanwhile', async () => {
    const pending = deferred<CallFunctionResult>();
    callFunction.mockReturnValueOnce(pending.promise);
    const page = openAdmin();
    const loaded = page.instance.onLoad({});
    expect(actionsOf(callFunction)).toEqual(['doctor']);
    expect(textOf(page)).toContain('正在检查');
    pending.resolve(ok(REPORT));
    await loaded;
    expect(page.data.phase).toBe('ready');
  });

  test('shows each item with ✓ / ✗ / ?, its detail, and the fix only where something is to be done', async () => {
    const page = await openLoaded();
    const items = page.querySelectorAll('.item');
    // Mark, title, status tag, what was found, and the fix where there is one.
    expect(items.map((item) => text(item))).toEqual([
      '✓主密钥通过加密后能正确解密',
      '✗数据库集合未通过缺少 2 个集合：system、rateLimits处理方法点击本页下方的「初始化数据库」创建缺少的集合',
      '?数据库索引需确认云函数无法读取索引处理方法在云开发控制台 → 数据库 → 索引管理中创建',
    ]);
    expect(page.data.report?.items.map((item) => [item.id, item.status, item.mark])).toEqual([
      ['masterKey', 'pass', '✓'],
      ['collections', 'fail', '✗'],
      ['indexes', 'unknown', '?'],
    ]);
    expect(text(page.querySelector('.summary__text'))).toBe('共 3 项：1 项通过，1 项未通过，1 项需人工确认');
    expect(text(page.querySelector('.summary__time'))).toMatch(/^检查时间：2026-11-20 \d\d:30$/);
  });

  test('all passed says so', async () => {
    const page = await openLoaded(HEALTHY);
    expect(text(page.querySelector('.summary__text'))).toBe('全部 3 项通过');
    expect(page.querySelector('.summary--ok')).toBeDefined();
  });

  test('someone who is not an admin (or an old deployment) sees why, and can retry', async () => {
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'NOT_FOUND', message: '找不到这个功能' }));
    const page = openAdmin();
    await page.instance.onLoad({});
    expect(page.data.phase).toBe('error');
    expect(text(page.querySelector('.load-error'))).toBe('找不到这个功能');
    callFunction.mockResolvedValueOnce(ok(REPORT));
    await tap(page.querySelector('#retry'), '重试');
    await flushPromises();
    expect(page.data.phase).toBe('ready');
  });

  test('重新检查 replaces the report; a failed recheck keeps the last one and says why', async () => {
    const page = await openLoaded();
    callFunction.mockResolvedValueOnce(ok(HEALTHY));
    await tap(page.querySelector('#recheck'), '重新检查');
    expect(page.data.report?.items.map((i) => i.status)).toEqual(['pass', 'pass', 'pass']);
    callFunction.mockRejectedValueOnce(transportFailure());
    await tap(page.querySelector('#recheck'), '重新检查');
    expect(text(page.querySelector('.recheck-error'))).toBe('重新检查失败：网络异常，请稍后重试');
    expect(page.querySelectorAll('.item')).toHaveLength(3);
  });

  test('初始化数据库 asks first; cancelling calls nothing', async () => {
    const page = await openLoaded();
    await tap(page.querySelector('#bootstrap'), '初始化数据库');
    expect(dialog(page).data.visible).toBe(true);
    expect(dialog(page).data.title).toBe('初始化数据库？');
    await tap(dialog(page).querySelector('.t-dialog__button--cancel'), '取消');
    expect(dialog(page).data.visible).toBe(false);
    expect(actionsOf(callFunction)).toEqual(['doctor']);
  });

  test('confirmed: bootstraps, shows what happened and what is left for the console, then checks again', async () => {
    const page = await openLoaded();
    callFunction.mockResolvedValueOnce(ok(BOOTSTRAPPED)).mockResolvedValueOnce(ok(HEALTHY));
    await tap(page.querySelector('#bootstrap'), '初始化数据库');
    await tap(dialog(page).querySelector('.t-dialog__button--confirm'), '初始化');
    await flushPromises();
    expect(actionsOf(callFunction)).toEqual(['doctor', 'bootstrap', 'doctor']);
    expect(text(page.querySelector('.bootstrap-summary'))).toBe('新建了 1 个集合，1 个创建失败');
    expect(text(page.querySelector('.bootstrap-failed'))).toBe('创建失败的集合：rateLimits（errCode -501003）');
    expect(page.querySelectorAll('.step').map((step) => text(step))).toEqual(BOOTSTRAPPED.manualSteps.map((line, at) => `${at + 1}.${line}`));
    expect(text(page.querySelector('.summary__text'))).toBe('全部 3 项通过');
    expect(page.data.bootstrapping).toBe(false);
  });

  test('a failed bootstrap says why and does not check again', async () => {
    const page = await openLoaded();
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'INTERNAL', message: '服务暂时出了点问题，请稍后重试' }));
    await tap(page.querySelector('#bootstrap'), '初始化数据库');
    await tap(dialog(page).querySelector('.t-dialog__button--confirm'), '初始化');
    expect(text(page.querySelector('.bootstrap-error'))).toBe('初始化失败：服务暂时出了点问题，请稍后重试');
    expect(actionsOf(callFunction)).toEqual(['doctor', 'bootstrap']);
  });
});
