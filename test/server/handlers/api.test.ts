import { handleApi, type ApiDependencies } from '../../../server/handlers/api';
import { recordingLogger } from '../support/recording-logger';

const NOW = 1_795_000_000_000;

function deps({ openId }: { openId: string | undefined } = { openId: 'o_user_1' }) {
  const logger = recordingLogger();
  const value: ApiDependencies = { openId, clock: { now: () => NOW }, logger };
  return { deps: value, logger };
}

describe('api dispatcher', () => {
  test('ping answers with the platform identity and the server time', async () => {
    const { deps: d, logger } = deps();
    expect(await handleApi({ action: 'ping' }, d)).toEqual({ ok: true, data: { openId: 'o_user_1', serverTime: NOW, isAdmin: false } });
    expect(logger.entries).toEqual([{ level: 'info', event: 'api.ok', fields: { action: 'ping', ms: 0 } }]);
  });

  test('identity comes only from the platform: an openId or userInfo in the event is not used', async () => {
    const { deps: d } = deps();
    const forged = { action: 'ping', userInfo: { openId: 'o_attacker', appId: 'wx1' } };
    expect(await handleApi(forged, d)).toMatchObject({ ok: true, data: { openId: 'o_user_1' } });
    expect(await handleApi({ action: 'ping', openId: 'o_attacker' }, d)).toEqual({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: '不认识的字段 openId', field: 'openId' },
    });
  });

  test('a call without a platform identity is refused', async () => {
    const { deps: d, logger } = deps({ openId: undefined });
    const response = await handleApi({ action: 'ping' }, d);
    expect(response).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('微信身份') } });
    expect(logger.entries[0]).toMatchObject({ level: 'warn', event: 'api.rejected', fields: { code: 'UNAUTHENTICATED' } });
  });

  test.each([
    [null, 'INVALID_REQUEST', undefined],
    ['ping', 'INVALID_REQUEST', undefined],
    [[{ action: 'ping' }], 'INVALID_REQUEST', undefined],
    [{}, 'INVALID_REQUEST', 'action'],
    [{ action: 42 }, 'INVALID_REQUEST', 'action'],
    [{ action: 'dropTables' }, 'UNKNOWN_ACTION', 'action'],
    [{ action: 'constructor' }, 'UNKNOWN_ACTION', 'action'],
    [{ action: 'toString' }, 'UNKNOWN_ACTION', 'action'],
  ])('%p is rejected as %s (field %p) with a Chinese message', async (event, code, field) => {
    const { deps: d } = deps();
    const response = await handleApi(event, d);
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error.code).toBe(code);
    expect(response.error.field).toBe(field);
    expect(response.error.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  test('an unexpected failure becomes INTERNAL without leaking its message, and is logged in English', async () => {
    const logger = recordingLogger();
    const clock = {
      calls: 0,
      now() {
        if (++this.calls === 2) throw new Error('clock exploded: secret=abc');
        return NOW;
      },
    };
    const response = await handleApi({ action: 'ping' }, { openId: 'o1', clock, logger });
    expect(response).toEqual({ ok: false, error: { code: 'INTERNAL', message: '服务暂时出了点问题，请稍后重试' } });
    expect(JSON.stringify(response)).not.toContain('secret');
    expect(logger.entries).toEqual([
      { level: 'error', event: 'api.failed', fields: { action: 'ping', error: 'Error: clock exploded: secret=abc' } },
    ]);
  });
});
