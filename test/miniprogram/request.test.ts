/**
 * The request wizard, rendered by miniprogram-simulate with the real TDesign components: names
 * validated inline with the shared domain rules, CA / key / validation choices, the exact
 * `createRequest` payload, and server refusals shown next to their fields.
 */
import type { CredentialView, OrderView } from '../../typings/api';
import { describeNameViolation } from '../../miniprogram/shared/names.messages.zh';
import { CA_INPUT_MESSAGES } from '../../miniprogram/shared/ca.messages.zh';
import { answer, apiFailure, mockCallFunction } from './support/cloud';
import type { CallFunctionMock } from './support/cloud';
import { credentialView } from './support/fixtures';
import { flushPromises, loadPage, textOf } from './support/page';
import type { LoadedPage, RenderedNode } from './support/page';

interface RequestData {
  step: number;
  validation: string;
  keyChoice: string;
  hasWildcard: boolean;
  rows: { value: string; error: string; idn: string }[];
  useCredential: boolean;
  credentialId: string;
}
type ValueEvent = { detail: { value: string } };
type RequestMethods = {
  onNameChange(event: ValueEvent & { currentTarget: { dataset: { index: number } } }): void;
  onCaChange(event: ValueEvent): void;
  onEabKidChange(event: ValueEvent): void;
  onEabHmacKeyChange(event: ValueEvent): void;
  onKeyChange(event: ValueEvent): void;
  onCsrChange(event: ValueEvent): void;
  onValidationChange(event: ValueEvent): void;
  onLoad(): Promise<void>;
  onShow(): void;
  onAutomationToggle(event: { detail: { value: boolean } }): void;
};
type RequestPage = LoadedPage<RequestData, RequestMethods>;

const HMAC = 'c2VjcmV0LWhtYWMta2V5LWZyb20tdGhlLWNh_0123456789';
const CSR = '-----BEGIN CERTIFICATE REQUEST-----\nMIIBszCCAVkCAQAwFjEUMBIGA1UEAwwLZXhhbXBsZS5jb20=\n-----END CERTIFICATE REQUEST-----';

function openRequest(): RequestPage {
  return loadPage<RequestData, RequestMethods>('pages/request/index');
}

/** Taps a TDesign button the way a finger does: on its inner `.t-button`. */
async function tap(node: RenderedNode | undefined, what: string): Promise<void> {
  const inner = node?.querySelector('.t-button');
  if (!inner) throw new Error(`${what} is not rendered`);
  inner.dispatchEvent('tap');
  // simulate delivers the component's `tap` to the page asynchronously.
  await flushPromises();
}

function tapNext(page: RequestPage): Promise<void> {
  return tap(page.querySelector('#next'), '下一步');
}

function typeName(page: RequestPage, index: number, value: string): void {
  page.instance.onNameChange({ detail: { value }, currentTarget: { dataset: { index } } });
}

function orderView(id: string): OrderView {
  return {
    id,
    certificateId: 'cert1',
    state: 'created',
    progress: 'created',
    names: ['example.com'],
    displayNames: ['example.com'],
    validation: 'dns-01',
    dnsInstructions: [],
    httpInstructions: [],
    selfCheck: null,
    lastError: null,
    nextActionAt: null,
    caExpiresAt: null,
  };
}

describe('request page', () => {
  let callFunction: CallFunctionMock;
  let redirectTo: jest.Mock;
  let setClipboardData: jest.Mock;

  beforeEach(() => {
    callFunction = mockCallFunction();
    redirectTo = jest.fn();
    setClipboardData = jest.fn((options: { success?: () => void }) => options.success?.());
    Object.assign(wx, { redirectTo, setClipboardData });
  });

  test('starts on the names step with the ICP and WeChat server-domain notes', async () => {
    const page = openRequest();
    const text = textOf(page);
    expect(page.data.step).toBe(0);
    expect(text).toContain('ICP 备案');
    expect(text).toContain('只能使用 https');
    expect(text).toContain('不能使用 IP 地址');
    expect(text).toContain('确切的子域名');
    expect(text).toContain(':443');
  });

  test('shows the broken rule of a bad name inline, in Chinese, and offers the host of a URL', async () => {
    const page = openRequest();
    typeName(page, 0, 'https://www.example.com/path');

    const expected = describeNameViolation({ input: 'https://www.example.com/path', rule: 'urlOrPath', params: { suggestion: 'www.example.com' } });
    expect(page.querySelector('.name-error')?.dom?.textContent).toBe(expected);
    expect(expected).toContain('看起来是网址');

    await tap(page.querySelector('.use-suggestion'), '改为');
    expect(page.data.rows[0]?.value).toBe('www.example.com');
    expect(page.querySelector('.name-error')).toBeUndefined();
  });

  test('flags duplicates and names a wildcard already covers, and blocks 下一步', async () => {
    const page = openRequest();
    await tap(page.querySelector('#add-name'), '添加域名');
    await tap(page.querySelector('#add-name'), '添加域名');
    typeName(page, 0, '*.example.com');
    typeName(page, 1, 'www.example.com');
    typeName(page, 2, 'WWW.example.com');

    expect(page.data.rows.map((row) => row.error)).toEqual(['', expect.stringContaining('已被通配符'), expect.stringContaining('是同一个域名')]);
    await tapNext(page);
    expect(page.data.step).toBe(0);
  });

  test('shows both forms of an internationalised name', async () => {
    const page = openRequest();
    typeName(page, 0, '中国.cn');
    expect(textOf(page)).toContain('中国.cn ↔ xn--fiqs8s.cn');
    typeName(page, 0, 'xn--fiqs8s.cn');
    expect(textOf(page)).toContain('中国.cn ↔ xn--fiqs8s.cn');
  });

  test('an empty name is refused on 下一步, not while typing', async () => {
    const page = openRequest();
    expect(page.querySelector('.name-error')).toBeUndefined();
    await tapNext(page);
    expect(page.data.step).toBe(0);
    expect(textOf(page)).toContain('域名不能为空');
  });

  test('a wildcard forces DNS validation and says why', async () => {
    const page = openRequest();
    typeName(page, 0, '*.example.com');
    expect(textOf(page)).toContain('通配符证书只能使用 DNS 验证');
    await tapNext(page); // → CA
    await tapNext(page); // → key
    await tapNext(page); // → validation
    expect(page.data.step).toBe(3);
    expect(textOf(page)).toContain('CA 规定通配符证书必须通过 DNS TXT 记录验证');

    page.instance.onValidationChange({ detail: { value: 'http-01' } });
    expect(page.data.validation).toBe('dns-01');
  });

  test('ZeroSSL needs EAB: 下一步 without it shows the rule, and the help link copies', async () => {
    const page = openRequest();
    typeName(page, 0, 'example.com');
    await tapNext(page);
    page.instance.onCaChange({ detail: { value: 'zerossl' } });
    expect(textOf(page)).toContain('需要 EAB');
    expect(textOf(page)).toContain('https://app.zerossl.com/developer');

    await tapNext(page);
    expect(page.data.step).toBe(1);
    expect(page.querySelector('.eab-error')?.dom?.textContent).toBe(CA_INPUT_MESSAGES.eabMissing);

    await tap(page.querySelector('#copy-eab-link'), '复制链接');
    expect(setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: 'https://app.zerossl.com/developer' }));

    page.instance.onEabKidChange({ detail: { value: 'kid-1' } });
    page.instance.onEabHmacKeyChange({ detail: { value: 'short' } });
    await tapNext(page);
    expect(page.querySelector('.eab-hmac-error')?.dom?.textContent).toBe(CA_INPUT_MESSAGES.eabHmacInvalid);

    page.instance.onEabHmacKeyChange({ detail: { value: HMAC } });
    await tapNext(page);
    expect(page.data.step).toBe(2);
  });

  test('test CAs are marked untrusted and the DV/OV/EV guidance is shown', async () => {
    const page = openRequest();
    typeName(page, 0, 'example.com');
    await tapNext(page);
    const text = textOf(page);
    expect(text).toContain('Let\'s Encrypt 测试环境');
    expect(text).toContain('不受浏览器信任');
    expect(text).toContain('DV 域名验证型');
    expect(text).toContain('OV / EV 组织验证型');
    expect(text).toContain('数天');
  });

  test('a CSR goes in a textarea, is checked for PEM, and replaces the key type', async () => {
    const page = openRequest();
    typeName(page, 0, 'example.com');
    await tapNext(page);
    await tapNext(page);
    expect(page.data.step).toBe(2);
    expect(textOf(page)).toContain('ECDSA P-256（推荐）');
    expect(page.querySelector('.csr-input')).toBeUndefined();

    page.instance.onKeyChange({ detail: { value: 'csr' } });
    expect(page.querySelector('.csr-input')).toBeDefined();
    await tapNext(page);
    expect(page.querySelector('.csr-error')?.dom?.textContent).toBe('请粘贴 CSR 的完整内容');

    page.instance.onCsrChange({ detail: { value: 'not a csr' } });
    expect(page.querySelector('.csr-error')?.dom?.textContent).toContain('不是 PEM 格式的 CSR');
    await tapNext(page);
    expect(page.data.step).toBe(2);

    page.instance.onCsrChange({ detail: { value: CSR } });
    expect(page.querySelector('.csr-error')).toBeUndefined();
    await tapNext(page);
    await tapNext(page);
    callFunction.mockResolvedValueOnce(answer({ ok: true, data: { certificateId: 'cert1', order: orderView('ord1') } }));
    await tap(page.querySelector('#submit'), '提交');

    expect(callFunction).toHaveBeenCalledWith({
      name: 'api',
      data: { action: 'createRequest', names: ['example.com'], caId: 'letsencrypt', validation: 'dns-01', csrPem: CSR },
    });
  });

  test('submits the exact payload, shows a summary first, and opens the order page', async () => {
    const page = openRequest();
    await tap(page.querySelector('#add-name'), '添加域名');
    await tap(page.querySelector('#add-name'), '添加域名');
    typeName(page, 0, ' Example.COM ');
    typeName(page, 1, '*.example.com');
    typeName(page, 2, '中国.cn');
    await tapNext(page);
    page.instance.onCaChange({ detail: { value: 'zerossl' } });
    page.instance.onEabKidChange({ detail: { value: ' kid-1 ' } });
    page.instance.onEabHmacKeyChange({ detail: { value: HMAC } });
    await tapNext(page);
    page.instance.onKeyChange({ detail: { value: 'ec-p384' } });
    await tapNext(page);
    await tapNext(page);

    expect(page.data.step).toBe(4);
    const summary = textOf(page);
    expect(summary).toContain('example.com、*.example.com、中国.cn');
    expect(summary).toContain('ZeroSSL');
    expect(summary).toContain('ECDSA P-384');
    expect(summary).toContain('DNS 验证（TXT 记录）');
    expect(callFunction).not.toHaveBeenCalled();

    callFunction.mockResolvedValueOnce(answer({ ok: true, data: { certificateId: 'cert1', order: orderView('ord42') } }));
    await tap(page.querySelector('#submit'), '提交');

    expect(callFunction).toHaveBeenCalledTimes(1);
    expect(callFunction).toHaveBeenCalledWith({
      name: 'api',
      data: {
        action: 'createRequest',
        names: ['example.com', '*.example.com', 'xn--fiqs8s.cn'],
        caId: 'zerossl',
        validation: 'dns-01',
        keyType: 'ec-p384',
        eab: { kid: 'kid-1', hmacKey: HMAC },
      },
    });
    expect(redirectTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/order/index?id=ord42&created=1' }));
  });

  test('file validation is sent when chosen for names without a wildcard', async () => {
    const page = openRequest();
    typeName(page, 0, 'www.example.com');
    await tapNext(page);
    await tapNext(page);
    await tapNext(page);
    page.instance.onValidationChange({ detail: { value: 'http-01' } });
    await tapNext(page);
    callFunction.mockResolvedValueOnce(answer({ ok: true, data: { certificateId: 'cert1', order: orderView('ord1') } }));
    await tap(page.querySelector('#submit'), '提交');
    expect(callFunction).toHaveBeenCalledWith({
      name: 'api',
      data: { action: 'createRequest', names: ['www.example.com'], caId: 'letsencrypt', validation: 'http-01', keyType: 'ec-p256' },
    });
  });

  test('server violations are shown next to their fields, on the first step that has one', async () => {
    const page = openRequest();
    await tap(page.querySelector('#add-name'), '添加域名');
    typeName(page, 0, 'example.com');
    typeName(page, 1, 'www.example.com');
    await tapNext(page);
    page.instance.onCaChange({ detail: { value: 'google' } });
    page.instance.onEabKidChange({ detail: { value: 'kid-1' } });
    page.instance.onEabHmacKeyChange({ detail: { value: HMAC } });
    await tapNext(page);
    await tapNext(page);
    await tapNext(page);

    callFunction.mockResolvedValueOnce(apiFailure({
      code: 'INVALID_REQUEST',
      message: '有 2 处需要修改',
      field: 'names[1]',
      violations: [
        { field: 'names[1]', rule: 'caaForbids', message: 'www.example.com 的 CAA 记录不允许这家 CA 签发' },
        { field: 'eab.kid', rule: 'eabRejected', message: 'CA 不认这个 EAB Key ID：请在控制台重新复制' },
      ],
    }));
    await tap(page.querySelector('#submit'), '提交');

    expect(page.data.step).toBe(0);
    expect(page.data.rows[1]?.error).toBe('www.example.com 的 CAA 记录不允许这家 CA 签发');
    expect(textOf(page)).toContain('www.example.com 的 CAA 记录不允许这家 CA 签发');

    await tapNext(page);
    expect(page.data.step).toBe(1);
    expect(page.querySelector('.eab-kid-error')?.dom?.textContent).toBe('CA 不认这个 EAB Key ID：请在控制台重新复制');
    expect(redirectTo).not.toHaveBeenCalled();
  });

  test('a refusal without a field is shown above the buttons', async () => {
    const page = openRequest();
    typeName(page, 0, 'example.com');
    await tapNext(page);
    await tapNext(page);
    await tapNext(page);
    await tapNext(page);
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'RATE_LIMITED', message: '申请太频繁，请稍后再试' }));
    await tap(page.querySelector('#submit'), '提交');
    expect(page.data.step).toBe(4);
    expect(page.querySelector('.submit-error')?.dom?.textContent).toBe('申请太频繁，请稍后再试');
  });

  describe('用 DNS 服务商密钥自动完成验证', () => {
    const NOW = Date.UTC(2026, 5, 15, 4, 0, 0);
    const keys = (): CredentialView[] => [
      credentialView(NOW, { id: 'cred-cf', provider: 'cloudflare', providerName: 'Cloudflare', label: '个人', lastTest: { ok: false, at: NOW, message: '连接失败：密钥不正确', zones: null } }),
      credentialView(NOW),
    ];

    /** Opens the wizard (which reads the saved keys) and walks to the validation step for `name`. */
    async function toValidation(name: string, items: CredentialView[] | null = keys()): Promise<RequestPage> {
      if (items === null) callFunction.mockResolvedValueOnce(apiFailure({ code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' }));
      else callFunction.mockResolvedValueOnce(answer({ ok: true, data: { items } }));
      const page = openRequest();
      await page.instance.onLoad();
      await flushPromises();
      expect(callFunction).toHaveBeenCalledWith({ name: 'api', data: { action: 'listCredentials' } });
      typeName(page, 0, name);
      await tapNext(page);
      await tapNext(page);
      await tapNext(page);
      expect(page.data.step).toBe(3);
      return page;
    }

    async function submit(page: RequestPage): Promise<unknown> {
      await tapNext(page);
      expect(page.data.step).toBe(4);
      callFunction.mockResolvedValueOnce(answer({ ok: true, data: { certificateId: 'cert1', order: orderView('ord7') } }));
      await tap(page.querySelector('#submit'), '提交');
      return callFunction.mock.calls.at(-1)?.[0];
    }

    test('offered for DNS validation, on with the first key that worked; the chosen key is sent as automation', async () => {
      const page = await toValidation('*.example.com');
      expect(textOf(page)).toContain('用 DNS 服务商密钥自动完成验证');
      expect(page.querySelector('.automation-switch')?.data.value).toBe(true);
      expect(page.querySelectorAll('.credential').map((node) => node.data.label)).toEqual(['Cloudflare · 个人', '腾讯云 DNSPod · 公司主账号']);
      expect(page.data.credentialId).toBe('cred-dnspod');
      expect(textOf(page)).toContain('上次测试失败：连接失败：密钥不正确');

      const radio = page.querySelector('.credential--cred-cf')?.querySelector('.t-radio');
      if (!radio) throw new Error('Cloudflare key is not rendered');
      radio.dispatchEvent('tap');
      await flushPromises();
      expect(page.data.credentialId).toBe('cred-cf');

      await tapNext(page);
      expect(textOf(page)).toContain('自动验证');
      expect(textOf(page)).toContain('Cloudflare · 个人');
      callFunction.mockResolvedValueOnce(answer({ ok: true, data: { certificateId: 'cert1', order: orderView('ord7') } }));
      await tap(page.querySelector('#submit'), '提交');
      expect(callFunction.mock.calls.at(-1)?.[0]).toEqual({
        name: 'api',
        data: {
          action: 'createRequest',
          names: ['*.example.com'],
          caId: 'letsencrypt',
          validation: 'dns-01',
          keyType: 'ec-p256',
          automation: { kind: 'dnsProvider', credentialId: 'cred-cf' },
        },
      });
      expect(redirectTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/order/index?id=ord7&created=1' }));
    });

    test('switched off, the request is the manual one', async () => {
      const page = await toValidation('example.com');
      page.instance.onAutomationToggle({ detail: { value: false } });
      expect(page.querySelector('.credential-options')).toBeUndefined();
      expect(await submit(page)).toEqual({
        name: 'api',
        data: { action: 'createRequest', names: ['example.com'], caId: 'letsencrypt', validation: 'dns-01', keyType: 'ec-p256' },
      });
    });

    test('file validation hides the option and sends no automation', async () => {
      const page = await toValidation('www.example.com');
      page.instance.onValidationChange({ detail: { value: 'http-01' } });
      expect(page.querySelector('.automation')).toBeUndefined();
      expect(await submit(page)).toEqual({
        name: 'api',
        data: { action: 'createRequest', names: ['www.example.com'], caId: 'letsencrypt', validation: 'http-01', keyType: 'ec-p256' },
      });
    });

    test('without saved keys, a line says what keys do and links to adding one', async () => {
      const navigateTo = jest.fn();
      Object.assign(wx, { navigateTo });
      const page = await toValidation('example.com', []);
      expect(page.querySelector('.automation')).toBeUndefined();
      expect(textOf(page)).toContain('可以自动完成验证和续期');
      await tap(page.querySelector('#open-credentials'), '添加密钥');
      expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/credentials/index?add=1' }));

      // Back with a key: offered, and on.
      callFunction.mockResolvedValueOnce(answer({ ok: true, data: { items: [credentialView(NOW)] } }));
      page.instance.onShow();
      page.instance.onShow();
      await flushPromises();
      expect(page.querySelector('.automation-switch')?.data.value).toBe(true);
      expect(page.data.credentialId).toBe('cred-dnspod');
    });

    test('when the keys cannot be read the wizard goes on as before', async () => {
      const page = await toValidation('example.com', null);
      expect(page.querySelector('.automation')).toBeUndefined();
      expect(page.querySelector('.credentials-hint')).toBeUndefined();
      expect(await submit(page)).toEqual({
        name: 'api',
        data: { action: 'createRequest', names: ['example.com'], caId: 'letsencrypt', validation: 'dns-01', keyType: 'ec-p256' },
      });
    });

    test('a refused key is shown under the picker on the validation step', async () => {
      const page = await toValidation('example.com');
      await tapNext(page);
      callFunction.mockResolvedValueOnce(
        apiFailure({ code: 'INVALID_REQUEST', message: '请求不符合要求', field: 'automation.credentialId', violations: [{ field: 'automation.credentialId', rule: 'notFound', message: '找不到这组 DNS 服务商密钥，请重新选择' }] }),
      );
      await tap(page.querySelector('#submit'), '提交');
      expect(page.data.step).toBe(3);
      expect(page.querySelector('.automation-error')?.dom?.textContent).toBe('找不到这组 DNS 服务商密钥，请重新选择');
      expect(redirectTo).not.toHaveBeenCalled();
    });
  });
});
