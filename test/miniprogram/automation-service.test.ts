/**
 * `services/automation.ts`: each function sends its action with the right payload through
 * `wx.cloud.callFunction` and returns the data; refusals come back as `ApiCallError` with the
 * field the server named.
 */
import {
  addCredential,
  listCredentials,
  listDnsProviders,
  removeCredential,
  setAutomation,
  testCredential,
  verifyAutomation,
} from '../../miniprogram/services/automation';
import { ApiCallError } from '../../miniprogram/services/cloud';
import { answer, apiFailure, mockCallFunction } from './support/cloud';
import type { CallFunctionMock } from './support/cloud';
import { automationOptions, cnameAutomation, credentialView } from './support/fixtures';

const NOW = Date.UTC(2026, 5, 15, 4, 0, 0);

describe('automation service', () => {
  let callFunction: CallFunctionMock;

  beforeEach(() => {
    callFunction = mockCallFunction();
    callFunction.mockResolvedValue(answer({ ok: true, data: { marker: true } }));
  });

  function sent(): unknown {
    return callFunction.mock.calls.at(-1)?.[0];
  }

  test('each action with its payload', async () => {
    await expect(listDnsProviders()).resolves.toEqual({ marker: true });
    expect(sent()).toEqual({ name: 'api', data: { action: 'listDnsProviders' } });

    await addCredential({ provider: 'dnspod', label: '主账号', fields: { secretId: 'AKIDexample0000001', secretKey: 'k'.repeat(32) } });
    expect(sent()).toEqual({
      name: 'api',
      data: { action: 'addCredential', provider: 'dnspod', label: '主账号', fields: { secretId: 'AKIDexample0000001', secretKey: 'k'.repeat(32) } },
    });

    await addCredential({ provider: 'cloudflare', fields: { apiToken: 't'.repeat(40) } });
    expect(sent()).toEqual({ name: 'api', data: { action: 'addCredential', provider: 'cloudflare', fields: { apiToken: 't'.repeat(40) } } });

    await testCredential('cred-1');
    expect(sent()).toEqual({ name: 'api', data: { action: 'testCredential', credentialId: 'cred-1' } });

    await removeCredential('cred-1');
    expect(sent()).toEqual({ name: 'api', data: { action: 'removeCredential', credentialId: 'cred-1' } });

    await setAutomation('cert-1', { kind: 'dnsProvider', credentialId: 'cred-1' });
    expect(sent()).toEqual({ name: 'api', data: { action: 'setAutomation', certificateId: 'cert-1', automation: { kind: 'dnsProvider', credentialId: 'cred-1' } } });

    await setAutomation('cert-1', { kind: 'cnameDelegation' });
    expect(sent()).toEqual({ name: 'api', data: { action: 'setAutomation', certificateId: 'cert-1', automation: { kind: 'cnameDelegation' } } });

    await setAutomation('cert-1', { kind: 'manual' });
    expect(sent()).toEqual({ name: 'api', data: { action: 'setAutomation', certificateId: 'cert-1', automation: { kind: 'manual' } } });

    await verifyAutomation('cert-1');
    expect(sent()).toEqual({ name: 'api', data: { action: 'verifyAutomation', certificateId: 'cert-1' } });
  });

  test('listCredentials answers the list itself', async () => {
    const items = [credentialView(NOW), credentialView(NOW, { id: 'cred-cf', provider: 'cloudflare', providerName: 'Cloudflare', label: 'Cloudflare' })];
    callFunction.mockResolvedValueOnce(answer({ ok: true, data: { items } }));
    await expect(listCredentials()).resolves.toEqual(items);
    expect(sent()).toEqual({ name: 'api', data: { action: 'listCredentials' } });
  });

  test('the contract’s shapes come back as they are', async () => {
    callFunction.mockResolvedValueOnce(answer({ ok: true, data: automationOptions() }));
    await expect(listDnsProviders()).resolves.toMatchObject({ delegationZone: 'acme.certkeeper.cn', providers: expect.arrayContaining([expect.objectContaining({ id: 'dnspod' })]) });
    callFunction.mockResolvedValueOnce(answer({ ok: true, data: cnameAutomation({ automatic: true, verifiedAt: NOW }) }));
    await expect(verifyAutomation('cert-1')).resolves.toMatchObject({ kind: 'cnameDelegation', automatic: true, verifiedAt: NOW });
  });

  test('a key the vendor refuses arrives as INVALID_REQUEST on `fields`', async () => {
    callFunction.mockResolvedValueOnce(
      apiFailure({ code: 'INVALID_REQUEST', message: '连接失败：密钥不正确（或已被删除、禁用），请重新复制后再试', field: 'fields' }),
    );
    const error: unknown = await addCredential({ provider: 'dnspod', fields: { secretId: 'x', secretKey: 'y' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', field: 'fields', message: expect.stringContaining('密钥不正确') });
  });

  test('a key still in use arrives as CONFLICT with the server’s message', async () => {
    callFunction.mockResolvedValueOnce(apiFailure({ code: 'CONFLICT', message: '有 2 张证书正在用这组密钥自动验证，请先把它们改为其他验证方式' }));
    const error: unknown = await removeCredential('cred-1').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('有 2 张证书') });
  });
});
