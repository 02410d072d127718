import { ConfigError, readDeliveryConfig } from '../../../server/handlers/delivery-config';

const TEMPLATES = JSON.stringify([
  { key: 'expiry', templateId: 'AbCdEfGhIj_0123456789', title: '证书到期提醒', keywords: { thing1: 'domain', date2: 'expiresOn', phrase3: 'status' } },
  { key: 'result', templateId: 'KlMnOpQrSt_0123456789', title: '证书状态通知', keywords: { character_string1: 'domain', phrase2: 'status' } },
]);

test('nothing configured: no WeChat templates, no e-mail, messages open the released version', () => {
  expect(readDeliveryConfig({})).toEqual({ templates: [], miniprogramState: 'formal', smtp: null });
});

test('templates, state and SMTP are read and checked', () => {
  const config = readDeliveryConfig({
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
  expect(readDeliveryConfig({ CERTKEEPER_SMTP_HOST: 'smtp.example.com', CERTKEEPER_SMTP_FROM: 'a@example.com' }).smtp).toMatchObject({ port: 465, secure: true });
});

test.each<[string, Record<string, string>, string]>([
  ['templates that are not JSON', { CERTKEEPER_WECHAT_TEMPLATES: '[{key:' }, 'CERTKEEPER_WECHAT_TEMPLATES is not valid JSON'],
  ['an unknown template key', { CERTKEEPER_WECHAT_TEMPLATES: JSON.stringify([{ key: 'promo', templateId: 'AbCdEfGhIj_01', title: 'x', keywords: { thing1: 'domain' } }]) }, 'CERTKEEPER_WECHAT_TEMPLATES breaks its schema at 0.key'],
  ['a key twice', { CERTKEEPER_WECHAT_TEMPLATES: JSON.stringify([...JSON.parse(TEMPLATES) as object[], ...JSON.parse(TEMPLATES) as object[]]) }, 'names a template key twice'],
  ['a field that does not fit its keyword', { CERTKEEPER_WECHAT_TEMPLATES: JSON.stringify([{ key: 'expiry', templateId: 'AbCdEfGhIj_01', title: 'x', keywords: { phrase1: 'domain' } }]) }, 'maps template expiry wrongly'],
  ['an unknown keyword type', { CERTKEEPER_WECHAT_TEMPLATES: JSON.stringify([{ key: 'expiry', templateId: 'AbCdEfGhIj_01', title: 'x', keywords: { colour1: 'status' } }]) }, 'colour1'],
  ['a state WeChat does not know', { CERTKEEPER_MINIPROGRAM_STATE: 'production' }, 'CERTKEEPER_MINIPROGRAM_STATE must be formal, trial or developer'],
  ['a port that is not one', { CERTKEEPER_SMTP_HOST: 'smtp.example.com', CERTKEEPER_SMTP_PORT: '99999', CERTKEEPER_SMTP_FROM: 'a@example.com' }, 'CERTKEEPER_SMTP_PORT must be a port number'],
  ['no sender', { CERTKEEPER_SMTP_HOST: 'smtp.example.com' }, 'CERTKEEPER_SMTP_FROM must be the sender address'],
  ['a user without a password', { CERTKEEPER_SMTP_HOST: 'smtp.example.com', CERTKEEPER_SMTP_FROM: 'a@example.com', CERTKEEPER_SMTP_USER: 'a' }, 'CERTKEEPER_SMTP_PASS must be set together'],
  ['secure that is not a boolean', { CERTKEEPER_SMTP_HOST: 'smtp.example.com', CERTKEEPER_SMTP_FROM: 'a@example.com', CERTKEEPER_SMTP_SECURE: 'yes' }, 'CERTKEEPER_SMTP_SECURE must be true or false'],
])('%s is refused, naming the setting', (_what, env, message) => {
  expect(() => readDeliveryConfig(env)).toThrow(ConfigError);
  expect(() => readDeliveryConfig(env)).toThrow(message);
});

test('the password never appears in an error', () => {
  try {
    readDeliveryConfig({ CERTKEEPER_SMTP_HOST: 'smtp.example.com', CERTKEEPER_SMTP_FROM: 'nobody', CERTKEEPER_SMTP_PASS: 'hunter2-secret' });
    throw new Error('expected a ConfigError');
  } catch (error) {
    expect(String(error)).not.toContain('hunter2-secret');
  }
});
