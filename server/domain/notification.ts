/**
 * The vocabulary of reminders and notifications: what can be said to a user, through which
 * channels, and the message every channel renders from.
 */
import type { StoredDoc } from '../ports/store';

/** What a notification is about. */
export type NotificationKind =
  /** A reminder threshold before (or on) expiry was reached and the certificate is not renewing itself in time. */
  | 'expiry'
  /** A certificate was issued with nobody watching (automatic validation). */
  | 'issued'
  /** A renewal was issued: the new expiry date. */
  | 'renewed'
  /** A renewal order waits for the user (DNS record or file by hand). */
  | 'actionNeeded'
  /** A renewal order failed; the reason in plain words. */
  | 'renewalFailed'
  /** The certificate was revoked. */
  | 'revoked'
  /** A monitored server changed for the better or neutrally: a new certificate seen, recovered. */
  | 'endpointChanged'
  /** A monitored server has a problem: chain broken, TLS weakened, unreachable, old certificate still served. */
  | 'endpointProblem'
  /** "Send a test message" from the reminder settings. */
  | 'test';

/** Channels a user can add besides WeChat subscription messages. */
export type ChannelType = 'wecom' | 'email' | 'webhook';
export const CHANNEL_TYPES: readonly ChannelType[] = ['wecom', 'email', 'webhook'];

/** Where a notification goes: WeChat (the built-in channel) or one of the user's channels. */
export type DeliveryChannel = 'wechat' | ChannelType;

export type DeliveryStatus =
  /** Not tried yet, or waiting for its next retry. */
  | 'pending'
  | 'sent'
  /** Gave up after the last retry, or a permanent error. */
  | 'failed'
  /** Not sent on purpose, e.g. no banked WeChat reminder left. */
  | 'skipped';

/**
 * The subscription-message templates, at most three so one `wx.requestSubscribeMessage` call can
 * ask for all of them: expiry reminders, results (renewed, failed, revoked), action needed.
 */
export type TemplateKey = 'expiry' | 'result' | 'action';
export const TEMPLATE_KEYS: readonly TemplateKey[] = ['expiry', 'result', 'action'];

/** Which template carries each kind of notification. */
export const TEMPLATE_FOR_KIND: Readonly<Record<NotificationKind, TemplateKey>> = {
  expiry: 'expiry',
  issued: 'result',
  renewed: 'result',
  actionNeeded: 'action',
  renewalFailed: 'result',
  revoked: 'result',
  endpointChanged: 'result',
  endpointProblem: 'action',
  test: 'result',
};

/**
 * The fields a message offers to a subscription template; the operator maps template keywords to
 * them (e.g. `{ thing1: 'domain', date2: 'expiresOn' }`).
 */
export type MessageField = 'domain' | 'expiresOn' | 'daysLeft' | 'status' | 'note' | 'title' | 'time';
export const MESSAGE_FIELDS: readonly MessageField[] = ['domain', 'expiresOn', 'daysLeft', 'status', 'note', 'title', 'time'];

/**
 * One notification as every channel renders it. All text is Chinese, written once in
 * `notification.messages.zh.ts`; channels only lay it out.
 */
export interface OutgoingMessage {
  notificationId: string;
  kind: NotificationKind;
  /** One line, e.g. "证书将在 7 天后到期". */
  title: string;
  /** Further lines: names, dates, what to do. */
  lines: string[];
  /** The certificate's names (A-labels as issued; Unicode shown by the app). */
  names: string[];
  certificateId: string | null;
  /** Expiry of the certificate the message is about, epoch ms. */
  notAfter: number | null;
  /** Whole days left until `notAfter` when the message was written. */
  daysLeft: number | null;
  /** A short status, at most five Chinese characters (WeChat `phrase`), e.g. "即将到期". */
  status: string;
  /** One short piece of advice, e.g. "请尽快完成验证". */
  note: string;
  /** The Mini Program page to open, with its query, e.g. `pages/certificate/index?id=…`. */
  page: string;
  /** When the event happened, epoch ms. */
  at: number;
}

/** One channel's part in a notification. */
export interface DeliveryRecord {
  /** `wechat`, or the id of one of the user's channels. */
  channelId: string;
  channel: DeliveryChannel;
  /** The channel's label when the notification was made ("微信" for WeChat). */
  label: string;
  status: DeliveryStatus;
  attempts: number;
  /** When to try again while `pending`. */
  nextAttemptAt: number | null;
  /** When it was sent or last tried. */
  at: number | null;
  /** Why it failed or was skipped: a stable code for logs and Chinese text for the user. */
  error: { code: string; message: string } | null;
}

/**
 * The outbox: one document per notification, its `_id` the dedupe key, so the same reminder can
 * be created any number of times and exists once. `nextActionAt` is the next delivery attempt.
 */
export interface NotificationDoc extends StoredDoc {
  ownerId: string;
  kind: NotificationKind;
  certificateId: string | null;
  message: OutgoingMessage;
  deliveries: DeliveryRecord[];
  nextActionAt: number | null;
  createdAt: number;
}

/**
 * The dedupe key of a notification, used as its id: the event time first (base 36, as store ids
 * are, so the newest-first history sorts by it), then kind, certificate, validity end and what
 * distinguishes repeats (threshold, order, failure count).
 */
export function notificationId(input: { eventAt: number; kind: NotificationKind; certificateId: string; notAfter: number; detail: string | number }): string {
  const time = (t: number) => Math.max(0, Math.floor(t)).toString(36).padStart(9, '0');
  return `${time(input.eventAt)}.${input.kind}.${input.certificateId}.${time(input.notAfter)}.${input.detail}`;
}

/** Waits before retrying a failed delivery; after the last one it is given up. */
export const DELIVERY_RETRY_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000] as const;

/** When to retry after `attempts` failed tries, or null to give up. */
export function deliveryRetryAt(attempts: number, now: number): number | null {
  const wait = DELIVERY_RETRY_MS[attempts - 1];
  return wait === undefined ? null : now + wait;
}
