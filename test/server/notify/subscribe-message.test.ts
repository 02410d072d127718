/**
 * Subscription messages: `templateData` output sent through `CloudSubscribeMessageSender` to the
 * openapi double, which checks values with its own reading of WeChat's rules.
 */
import { CloudSubscribeMessageSender } from '../../../server/adapters/wechat/subscribe-message';
import type { MessageField, OutgoingMessage } from '../../../server/domain/notification';
import { templateData } from '../../../server/domain/subscribe-message';
import { SubscribeMessageError, type SubscribeMessageInput } from '../../../server/ports/notify';
import { OpenApiDouble } from '../support/openapi-double';

const OPENID = 'o_user_1';
const EXPIRY = 'tmpl_expiry';
const RESULT = 'tmpl_result';
const EXPIRY_MAPPING: Record<string, MessageField> = { thing1: 'domain', date2: 'expiresOn', phrase3: 'status', thing4: 'note' };
const RESULT_MAPPING: Record<string, MessageField> = {
  character_string1: 'domain',
  time2: 'time',
  number3: 'daysLeft',
  thing4: 'title',
  phrase5: 'status',
};

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    notificationId: 'n1',
    kind: 'expiry',
    title: '证书将在 7 天后到期，自动续期未开启，请尽快处理',
    lines: [],
    names: ['example.com'],
    certificateId: 'c1',
    notAfter: Date.UTC(2026, 0, 12),
    daysLeft: 7,
    status: '即将到期',
    note: '自动续期未开启，请在小程序中手动续期或开启自动续期',
    page: 'pages/certificate/index?id=c1',
    at: Date.UTC(2026, 0, 5, 1, 2),
    ...overrides,
  };
}

let double: OpenApiDouble;
let sender: CloudSubscribeMessageSender;

beforeEach(() => {
  double = new OpenApiDouble();
  double.registerTemplate(EXPIRY, Object.keys(EXPIRY_MAPPING));
  double.registerTemplate(RESULT, Object.keys(RESULT_MAPPING));
  double.setCredits(OPENID, EXPIRY, 5);
  double.setCredits(OPENID, RESULT, 5);
  sender = new CloudSubscribeMessageSender(double.asCloud());
});

function input(templateId: string, data: SubscribeMessageInput['data'], page = 'pages/certificate/index?id=c1'): SubscribeMessageInput {
  return { touser: OPENID, templateId, page, data, miniprogramState: 'formal', lang: 'zh_CN' };
}

async function errCodeOf(work: Promise<unknown>): Promise<[number, string]> {
  try {
    await work;
  } catch (error) {
    if (error instanceof SubscribeMessageError) return [error.errCode, error.message];
    throw error;
  }
  throw new Error('expected a SubscribeMessageError');
}

describe('templateData is accepted by WeChat', () => {
  const longName = `${'very-long-label-'.repeat(3)}certificate.example.com`;
  const manyNames = Array.from({ length: 100 }, (_, i) => `host-${i}.example.com`);

  test.each([
    ['one short name', ['example.com']],
    ['one long name', [longName]],
    ['an IDN A-label', ['xn--1jq773am2yzqn.xn--55qx5d']],
    ['a wildcard', ['*.example.com', 'example.com']],
    ['100 names, the first long', [longName, ...manyNames.slice(1)]],
  ])('expiry template: %s', async (_why, names) => {
    const msg = message({ names });
    await sender.send(input(EXPIRY, templateData(EXPIRY_MAPPING, msg), msg.page));
    expect(double.sent).toHaveLength(1);
    expect(double.creditsOf(OPENID, EXPIRY)).toBe(4);
  });

  test('result template: character_string, time, number, long title and status', async () => {
    const msg = message({ kind: 'renewed', names: [longName, 'b.example.com'], status: '已续期成功啦', daysLeft: 89 });
    const data = templateData(RESULT_MAPPING, msg);
    await sender.send(input(RESULT, data));
    expect(double.sent[0]?.data).toEqual({
      character_string1: { value: longName.slice(0, 32) },
      time2: { value: '2026年01月05日 09:02' },
      number3: { value: '89' },
      thing4: { value: '证书将在 7 天后到期，自动续期未开启…' },
      phrase5: { value: '已续期成功' },
    });
  });

  test('values that would otherwise be empty or ill-formed are still accepted', async () => {
    const msg = message({ names: [], notAfter: null, daysLeft: -3, status: 'failed!', note: '   ', title: '' });
    await sender.send(input(EXPIRY, templateData(EXPIRY_MAPPING, msg)));
    await sender.send(input(RESULT, templateData(RESULT_MAPPING, msg)));
    expect(double.sent).toHaveLength(2);
  });
});

describe('the double rejects what WeChat rejects', () => {
  const GOOD = { thing1: { value: 'example.com' }, date2: { value: '2026年01月12日' }, phrase3: { value: '即将到期' }, thing4: { value: '请续期' } };

  test.each([
    ['a thing over 20 characters', { thing1: { value: 'a'.repeat(21) } }, 'data.thing1.value invalid'],
    ['an empty value', { thing4: { value: '' } }, 'data.thing4.value is empty'],
    ['a blank value', { thing4: { value: '  ' } }, 'data.thing4.value is empty'],
    ['a phrase with Latin letters', { phrase3: { value: 'OK' } }, 'data.phrase3.value invalid'],
    ['a phrase over 5 characters', { phrase3: { value: '证书即将要到期' } }, 'data.phrase3.value invalid'],
    ['a date in another format', { date2: { value: '2026-01-12' } }, 'data.date2.value invalid'],
  ])('%s: 47003', async (_why, change, reason) => {
    const [code, text] = await errCodeOf(sender.send(input(EXPIRY, { ...GOOD, ...change })));
    expect(code).toBe(47003);
    expect(text).toContain(reason);
    expect(double.creditsOf(OPENID, EXPIRY)).toBe(5);
  });

  test('a missing keyword is empty, an extra one invalid', async () => {
    const { thing4: _dropped, ...missing } = GOOD;
    expect(await errCodeOf(sender.send(input(EXPIRY, missing)))).toEqual([47003, expect.stringContaining('data.thing4.value is empty')]);
    expect(await errCodeOf(sender.send(input(EXPIRY, { ...GOOD, thing9: { value: 'x' } })))).toEqual([
      47003,
      expect.stringContaining('data.thing9.value invalid'),
    ]);
  });

  test.each([
    ['number', 'number1', '12a'],
    ['character_string', 'character_string1', '中文'],
    ['character_string', 'character_string1', 'a'.repeat(33)],
    ['letter', 'letter1', 'abc1'],
    ['symbol', 'symbol1', '!!!!!!'],
    ['name', 'name1', '张三Li'],
    ['time', 'time1', '2026年01月05日'],
  ])('%s keyword: %j is invalid', async (_type, keyword, value) => {
    double.registerTemplate('tmpl_x', [keyword]);
    double.setCredits(OPENID, 'tmpl_x', 1);
    expect(await errCodeOf(sender.send(input('tmpl_x', { [keyword]: { value } })))).toEqual([47003, expect.stringContaining(`data.${keyword}.value invalid`)]);
  });

  test('a page that is not in app.json: 41030; the query does not matter', async () => {
    expect((await errCodeOf(sender.send(input(EXPIRY, GOOD, 'pages/missing/index?id=1'))))[0]).toBe(41030);
    await sender.send(input(EXPIRY, GOOD, 'pages/home/index'));
    await sender.send(input(EXPIRY, GOOD, 'pages/order/index?id=o1&from=msg'));
    expect(double.sent).toHaveLength(2);
  });

  test('an unknown template: 40037', async () => {
    expect((await errCodeOf(sender.send(input('tmpl_unknown', GOOD))))[0]).toBe(40037);
  });

  test('no credit: 43101; each accepted message uses one', async () => {
    double.setCredits(OPENID, EXPIRY, 1);
    await sender.send(input(EXPIRY, GOOD));
    const [code, text] = await errCodeOf(sender.send(input(EXPIRY, GOOD)));
    expect(code).toBe(43101);
    expect(text).toContain('openapi.subscribeMessage.send:fail');
    expect(double.sent).toHaveLength(1);
    expect((await errCodeOf(sender.send({ ...input(EXPIRY, GOOD), touser: 'o_other' })))[0]).toBe(43101);
  });
});

describe('CloudSubscribeMessageSender', () => {
  test('an error without errCode (not from WeChat) is passed on unchanged', async () => {
    const broken = new Error('socket hang up');
    const failing = new CloudSubscribeMessageSender({ openapi: { subscribeMessage: { send: () => Promise.reject(broken) } } });
    await expect(failing.send(input(EXPIRY, {}))).rejects.toBe(broken);
  });

  test('an answer with a non-zero errCode is a failure too', async () => {
    const odd = new CloudSubscribeMessageSender({
      openapi: { subscribeMessage: { send: () => Promise.resolve({ errCode: -604101, errMsg: 'function has no permission to call this API' }) } },
    });
    expect(await errCodeOf(odd.send(input(EXPIRY, {})))).toEqual([-604101, 'function has no permission to call this API']);
  });
});
