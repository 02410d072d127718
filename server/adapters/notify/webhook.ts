/**
 * Webhooks: the message as JSON, POSTed to the user's https URL and signed so the receiver can
 * tell it came from us and was not replayed.
 *
 * Headers: `X-CertKeeper-Id` (the notification id, the same on every retry, for de-duplication),
 * `X-CertKeeper-Timestamp` (unix seconds) and `X-CertKeeper-Signature: v1=<hex>`, where hex is
 * HMAC-SHA256 keyed with the secret as shown to the user (`whsec_…`, its UTF-8 bytes) over
 * `<timestamp>.<raw body>`. Receivers check it with `verifyWebhookSignature` (or the same three
 * lines in their language) and refuse timestamps older than five minutes.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { OutgoingMessage } from '../../domain/notification';
import { postJson, type PostOptions } from './outgoing-http';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** The JSON body receivers get; times are epoch milliseconds. */
export interface WebhookPayload {
  id: string;
  kind: OutgoingMessage['kind'];
  title: string;
  lines: string[];
  names: string[];
  certificateId: string | null;
  notAfter: number | null;
  daysLeft: number | null;
  status: string;
  note: string;
  page: string;
  at: number;
}

export interface SendWebhookInput {
  url: string;
  secret: string;
  message: OutgoingMessage;
  /** Unix seconds for the timestamp header. */
  nowSeconds: number;
}

export async function sendWebhook(input: SendWebhookInput, options: PostOptions): Promise<void> {
  const body = JSON.stringify(webhookPayload(input.message));
  const timestamp = String(input.nowSeconds);
  await postJson(input.url, body, {
    ...options,
    headers: {
      'User-Agent': 'CertKeeper-Webhook/1',
      'X-CertKeeper-Id': input.message.notificationId,
      'X-CertKeeper-Timestamp': timestamp,
      'X-CertKeeper-Signature': signWebhook(input.secret, timestamp, body),
    },
  });
}

export function webhookPayload(message: OutgoingMessage): WebhookPayload {
  const { notificationId, kind, title, lines, names, certificateId, notAfter, daysLeft, status, note, page, at } = message;
  return { id: notificationId, kind, title, lines, names, certificateId, notAfter, daysLeft, status, note, page, at };
}

/** The `X-CertKeeper-Signature` value: `v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>`. */
export function signWebhook(secret: string, timestamp: number | string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export interface VerifyWebhookInput {
  secret: string;
  /** The `X-CertKeeper-Timestamp` header. */
  timestamp: string;
  /** The raw body, exactly as received. */
  body: string;
  /** The `X-CertKeeper-Signature` header; several `v1=` values may be separated by commas or spaces. */
  signature: string;
  nowSeconds: number;
  /** Default 300. */
  toleranceSeconds?: number;
}

/** Whether the signature matches (compared in constant time) and the timestamp is recent. */
export function verifyWebhookSignature(input: VerifyWebhookInput): boolean {
  if (!/^\d{1,12}$/.test(input.timestamp)) return false;
  if (Math.abs(input.nowSeconds - Number(input.timestamp)) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(input.secret, input.timestamp, input.body), 'utf8');
  return input.signature
    .split(/[\s,]+/)
    .map((candidate) => Buffer.from(candidate, 'utf8'))
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
}

/** A new signing secret: `whsec_` and 32 random bytes in base64url. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

