/**
 * WeCom (企业微信) group robot: a markdown message POSTed to the robot's webhook URL. WeCom answers
 * HTTP 200 with `{ errcode, errmsg }`; errcode 0 is success.
 * https://developer.work.weixin.qq.com/document/path/91770
 */
import { CHANNEL_TEXT } from '../../domain/channels.messages.zh';
import type { OutgoingMessage } from '../../domain/notification';
import { DeliveryError } from '../../ports/notify';
import { postJson, type PostOptions } from './outgoing-http';

/** WeCom's limit for `markdown.content`, in UTF-8 bytes. */
export const WECOM_MAX_CONTENT_BYTES = 4096;
/** errcodes worth another try: -1 system busy, 45009 the robot's rate limit (20 messages a minute). */
const RETRYABLE_ERRCODES = new Set([-1, 45009]);

export async function sendWecom(url: string, message: OutgoingMessage, options: PostOptions): Promise<void> {
  const body = JSON.stringify({ msgtype: 'markdown', markdown: { content: wecomMarkdown(message) } });
  const answer = await postJson(url, body, options);
  const result = parseAnswer(answer.body);
  if (result === null) throw new DeliveryError('wecom_bad_answer', 'WeCom answered something other than { errcode, errmsg }', true);
  if (result.errcode === 0) return;
  throw new DeliveryError(`wecom_${result.errcode}`, `WeCom answered errcode ${result.errcode}: ${result.errmsg}`, RETRYABLE_ERRCODES.has(result.errcode));
}

/** The title as a heading, the lines, the note as a quote, the signature; cut to WeCom's limit. */
export function wecomMarkdown(message: OutgoingMessage): string {
  const parts = [`## ${message.title}`, ...message.lines, ...(message.note ? [`> ${message.note}`] : []), CHANNEL_TEXT.signature];
  return truncateUtf8(parts.join('\n'), WECOM_MAX_CONTENT_BYTES);
}

/** At most `maxBytes` of UTF-8, cut between code points and ended with `…` when cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const chars = Array.from(text);
  let bytes = Buffer.byteLength('…', 'utf8');
  let count = 0;
  for (const char of chars) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    count += 1;
  }
  return `${chars.slice(0, count).join('')}…`;
}

function parseAnswer(text: string): { errcode: number; errmsg: string } | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || !('errcode' in value) || typeof value.errcode !== 'number') return null;
    const errmsg = 'errmsg' in value && typeof value.errmsg === 'string' ? value.errmsg : '';
    return { errcode: value.errcode, errmsg };
  } catch {
    return null;
  }
}
