/**
 * Checking the destination a user gives for a notification channel before it is stored: a WeCom
 * group-robot webhook URL, an e-mail address, or an https webhook URL. The check is the first line;
 * the sending adapters resolve and check the address again just before each delivery.
 *
 * Uses the WHATWG `URL` global (Node and browsers), so that hosts are read exactly as the senders
 * read them (`https://0x7f.1/` is 127.0.0.1 to both).
 */
import { isAllowedTarget, isIpLiteral, type TargetPolicy } from './address';
import { CHANNEL_TARGET_MESSAGES } from './channels.messages.zh';
import { InputRejectedError } from './errors';
import type { ChannelType } from './notification';

export type ChannelTargetRule =
  | 'targetEmpty'
  | 'wecomUrl'
  | 'wecomKey'
  | 'emailInvalid'
  | 'emailTooLong'
  | 'webhookUrl'
  | 'webhookNotHttps'
  | 'webhookCredentials'
  | 'webhookTooLong'
  | 'webhookAddress';

export interface CheckedTarget {
  /** What to store (sealed) and send to. */
  address: string;
  /** What to show: the secret parts masked. */
  masked: string;
}

export const WECOM_WEBHOOK_URL = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send';
const WECOM_KEY = /^[A-Za-z0-9-]{8,64}$/;
const EMAIL_MAX_LENGTH = 254;
const WEBHOOK_MAX_LENGTH = 2048;
/** RFC 5322 dot-atom local part; an ASCII host name with at least one dot and a letter-led last label. */
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/** The destination for `type`, normalised and masked; throws `InputRejectedError` on the field `target`. */
export function checkChannelTarget(type: ChannelType, target: string, policy: TargetPolicy): CheckedTarget {
  const text = target.trim();
  const result = text === '' ? 'targetEmpty' : CHECKS[type](text, policy);
  if (typeof result === 'string') throw new InputRejectedError([{ field: 'target', rule: result, message: CHANNEL_TARGET_MESSAGES[result] }]);
  return result;
}

const CHECKS: Record<ChannelType, (text: string, policy: TargetPolicy) => CheckedTarget | ChannelTargetRule> = {
  wecom: checkWecom,
  email: checkEmail,
  webhook: checkWebhook,
};

function checkWecom(text: string, policy: TargetPolicy): CheckedTarget | ChannelTargetRule {
  const url = parseUrl(text);
  if (url === null || url.username !== '' || url.password !== '' || url.hash !== '') return 'wecomUrl';
  const loopback = policy.allowLoopback && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (!loopback && `${url.origin}${url.pathname}` !== WECOM_WEBHOOK_URL) return 'wecomUrl';
  const params = [...url.searchParams.keys()];
  const key = url.searchParams.get('key') ?? '';
  if (params.length !== 1 || params[0] !== 'key' || !WECOM_KEY.test(key)) return 'wecomKey';
  const address = loopback ? url.href : `${WECOM_WEBHOOK_URL}?key=${key}`;
  return { address, masked: `${url.host}/…key=••••${key.slice(-4)}` };
}

function checkEmail(text: string): CheckedTarget | ChannelTargetRule {
  if (text.length > EMAIL_MAX_LENGTH) return 'emailTooLong';
  const at = text.lastIndexOf('@');
  if (!EMAIL.test(text) || at > 64) return 'emailInvalid';
  return { address: text, masked: `${text.slice(0, 1)}•••${text.slice(at)}` };
}

function checkWebhook(text: string, policy: TargetPolicy): CheckedTarget | ChannelTargetRule {
  if (text.length > WEBHOOK_MAX_LENGTH) return 'webhookTooLong';
  const url = parseUrl(text);
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') return 'webhookUrl';
  const loopback = policy.allowLoopback && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !loopback) return 'webhookNotHttps';
  if (url.username !== '' || url.password !== '') return 'webhookCredentials';
  if (isIpLiteral(url.hostname) && !isAllowedTarget(url.hostname, policy)) return 'webhookAddress';
  url.hash = '';
  return { address: url.href, masked: `${url.origin}${url.pathname}` };
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
