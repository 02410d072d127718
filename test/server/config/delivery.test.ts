/** The delivery part of the configuration: WeChat templates, the Mini Program state, SMTP. */
import { ConfigError, readConfigSection } from '../../../server/config/read';

const TEMPLATES = JSON.stringify([
  { key: 'expiry', templateId: 'AbCdEfGhIj_0123456789', title: '证书到期提醒', keywords: { thing1: 'domain', date2: 'expiresOn', phrase3: 'status' } },
  { key: 'result', templateId: 'KlMnOpQrSt_0123456789', title: '证书状态通知', keywords: { character_string1: 'domain', phrase2: 'status' } },
]);

const readDelivery = (env: Record<string, string>) => readConfigSection(env, 'delivery');

test('nothing configured: no WeChat templates, no e-mail, messages open the released version', () => {
  expect(readDelivery({})).toEqual({ templates: [], miniprogramState: 'formal', smtp: null });
});

test('empty values count as unset', () => {
  expect(readDelivery({ CERTKEEPER_WECHAT_TEMPLATES: '', CERTKEEPER_MINIPROGRAM_STATE: ' ', CERTKEEPER_SMTP_HOST: '' })).toEqual({ templates: [], miniprogramState: 'formal', smtp: null });
});

test('templates, state and SMTP are read and checked', () => {
  const config = readDelivery({
    CERTKEEPER_WECHAT_TEMPLATES: TEMPLATES,
    CERTKEEPER_MINIPROGRAM_STATE: 'trial',
    CERTKEEPER_SMTP_HOST: 'smtp.example.com',
    CERTKEEPER_SMTP_PORT: '587',
    CERTKEEPER_SMTP_USER: 'noreply@example.com',
    CERTKEEPER_SMTP_PASS: 'app-password',
    CERTKEEPER_SMTP_FROM: '证书管家 <noreply@example.com>',
  });
  expect(config.templates.map((t) => [t.key, t.templateId])).toEqual([
    ['expiry', 'AbCdEfGhIj_0123456789'],
    ['result', 'KlMnOpQrSt_0123456789'],
  ]);
  expect(config.miniprogramState).toBe('trial');
  expect(config.smtp).toEqual({ host: 'smtp.example.com', port: 587, secure: false, user: 'noreply@example.com', pass: 'app-password', from: '证书管家 <noreply@example.com>' });
  expect(readDelivery({ CERTKEEPER_SMTP_HOST: 'smtp.example.com', CERTKEEPER_SMTP_FROM: 'a@example.com' }).smtp).toEqual({ host: 'smtp.example.com', port: 465, secure: true, from: 'a@example.com' });
  expect(readDelivery({ CERTKEEPER_SMTP_HOST: 'smtp.example.com', CERTKEEPER_SMTP_FROM: 'a@example.com', CERTKEEPER_SMTP_PORT: '465', CERTKEEPER_SMTP_SECURE: 'false' }).smtp).toMatchObject({ secure: false });
  expect(readDelivery({ CERTKEEPER_SMTP_HOST: '2001:db8::25', CERTKEEPER_SMTP_FROM: 'a@example.com' }).smtp).toMatchObject({ host: '2001:db8::25' });
});

test('a password keeps its surrounding spaces', () => {
  const smtp = readDelivery({ CERTKEEPER_SMTP_HOST: 'smtp.example.com', CERTKEEPER_SMTP_FROM: 'a@example.com', CERTKEEPER_SMTP_USER: 'a', CERTKEEPER_SMTP_PASS: ' pass word ' }).smtp;
  expect(smtp?.pass).toBe(' pass word ');
});

const HOST = { CERTKEEPER_SMTP_HOST: 'smtp.example.com', CERTKEEPER_SMTP_FROM: 'a@example.com' };

test.each<[string, Record<string, string>, string]>([
  ['templates that are not JSON', { CERTKEEPER_WECHAT_TEMPLATES: '[{key:' }, 'CERTKEEPER_WECHAT_TEMPLATES is not valid JSON'],
  ['templates that are not a list', { CERTKEEPER_WECHAT_TEMPLATES: '{}' }, 'CERTKEEPER_WECHAT_TEMPLATES breaks its schema at the top level'],
  ['an unknown template key', { CERTKEEPER_WECHAT_TEMPLATES: JSON.stringify([{ key: 'promo', templateId: 'AbCdEfGhIj_01', title: 'x', keywords: { thing1: 'domain' } }]) }, 'CERTKEEPER_WECHAT_TEMPLATES breaks its schema at 0.key'],
  ['a key twice', { CERTKEEPER_WECHAT_TEMPLATES: JSON.stringify([...(JSON.parse(TEMPLATES) as object[]), ...(JSON.parse(TEMPLATES) as object[])]) }, 'CERTKEEPER_WECHAT_TEMPLATES names a template key twice'],
  ['a field that does not fit its keyword', { CERTKEEPER_WECHAT_TEMPLATES: JSON.stringify([{ key: 'expiry', templateId: 'AbCdEfGhIj_01', title: 'x', keywords: { phrase1: 'domain' } }]) }, 'CERTKEEPER_WECHAT_TEMPLATES maps template expiry wrongly'],
  ['an unknown keyword type', { CERTKEEPER_WECHAT_TEMPLATES: JSON.stringify([{ key: 'expiry', templateId: 'AbCdEfGhIj_01', title: 'x', keywords: { colour1: 'status' } }]) }, 'colour1'],
  ['a state WeChat does not know', { CERTKEEPER_MINIPROGRAM_STATE: 'production' }, 'CERTKEEPER_MINIPROGRAM_STATE must be formal, trial or developer'],
  ['a host with a scheme', { ...HOST, CERTKEEPER_SMTP_HOST: 'smtps://smtp.example.com' }, 'CERTKEEPER_SMTP_HOST must be a host name or IP address'],
  ['a port that is not one', { ...HOST, CERTKEEPER_SMTP_PORT: '99999' }, 'CERTKEEPER_SMTP_PORT must be a port number (1-65535)'],
  ['a port that is not a number', { ...HOST, CERTKEEPER_SMTP_PORT: '46five' }, 'CERTKEEPER_SMTP_PORT must be a port number (1-65535)'],
  ['no sender', { CERTKEEPER_SMTP_HOST: 'smtp.example.com' }, 'CERTKEEPER_SMTP_FROM is not set but CERTKEEPER_SMTP_HOST is; it must be the sender address'],
  ['a sender that is not an address', { ...HOST, CERTKEEPER_SMTP_FROM: 'nobody' }, 'CERTKEEPER_SMTP_FROM must be the sender address'],
  ['a user without a password', { ...HOST, CERTKEEPER_SMTP_USER: 'a' }, 'CERTKEEPER_SMTP_PASS is not set but CERTKEEPER_SMTP_USER is; set them together'],
  ['a password without a user', { ...HOST, CERTKEEPER_SMTP_PASS: 'p' }, 'CERTKEEPER_SMTP_USER is not set but CERTKEEPER_SMTP_PASS is; set them together'],
  ['secure that is not a boolean', { ...HOST, CERTKEEPER_SMTP_SECURE: 'yes' }, 'CERTKEEPER_SMTP_SECURE must be true or false'],
  ['SMTP settings without a host', { CERTKEEPER_SMTP_PORT: '587' }, 'CERTKEEPER_SMTP_PORT is set but CERTKEEPER_SMTP_HOST is not'],
])('%s is refused, naming the setting', (_what, env, message) => {
  expect(() => readDelivery(env)).toThrow(ConfigError);
  expect(() => readDelivery(env)).toThrow(message);
});

test('the password never appears in an error', () => {
  const env = { CERTKEEPER_SMTP_HOST: 'smtp.example.com', CERTKEEPER_SMTP_FROM: 'nobody', CERTKEEPER_SMTP_PASS: 'hunter2-secret\n' };
  expect(() => readDelivery(env)).toThrow(ConfigError);
  try {
    readDelivery(env);
  } catch (error) {
    expect(String(error)).not.toContain('hunter2');
    expect(JSON.stringify((error as ConfigError).problems)).not.toContain('hunter2');
    expect((error as ConfigError).settings).toEqual(['CERTKEEPER_SMTP_USER', 'CERTKEEPER_SMTP_PASS', 'CERTKEEPER_SMTP_FROM']);
  }
});
