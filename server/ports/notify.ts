/**
 * Sending notifications: the user's own channels (WeCom robot, e-mail, webhook) and WeChat
 * subscription messages. Adapters live in `server/adapters/notify/` and `server/adapters/wechat/`.
 */
import type { ChannelType, OutgoingMessage } from '../domain/notification';

/** A channel's destination, decrypted just before sending; never logged. */
export interface ChannelTarget {
  type: ChannelType;
  /** WeCom robot webhook URL, e-mail address, or webhook URL. */
  address: string;
  /** The webhook's HMAC signing secret; null for the other types. */
  secret: string | null;
}

export interface ChannelSender {
  /** Delivers `message` to `target`; throws `DeliveryError` when it could not. */
  send(target: ChannelTarget, message: OutgoingMessage): Promise<void>;
}

/** A delivery that did not happen. `retryable` says whether trying again later can help. */
export class DeliveryError extends Error {
  constructor(
    /** Stable code for logs and the history view, e.g. `http_500`, `smtp_550`, `timeout`, `address_refused`. */
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** `cloud.openapi.subscribeMessage.send`'s input, as WeChat documents it. */
export interface SubscribeMessageInput {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
  miniprogramState: 'developer' | 'trial' | 'formal';
  lang: 'zh_CN';
}

export interface SubscribeMessageSender {
  /** Sends one subscription message; throws `SubscribeMessageError` with WeChat's errcode. */
  send(input: SubscribeMessageInput): Promise<void>;
}

/** A failed `subscribeMessage.send`; `errCode` is WeChat's (43101: no credit, 47003: bad data, …). */
export class SubscribeMessageError extends Error {
  constructor(
    readonly errCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'SubscribeMessageError';
  }
}

/** No subscription credit: the user refused, never subscribed, or used the credit up. */
export const ERRCODE_NO_CREDIT = 43101;
