/**
 * The DNS provider keys page (DNS 服务商密钥), rendered by miniprogram-simulate with the real
 * TDesign components: the saved keys (masked fields, last test, how many certificates use each),
 * 测试连接, 删除 with a confirmation and the server's refusal inline, and the add form (provider
 * radios, that provider's fields with secrets as passwords, least-privilege advice, the key page
 * link to copy, 保存并测试 with progress, errors under each field or under the form).
 */
import type { ApiError, ApiRequest, CredentialView } from '../../typings/api';
import { formatDateTime } from '../../miniprogram/utils/certificate-view';
import { answer, apiFailure, deferred, mockCallFunction } from './support/cloud';
import type { CallFunctionMock, CallFunctionParam, CallFunctionResult } from './support/cloud';
import { DAY_MS, automationOptions, credentialView } from './support/fixtures';
import { flushPromises, loadPage, textOf } from './support/page';
import type { LoadedPage, RenderedNode } from './support/page';

interface CredentialsData {
  phase: string;
  formOpen: boolean;
  provider: string;
  fields: { key: string; value: string; error: string }[];
  saving: boolean;
  removeId: string;
}
type ValueEvent = { detail: { value: string } };
type CredentialsMethods = {
  onLoad(query?: Record<string, string>): Promise<void>;
  onFieldInput(event: ValueEvent & { currentTarget: { dataset: { key?: string } } }): void;
  onLabelInput(event: ValueEvent): void;
};
type CredentialsPage = LoadedPage<CredentialsData, CredentialsMethods>;

const NOW = Date.UTC(2026, 5, 15, 4, 0, 0);
const SECRET_ID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE';
const SECRET_KEY = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLEKEY';

type Handler = (request: Record<string, unknown>) => unknown;

/** Answers each action with its handler's data, or with the `ApiError` it returns as `{ error }`. */
function serve(callFunction: CallFunctionMock, handlers: Partial<Record<string, Handler>>): void {
  callFunction.mockImplementation((param: CallFunctionParam): Promise<CallFunctionResult> => {
    const request = param.data as ApiRequest;
    const handler = handlers[request.action];
    if (!handler) return Promise.resolve(apiFailure({ code: 'INTERNAL', message: `no answer for ${request.action}` }));
    const data = handler(request as unknown as Record<string, unknown>);
    if (typeof data === 'object' && data !== null && 'error' in data) return Promise.resolve(apiFailure((data as { error: ApiError }).error));
    return Promise.resolve(answer({ ok: true, data }));
  });
}

function requests(action: string): unknown[] {
  return callFunction.mock.calls.map(([param]) => param.data as ApiRequest).filter((request) => request.action === action);
}

async function tap(node: RenderedNode | undefined, what: string, inner = '.t-button'): Promise<void> {
  const target = inner === '' ? node : node?.querySelector(inner);
  if (!target) throw new Error(`${what} is not rendered`);
  target.dispatchEvent('tap');
  await flushPromises();
  await flushPromises();
}

function textAt(page: CredentialsPage | RenderedNode, selector: string): string {
  const node = page.querySelector(selector);
  return node ? textOf({ dom: node.dom }) : '';
}

function typeField(page: CredentialsPage, key: string, value: string): void {
  page.instance.onFieldInput({ detail: { value }, currentTarget: { dataset: { key } } });
}

function rows(page: CredentialsPage, selector: string): string[] {
  return page.querySelectorAll(selector).map((node) => textOf({ dom: node.dom }));
}

/** The `index`-th credential's button (`.test-credential` or `.remove-credential`). */
function rowButton(page: CredentialsPage, selector: string, index: number): RenderedNode | undefined {
  return page.querySelectorAll(selector)[index];
}

/** Taps the removal dialog's confirm or cancel button. */
function answerDialog(page: CredentialsPage, button: 'confirm' | 'cancel'): Promise<void> {
  return tap(page.querySelector('#remove-confirm')?.querySelector(`.t-dialog__button--${button}`), button);
}

async function pickProvider(page: CredentialsPage, id: string): Promise<void> {
  await tap(page.querySelector(`.provider--${id}`), `服务商 ${id}`, '.t-radio');
}

let callFunction: CallFunctionMock;
let setClipboardData: jest.Mock;

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['setTimeout', 'nextTick', 'setImmediate', 'queueMicrotask'], now: NOW });
  callFunction = mockCallFunction();
  setClipboardData = jest.fn((options: { success?: () => void }) => options.success?.());
  Object.assign(wx, { setClipboardData });
});

afterEach(() => {
  jest.useRealTimers();
});

const saved = (): CredentialView[] => [
  credentialView(NOW - 3_600_000),
  credentialView(NOW - DAY_MS, {
    id: 'cred-cf',
    provider: 'cloudflare',
    providerName: 'Cloudflare',
    label: 'Cloudflare',
    masked: { apiToken: '••••••••' },
    lastTest: { ok: false, at: NOW - DAY_MS, message: '连接失败：密钥不正确（或已被删除、禁用），请重新复制后再试', zones: null },
    usedBy: 0,
  }),
];

async function openPage(items: CredentialView[] = saved(), handlers: Partial<Record<string, Handler>> = {}, query: Record<string, string> = {}): Promise<CredentialsPage> {
  serve(callFunction, { listDnsProviders: () => automationOptions(), listCredentials: () => ({ items }), ...handlers });
  const page = loadPage<CredentialsData, CredentialsMethods>('pages/credentials/index');
  await page.instance.onLoad(query);
  await flushPromises();
  return page;
}

describe('credentials page (DNS 服务商密钥)', () => {
  test('reads the providers and the saved keys, showing a loading state meanwhile', async () => {
    const pending = deferred<CallFunctionResult>();
    callFunction.mockImplementation((param: CallFunctionParam) =>
      (param.data as ApiRequest).action === 'listCredentials' ? pending.promise : Promise.resolve(answer({ ok: true, data: automationOptions() })),
    );
    const page = loadPage<CredentialsData, CredentialsMethods>('pages/credentials/index');
    const loaded = page.instance.onLoad({});
    expect(textOf(page)).toContain('正在读取 DNS 服务商密钥…');
    expect(callFunction.mock.calls.map(([param]) => (param.data as ApiRequest).action).sort()).toEqual(['listCredentials', 'listDnsProviders']);
    pending.resolve(answer({ ok: true, data: { items: saved() } }));
    await loaded;
    expect(page.data.phase).toBe('ready');
  });

  test('each key: provider, label, masked fields, last test with time and reason, and its certificates', async () => {
    const page = await openPage();
    const text = textOf(page);
    expect(text).toContain('保存后不会再显示完整内容');
    expect(text).toContain('加密保存');

    const dnspod = textAt(page, '.credential--cred-dnspod');
    expect(dnspod).toContain('腾讯云 DNSPod');
    expect(dnspod).toContain('公司主账号');
    expect(rows(page, '.masked__row')).toEqual(['SecretIdAKID••••MPLE', 'SecretKey••••••••', 'API 令牌••••••••']);
    expect(dnspod).toContain(`上次测试成功 · ${formatDateTime(NOW - 3_600_000)} · 可管理 3 个域名`);
    expect(dnspod).toContain('使用中 · 1 张证书');

    const cloudflare = textAt(page, '.credential--cred-cf');
    expect(cloudflare).toContain(`上次测试失败 · ${formatDateTime(NOW - DAY_MS)}`);
    expect(cloudflare).toContain('密钥不正确');
    expect(cloudflare).toContain('没有证书在使用');
    expect(page.querySelectorAll('.last-test').map((node) => node.dom?.className.includes('error-text'))).toEqual([false, true]);

    // With keys saved, the form waits behind its button.
    expect(page.data.formOpen).toBe(false);
    expect(page.querySelector('#open-form')).toBeDefined();
  });

  test('with no keys the form is open at once and says what the keys are for', async () => {
    const page = await openPage([]);
    expect(textOf(page)).toContain('还没有保存 DNS 服务商密钥');
    expect(textOf(page)).toContain('自动添加验证用的 _acme-challenge TXT 记录');
    expect(page.data.formOpen).toBe(true);
    expect(page.querySelector('#close-form')).toBeUndefined();
  });

  test('?add=1 opens the form even with keys saved', async () => {
    const page = await openPage(saved(), {}, { add: '1' });
    expect(page.data.formOpen).toBe(true);
  });

  test('the form: provider radios, that provider’s fields with secrets as passwords, advice and key page', async () => {
    const page = await openPage([]);
    expect(page.querySelectorAll('.provider').map((node) => node.data.label)).toEqual(['腾讯云 DNSPod', '阿里云 云解析 DNS', 'Cloudflare', '华为云 云解析服务 DNS']);
    expect(page.data.provider).toBe('dnspod');
    const secretId = page.querySelector('.field-input--secretId');
    const secretKey = page.querySelector('.field-input--secretKey');
    expect(secretId?.data).toMatchObject({ label: 'SecretId', type: 'text', placeholder: 'AKID…' });
    expect(secretKey?.data).toMatchObject({ label: 'SecretKey', type: 'password', tips: '保存后不会再显示' });
    expect(textAt(page, '.advice')).toContain('QcloudDNSPodFullAccess');
    expect(textAt(page, '.key-page')).toContain('https://console.cloud.tencent.com/cam/capi');
    expect(textAt(page, '.key-page')).toContain('小程序里无法打开外部网页');

    await pickProvider(page, 'huaweicloud');
    expect(page.data.provider).toBe('huaweicloud');
    expect(page.data.fields.map((field) => field.key)).toEqual(['accessKeyId', 'secretAccessKey', 'region']);
    expect(page.querySelector('.field-input--secretAccessKey')?.data.type).toBe('password');
    expect(page.querySelector('.field-input--region')?.data.placeholder).toBe('cn-north-4');
    expect(textAt(page, '.advice')).toContain('DNS FullAccess');

    await tap(page.querySelector('#copy-key-page'), '复制链接');
    expect(setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: 'https://console.huaweicloud.com/iam/#/mine/accessKey' }));
  });

  test('保存并测试 sends the provider’s fields trimmed with the label, shows progress, then lists the key', async () => {
    const added = credentialView(NOW, { id: 'cred-new', label: '个人账号', usedBy: 0, lastTest: { ok: true, at: NOW, message: null, zones: 2 } });
    const pending = deferred<CallFunctionResult>();
    const page = await openPage([]);
    typeField(page, 'secretId', ` ${SECRET_ID} `);
    typeField(page, 'secretKey', SECRET_KEY);
    page.instance.onLabelInput({ detail: { value: ' 个人账号 ' } });

    callFunction.mockImplementationOnce(() => pending.promise);
    await tap(page.querySelector('#save'), '保存并测试');
    expect(requests('addCredential')).toEqual([
      { action: 'addCredential', provider: 'dnspod', label: '个人账号', fields: { secretId: SECRET_ID, secretKey: SECRET_KEY } },
    ]);
    expect(page.data.saving).toBe(true);
    expect(page.querySelector('#save')?.data.loading).toBe(true);
    expect(textAt(page, '.saving-text')).toContain('正在用这组密钥连接腾讯云 DNSPod');

    pending.resolve(answer({ ok: true, data: added }));
    await flushPromises();
    expect(page.data.saving).toBe(false);
    expect(page.data.formOpen).toBe(false);
    expect(textAt(page, '.saved-message')).toBe('已保存“个人账号”，连接测试成功，可管理 2 个域名');
    expect(textAt(page, '.credential--cred-new')).toContain('AKID••••MPLE');
    // Nothing typed stays on the page.
    expect(page.data.fields.every((field) => field.value === '')).toBe(true);
    expect(JSON.stringify(page.data)).not.toContain(SECRET_KEY);
  });

  test('without a label none is sent; empty fields are asked for and nothing is sent', async () => {
    const page = await openPage([], { addCredential: () => credentialView(NOW, { id: 'cred-cf', provider: 'cloudflare', providerName: 'Cloudflare', label: 'Cloudflare' }) });
    await pickProvider(page, 'cloudflare');
    await tap(page.querySelector('#save'), '保存并测试');
    expect(requests('addCredential')).toEqual([]);
    expect(textAt(page, '.field-error--apiToken')).toBe('请填写API 令牌');

    typeField(page, 'apiToken', 'cf-token-0123456789abcdefghijklmnopqrstu');
    expect(page.querySelector('.field-error--apiToken')).toBeUndefined();
    await tap(page.querySelector('#save'), '保存并测试');
    expect(requests('addCredential')).toEqual([{ action: 'addCredential', provider: 'cloudflare', fields: { apiToken: 'cf-token-0123456789abcdefghijklmnopqrstu' } }]);
  });

  test('a refused field is shown under that field', async () => {
    const page = await openPage([], {
      addCredential: () => ({
        error: {
          code: 'INVALID_REQUEST',
          message: '请求不符合要求',
          field: 'fields.secretKey',
          violations: [{ field: 'fields.secretKey', rule: 'credentialField', message: 'SecretKey 格式不对：请从服务商控制台完整复制，不要带空格' }],
        },
      }),
    });
    typeField(page, 'secretId', SECRET_ID);
    typeField(page, 'secretKey', 'bad key');
    await tap(page.querySelector('#save'), '保存并测试');
    expect(textAt(page, '.field-error--secretKey')).toBe('SecretKey 格式不对：请从服务商控制台完整复制，不要带空格');
    expect(page.querySelector('.field-input--secretKey')?.data.status).toBe('error');
    expect(page.querySelector('.field-error--secretId')).toBeUndefined();
    expect(page.querySelector('.form-error')).toBeUndefined();
    expect(page.data.formOpen).toBe(true);
  });

  test('a failed connection is shown under the form, the typed values kept', async () => {
    const page = await openPage([], {
      addCredential: () => ({ error: { code: 'INVALID_REQUEST', message: '连接成功，但这组密钥没有管理解析记录的权限：请按说明授予 DNS 解析权限', field: 'fields' } }),
    });
    typeField(page, 'secretId', SECRET_ID);
    typeField(page, 'secretKey', SECRET_KEY);
    await tap(page.querySelector('#save'), '保存并测试');
    expect(textAt(page, '.form-error')).toBe('连接成功，但这组密钥没有管理解析记录的权限：请按说明授予 DNS 解析权限');
    expect(page.querySelectorAll('.field-error')).toHaveLength(0);
    expect(page.data.fields.map((field) => field.value)).toEqual([SECRET_ID, SECRET_KEY]);
    expect(page.data.saving).toBe(false);
  });

  test('other refusals (too many keys) are shown under the form with 保存失败', async () => {
    const page = await openPage([], { addCredential: () => ({ error: { code: 'CONFLICT', message: '最多保存 10 组 DNS 服务商密钥，请先删除不用的' } }) });
    typeField(page, 'secretId', SECRET_ID);
    typeField(page, 'secretKey', SECRET_KEY);
    await tap(page.querySelector('#save'), '保存并测试');
    expect(textAt(page, '.form-error')).toBe('保存失败：最多保存 10 组 DNS 服务商密钥，请先删除不用的');
  });

  test('测试连接 tests again and shows the new outcome; a refused test says why under that key', async () => {
    let answerWith: unknown = credentialView(NOW, { lastTest: { ok: false, at: NOW, message: '服务商限制了请求频率，请稍后再试', zones: null } });
    const page = await openPage(saved(), { testCredential: () => answerWith });
    await tap(rowButton(page, '.test-credential', 0), '测试连接');
    expect(requests('testCredential')).toEqual([{ action: 'testCredential', credentialId: 'cred-dnspod' }]);
    const row = textAt(page, '.credential--cred-dnspod');
    expect(row).toContain(`上次测试失败 · ${formatDateTime(NOW)}`);
    expect(row).toContain('服务商限制了请求频率');

    answerWith = { error: { code: 'RATE_LIMITED', message: '操作太频繁，请在 1 分钟后再试' } };
    await tap(rowButton(page, '.test-credential', 1), '测试连接');
    expect(textAt(page, '.credential--cred-cf')).toContain('测试失败：操作太频繁，请在 1 分钟后再试');
    expect(textAt(page, '.credential--cred-dnspod')).not.toContain('测试失败：');
  });

  test('删除 asks first; confirming removes the key', async () => {
    const page = await openPage(saved(), { removeCredential: () => ({ deleted: true }) });
    await tap(rowButton(page, '.remove-credential', 1), '删除');
    expect(page.querySelector('#remove-confirm')?.data.visible).toBe(true);
    expect(page.querySelector('#remove-confirm')?.data.content).toContain('“Cloudflare”');
    expect(requests('removeCredential')).toEqual([]);

    await answerDialog(page, 'confirm');
    expect(requests('removeCredential')).toEqual([{ action: 'removeCredential', credentialId: 'cred-cf' }]);
    expect(page.querySelector('.credential--cred-cf')).toBeUndefined();
    expect(page.querySelectorAll('.credential')).toHaveLength(1);
  });

  test('删除 cancelled sends nothing', async () => {
    const page = await openPage();
    await tap(rowButton(page, '.remove-credential', 1), '删除');
    await answerDialog(page, 'cancel');
    expect(page.data.removeId).toBe('');
    expect(requests('removeCredential')).toEqual([]);
  });

  test('删除 of a key certificates still use shows the CONFLICT message under it and keeps it', async () => {
    const page = await openPage(saved(), {
      removeCredential: () => ({ error: { code: 'CONFLICT', message: '有 1 张证书正在用这组密钥自动验证，请先把它们改为其他验证方式' } }),
    });
    await tap(rowButton(page, '.remove-credential', 0), '删除');
    await answerDialog(page, 'confirm');
    expect(textAt(page, '.credential--cred-dnspod')).toContain('删除失败：有 1 张证书正在用这组密钥自动验证，请先把它们改为其他验证方式');
    expect(page.querySelectorAll('.credential')).toHaveLength(2);
  });

  test('a load failure shows the message and 重试 reads again', async () => {
    serve(callFunction, { listDnsProviders: () => ({ error: { code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' } }), listCredentials: () => ({ items: [] }) });
    const page = loadPage<CredentialsData, CredentialsMethods>('pages/credentials/index');
    await page.instance.onLoad({});
    expect(page.data.phase).toBe('error');
    expect(textAt(page, '.load-error')).toBe('服务暂时不可用，请稍后重试');

    serve(callFunction, { listDnsProviders: () => automationOptions(), listCredentials: () => ({ items: saved() }) });
    await tap(page.querySelector('#retry'), '重试');
    expect(page.data.phase).toBe('ready');
    expect(page.querySelectorAll('.credential')).toHaveLength(2);
  });
});
