import { checkChannelTarget, type ChannelTargetRule } from '../../../server/domain/channels';
import { CHANNEL_LABELS, CHANNEL_TARGET_MESSAGES } from '../../../server/domain/channels.messages.zh';
import { InputRejectedError } from '../../../server/domain/errors';
import type { ChannelType } from '../../../server/domain/notification';

const STRICT = { allowLoopback: false };
const LOCAL = { allowLoopback: true };
const KEY = '693a91f6-7a0c-4bc4-97a0-0ec2sifa3f2a';
const WECOM = `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}`;

function refusal(type: ChannelType, target: string, policy = STRICT): ChannelTargetRule {
  try {
    checkChannelTarget(type, target, policy);
  } catch (error) {
    if (!(error instanceof InputRejectedError)) throw error;
    expect(error.violations).toHaveLength(1);
    const violation = error.violations[0]!;
    expect(violation.field).toBe('target');
    expect(violation.message).toBe(CHANNEL_TARGET_MESSAGES[violation.rule as ChannelTargetRule]);
    expect(error.message).not.toContain(target.trim() || '\u0000');
    return violation.rule as ChannelTargetRule;
  }
  throw new Error(`expected ${target} to be refused`);
}

describe('wecom targets', () => {
  test('the robot URL is accepted and masked to host and the last 4 characters of the key', () => {
    expect(checkChannelTarget('wecom', `  ${WECOM}  `, STRICT)).toEqual({ address: WECOM, masked: 'qyapi.weixin.qq.com/…key=••••3f2a' });
  });

  test('host case and an explicit :443 are normalised', () => {
    expect(checkChannelTarget('wecom', `https://QYAPI.weixin.qq.com:443/cgi-bin/webhook/send?key=${KEY}`, STRICT).address).toBe(WECOM);
  });

  test.each([
    ['http instead of https', `http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}`, 'wecomUrl'],
    ['another host', `https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send?key=${KEY}`, 'wecomUrl'],
    ['a look-alike host', `https://qyapi-weixin.qq.com/cgi-bin/webhook/send?key=${KEY}`, 'wecomUrl'],
    ['userinfo', `https://qyapi.weixin.qq.com@evil.example/cgi-bin/webhook/send?key=${KEY}`, 'wecomUrl'],
    ['another path', `https://qyapi.weixin.qq.com/cgi-bin/message/send?key=${KEY}`, 'wecomUrl'],
    ['another port', `https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send?key=${KEY}`, 'wecomUrl'],
    ['a fragment', `${WECOM}#x`, 'wecomUrl'],
    ['not a URL', 'qyapi.weixin.qq.com/cgi-bin/webhook/send', 'wecomUrl'],
    ['missing key', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send', 'wecomKey'],
    ['empty key', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=', 'wecomKey'],
    ['short key', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc', 'wecomKey'],
    ['key with other characters', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc%20def_ghijk', 'wecomKey'],
    ['a second parameter', `${WECOM}&debug=1`, 'wecomKey'],
    ['empty', '   ', 'targetEmpty'],
  ])('refuses %s', (_why, target, rule) => {
    expect(refusal('wecom', target)).toBe(rule);
  });

  test('a loopback receiver only when the policy allows it', () => {
    const local = `http://127.0.0.1:8123/cgi-bin/webhook/send?key=${KEY}`;
    expect(checkChannelTarget('wecom', local, LOCAL)).toEqual({ address: local, masked: '127.0.0.1:8123/…key=••••3f2a' });
    expect(refusal('wecom', local)).toBe('wecomUrl');
    expect(refusal('wecom', `http://10.0.0.1:8123/x?key=${KEY}`, LOCAL)).toBe('wecomUrl');
  });
});

describe('email targets', () => {
  test.each([
    ['alice@example.com', 'a•••@example.com'],
    ['  bob.smith+certs@mail.example.cn ', 'b•••@mail.example.cn'],
    ['12345@qq.com', '1•••@qq.com'],
  ])('accepts %j', (target, masked) => {
    expect(checkChannelTarget('email', target, STRICT)).toEqual({ address: target.trim(), masked });
  });

  test.each([
    ['no @', 'alice.example.com', 'emailInvalid'],
    ['no dot in the domain', 'alice@localhost', 'emailInvalid'],
    ['a display name', 'Alice <alice@example.com>', 'emailInvalid'],
    ['spaces', 'alice smith@example.com', 'emailInvalid'],
    ['two @', 'a@b@example.com', 'emailInvalid'],
    ['a dot at the start of the local part', '.alice@example.com', 'emailInvalid'],
    ['two dots', 'al..ice@example.com', 'emailInvalid'],
    ['an IP address as domain', 'alice@192.168.1.1', 'emailInvalid'],
    ['a hyphen ending a label', 'alice@example-.com', 'emailInvalid'],
    ['Chinese characters', '张三@example.com', 'emailInvalid'],
    ['a local part over 64', `${'a'.repeat(65)}@example.com`, 'emailInvalid'],
    ['a line break', 'alice@example.com\nBcc: x@example.com', 'emailInvalid'],
    ['over 254 characters', `a@${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(62)}.${'e'.repeat(62)}.com`, 'emailTooLong'],
  ])('refuses %s', (_why, target, rule) => {
    expect(refusal('email', target)).toBe(rule);
  });
});

describe('webhook targets', () => {
  test('an https URL is accepted; the mask drops the query', () => {
    expect(checkChannelTarget('webhook', 'https://hooks.example.com/certkeeper/in?token=s3cret#frag', STRICT)).toEqual({
      address: 'https://hooks.example.com/certkeeper/in?token=s3cret',
      masked: 'https://hooks.example.com/certkeeper/in',
    });
  });

  test('a public IP literal and a port are fine', () => {
    expect(checkChannelTarget('webhook', 'https://8.8.8.8:8443/hook', STRICT).address).toBe('https://8.8.8.8:8443/hook');
  });

  test.each([
    ['http', 'http://hooks.example.com/in', 'webhookNotHttps'],
    ['another scheme', 'ftp://hooks.example.com/in', 'webhookUrl'],
    ['not a URL', 'hooks.example.com/in', 'webhookUrl'],
    ['userinfo', 'https://user:pass@hooks.example.com/in', 'webhookCredentials'],
    ['a user name only', 'https://user@hooks.example.com/in', 'webhookCredentials'],
    ['a private IP', 'https://10.1.2.3/in', 'webhookAddress'],
    ['the metadata service', 'https://169.254.169.254/latest/meta-data/', 'webhookAddress'],
    ['Tencent metadata', 'https://169.254.0.23/', 'webhookAddress'],
    ['loopback', 'https://127.0.0.1/in', 'webhookAddress'],
    ['loopback in hex', 'https://0x7f.1/in', 'webhookAddress'],
    ['IPv6 loopback', 'https://[::1]/in', 'webhookAddress'],
    ['IPv4-mapped IPv6', 'https://[::ffff:10.0.0.1]/in', 'webhookAddress'],
    ['unique local IPv6', 'https://[fd00::1]/in', 'webhookAddress'],
    ['over 2048 characters', `https://hooks.example.com/${'a'.repeat(2048)}`, 'webhookTooLong'],
  ])('refuses %s', (_why, target, rule) => {
    expect(refusal('webhook', target)).toBe(rule);
  });

  test('loopback receivers over http only when the policy allows it', () => {
    expect(checkChannelTarget('webhook', 'http://127.0.0.1:8080/in', LOCAL).address).toBe('http://127.0.0.1:8080/in');
    expect(checkChannelTarget('webhook', 'http://[::1]:8080/in', LOCAL).address).toBe('http://[::1]:8080/in');
    expect(refusal('webhook', 'http://127.0.0.1:8080/in')).toBe('webhookNotHttps');
    expect(refusal('webhook', 'http://10.0.0.1/in', LOCAL)).toBe('webhookNotHttps');
    expect(refusal('webhook', 'https://10.0.0.1/in', LOCAL)).toBe('webhookAddress');
  });
});

test('every type has a Chinese label and every rule a Chinese message', () => {
  expect(CHANNEL_LABELS).toEqual({ wecom: '企业微信群机器人', email: '电子邮件', webhook: 'Webhook' });
  for (const text of Object.values(CHANNEL_TARGET_MESSAGES)) expect(text).toMatch(/\p{Unified_Ideograph}/u);
});
