/**
 * The notification outbox: `notify` records a notification once (its id is the dedupe key) with a
 * delivery per channel; `deliverNotification` sends what is due under a lease, records each
 * channel's result and schedules retries with back-off. A WeChat message takes a banked credit
 * first and gives it back when WeChat did not send.
 */
import {
  deliveryRetryAt,
  notificationId,
  TEMPLATE_FOR_KIND,
  type DeliveryRecord,
  type NotificationDoc,
  type OutgoingMessage,
} from '../domain/notification';
import { DELIVERY_DETAIL, describeDeliveryError, isEndpointFacts, renderNotification, TEST_SENT, WECHAT_CHANNEL_LABEL, type NotificationFacts } from '../domain/notification.messages.zh';
import { NotFoundError } from '../domain/errors';
import { templateData } from '../domain/subscribe-message';
import { DeliveryError, ERRCODE_NO_CREDIT, SubscribeMessageError } from '../ports/notify';
import { DuplicateIdError } from '../ports/store';
import { leaseToken, type EngineDeps } from './engine';
import { getUser, openChannel, recordChannelTest, settleCredit, takeCredit, type ChannelDoc } from './settings';

/** Longer than the slowest delivery round (a few channels with 10 s timeouts each). */
const DELIVERY_LEASE_MS = 50_000;

/** WeChat errors that another try will not fix: bad data or page, unknown template, bad openid. */
const WECHAT_PERMANENT = new Set([40003, 40037, 41030, 47003]);

/**
 * Records a notification with a pending delivery for WeChat (when a template is configured for
 * its kind) and for each of the user's channels, due at once. Returns null when the same notification (same dedupe key) already exists.
 */
export async function notify(
  deps: Pick<EngineDeps, 'store' | 'clock' | 'logger' | 'delivery'>,
  input: { ownerId: string; facts: Exclude<NotificationFacts, { kind: 'test' }>; eventAt: number; detail: string | number },
): Promise<NotificationDoc | null> {
  const now = deps.clock.now();
  const { facts } = input;
  // The subject of the dedupe key: the certificate, or the monitored endpoint.
  const subject = isEndpointFacts(facts) ? { certificateId: facts.endpointId, notAfter: facts.notAfter ?? 0 } : facts;
  const id = notificationId({ eventAt: input.eventAt, kind: facts.kind, certificateId: subject.certificateId, notAfter: subject.notAfter, detail: input.detail });
  const user = await getUser(deps, input.ownerId);
  // WeChat only where this deployment has a template for the kind: otherwise every history entry
  // would carry a delivery that can never happen.
  const wechat = deps.delivery.templates.some((t) => t.key === TEMPLATE_FOR_KIND[facts.kind]) ? [pending('wechat', 'wechat', WECHAT_CHANNEL_LABEL)] : [];
  const deliveries = [...wechat, ...user.channels.map((c) => pending(c.id, c.type, c.label))];
  try {
    const doc = await deps.store.collection<NotificationDoc>('notifications').insert({
      _id: id,
      ownerId: input.ownerId,
      kind: facts.kind,
      certificateId: facts.certificateId,
      message: { notificationId: id, ...renderNotification(facts, now) },
      deliveries,
      nextActionAt: now,
      createdAt: now,
    });
    deps.logger.info('notification.created', { notificationId: id, kind: facts.kind, channels: deliveries.length });
    return doc;
  } catch (error) {
    if (error instanceof DuplicateIdError) return null;
    throw error;
  }
}

function pending(channelId: string, channel: DeliveryRecord['channel'], label: string): DeliveryRecord {
  return { channelId, channel, label, status: 'pending', attempts: 0, nextAttemptAt: null, at: null, error: null };
}

/**
 * Sends the deliveries of a notification that are due, under its lease, and records the results.
 * Returns the notification as saved; null when someone else holds it or it is gone.
 */
export async function deliverNotification(deps: EngineDeps, id: string): Promise<NotificationDoc | null> {
  const notifications = deps.store.collection<NotificationDoc>('notifications');
  const lease = leaseToken(deps);
  const held = await notifications.takeLease(id, lease, deps.clock.now(), DELIVERY_LEASE_MS);
  if (!held) return null;
  try {
    const now = deps.clock.now();
    if (held.nextActionAt === null || held.nextActionAt > now) return held;
    const user = await getUser(deps, held.ownerId);
    // Channels are tried side by side, so one slow receiver does not hold up the others.
    const deliveries = await Promise.all(
      held.deliveries.map((delivery) =>
        delivery.status === 'pending' && (delivery.nextAttemptAt ?? 0) <= now ? attempt(deps, held, delivery, user.channels) : Promise.resolve(delivery),
      ),
    );
    const retries = deliveries.flatMap((d) => (d.status === 'pending' && d.nextAttemptAt !== null ? [d.nextAttemptAt] : []));
    const saved = await notifications.update(held, { deliveries, nextActionAt: retries.length > 0 ? Math.min(...retries) : null });
    for (const d of deliveries) {
      if (d.status !== 'pending' || d.attempts > 0) deps.logger.info('notification.delivery', { notificationId: id, channel: d.channel, status: d.status, attempts: d.attempts, code: d.error?.code ?? null });
    }
    return saved;
  } finally {
    await notifications.releaseLease(id, lease);
  }
}

async function attempt(deps: EngineDeps, doc: NotificationDoc, delivery: DeliveryRecord, channels: readonly ChannelDoc[]): Promise<DeliveryRecord> {
  const now = deps.clock.now();
  const outcome = delivery.channel === 'wechat' ? await sendWechat(deps, doc.ownerId, doc.message) : await sendToChannel(deps, doc.ownerId, doc.message, channels.find((c) => c.id === delivery.channelId));
  const attempts = delivery.attempts + 1;
  if (outcome.status !== 'retry') return { ...delivery, status: outcome.status, attempts, nextAttemptAt: null, at: now, error: outcome.error };
  const retryAt = deliveryRetryAt(attempts, now);
  return retryAt === null
    ? { ...delivery, status: 'failed', attempts, nextAttemptAt: null, at: now, error: { code: outcome.error.code, message: `${outcome.error.message}；${DELIVERY_DETAIL.gaveUp}` } }
    : { ...delivery, status: 'pending', attempts, nextAttemptAt: retryAt, at: now, error: outcome.error };
}

type Outcome =
  | { status: 'sent'; error: null }
  | { status: 'failed' | 'skipped' | 'retry'; error: { code: string; message: string } };

const SENT: Outcome = { status: 'sent', error: null };

function outcome(status: 'failed' | 'skipped' | 'retry', code: string, message: string): Outcome {
  return { status, error: { code, message } };
}

/** One subscription message: takes a banked credit, sends, and settles the credit when WeChat did not send. */
export async function sendWechat(deps: EngineDeps, ownerId: string, message: OutgoingMessage): Promise<Outcome> {
  const { subscribe, templates, miniprogramState } = deps.delivery;
  const template = templates.find((t) => t.key === TEMPLATE_FOR_KIND[message.kind]);
  if (!template || !subscribe) return outcome('skipped', 'wechat_not_configured', DELIVERY_DETAIL.wechatNotConfigured);
  if (!(await takeCredit(deps, ownerId, template.templateId))) return outcome('skipped', 'no_credit', DELIVERY_DETAIL.noCredit);
  try {
    await subscribe.send({ touser: ownerId, templateId: template.templateId, page: message.page, data: templateData(template.keywords, message), miniprogramState, lang: 'zh_CN' });
    return SENT;
  } catch (error) {
    const code = error instanceof SubscribeMessageError ? error.errCode : null;
    if (code === ERRCODE_NO_CREDIT) {
      // WeChat has no credit for this user and template whatever our count says: trust WeChat.
      await settleCredit(deps, ownerId, template.templateId, 'clear');
      return outcome('skipped', 'no_credit', DELIVERY_DETAIL.noCredit);
    }
    await settleCredit(deps, ownerId, template.templateId, 'refund');
    deps.logger.warn('wechat.send_failed', { templateKey: template.key, errCode: code, error: error instanceof Error ? error.message : String(error) });
    if (code !== null && WECHAT_PERMANENT.has(code)) return outcome('failed', `wechat_${code}`, `${DELIVERY_DETAIL.wechatRejected}（错误码 ${code}）`);
    return outcome('retry', code === null ? 'wechat_unreachable' : `wechat_${code}`, describeDeliveryError(code === null ? 'unreachable' : `wechat_${code}`));
  }
}

/** One message through one of the user's channels; a removed channel is skipped. */
export async function sendToChannel(deps: EngineDeps, ownerId: string, message: OutgoingMessage, channel: ChannelDoc | undefined): Promise<Outcome> {
  if (!channel) return outcome('skipped', 'channel_removed', DELIVERY_DETAIL.channelRemoved);
  try {
    await deps.delivery.channels.send(openChannel(deps.cipher, ownerId, channel), message);
    return SENT;
  } catch (error) {
    if (!(error instanceof DeliveryError)) {
      deps.logger.error('notification.channel_error', { channel: channel.type, error: error instanceof Error ? error.message : String(error) });
      return outcome('retry', 'unexpected', describeDeliveryError('unexpected'));
    }
    deps.logger.warn('notification.channel_failed', { channel: channel.type, code: error.code, retryable: error.retryable });
    return outcome(error.retryable ? 'retry' : 'failed', error.code, describeDeliveryError(error.code));
  }
}

/**
 * "Send a test message" from the reminder settings: now, not through the outbox, and recorded on
 * the channel. `wechat` uses one banked reminder of the results template.
 */
export async function testChannel(deps: EngineDeps, ownerId: string, channelId: string): Promise<{ ok: boolean; message: string }> {
  const now = deps.clock.now();
  const user = await getUser(deps, ownerId);
  const channel = user.channels.find((c) => c.id === channelId);
  if (channelId !== 'wechat' && !channel) throw new NotFoundError(`channel ${channelId}`);
  const message: OutgoingMessage = { notificationId: `test-${now.toString(36)}`, ...renderNotification({ kind: 'test', channelLabel: channel?.label ?? WECHAT_CHANNEL_LABEL }, now) };
  const result = channelId === 'wechat' ? await sendWechat(deps, ownerId, message) : await sendToChannel(deps, ownerId, message, channel);
  const ok = result.status === 'sent';
  const text = result.status === 'sent' ? TEST_SENT : result.error.message;
  if (channel) await recordChannelTest(deps, ownerId, channel.id, { ok, message: ok ? null : text });
  return { ok, message: text };
}
