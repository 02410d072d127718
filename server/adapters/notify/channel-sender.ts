/** The user's own channels behind the `ChannelSender` port, routed on the target's type. */
import type { TargetPolicy } from '../../domain/address';
import type { OutgoingMessage } from '../../domain/notification';
import type { Clock } from '../../ports/clock';
import { DeliveryError, type ChannelSender, type ChannelTarget } from '../../ports/notify';
import type { Resolve } from '../outgoing-address';
import { EmailSender, type SmtpSettings } from './email';
import { sendWebhook } from './webhook';
import { sendWecom } from './wecom';

export interface ChannelSenderOptions {
  /** The operator's SMTP server; null when e-mail is not offered. */
  smtp: SmtpSettings | null;
  /** Loopback targets only in the local runtime and tests. */
  policy: TargetPolicy;
  /** Per delivery. Default 10 s. */
  timeoutMs?: number;
  /** Default: the system resolver. */
  resolve?: Resolve;
  /** Extra trusted roots for https targets (tests). */
  ca?: string;
  /** For webhook timestamps. Default: the system clock. */
  clock?: Clock;
}

export function createChannelSender(options: ChannelSenderOptions): ChannelSender {
  const { policy, timeoutMs, resolve, ca } = options;
  const post = { policy, timeoutMs, resolve, ca };
  const email = options.smtp === null ? null : new EmailSender(options.smtp, timeoutMs);
  const clock = options.clock ?? { now: () => Date.now() };
  return {
    async send(target: ChannelTarget, message: OutgoingMessage): Promise<void> {
      switch (target.type) {
        case 'wecom':
          return sendWecom(target.address, message, post);
        case 'webhook': {
          if (!target.secret) throw new DeliveryError('webhook_secret_missing', 'the webhook channel has no signing secret', false);
          const nowSeconds = Math.floor(clock.now() / 1000);
          return sendWebhook({ url: target.address, secret: target.secret, message, nowSeconds }, post);
        }
        case 'email':
          if (email === null) throw new DeliveryError('smtp_not_configured', 'e-mail is not configured on this deployment (no SMTP settings)', false);
          return email.send(target.address, message);
      }
    },
  };
}
