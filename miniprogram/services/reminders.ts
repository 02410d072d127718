/**
 * Reminder actions of the `api` function, one typed function each: the user's reminder settings,
 * banked WeChat subscriptions, their own notification channels, and the notification history.
 * `topUpReminders` joins the WeChat subscription prompt to `reportSubscription` for the pages.
 */
import type {
  AddChannelInput,
  AddChannelResult,
  ChannelTestResult,
  NotificationPage,
  UserSettings,
} from '../../typings/api';
import { callApi } from './cloud';
import { acceptedCount, requestSubscriptions } from './subscribe';
import type { SubscribeFailure } from './subscribe';

/** The channel id `testChannel` takes for WeChat subscription messages. */
export const WECHAT_CHANNEL_ID = 'wechat';

/** How many notifications one page of history holds. */
export const NOTIFICATION_PAGE_SIZE = 20;

export function getSettings(): Promise<UserSettings> {
  return callApi('getSettings', {});
}

/** Changes the reminder thresholds and/or the on-expiry reminder; answers with the settings as stored. */
export function updateSettings(patch: { reminderDays?: number[]; remindOnExpiry?: boolean }): Promise<UserSettings> {
  return callApi('updateSettings', patch);
}

/** Reports what `wx.requestSubscribeMessage` answered (without `errMsg`); each accept banks one reminder. */
export function reportSubscription(results: Record<string, string>): Promise<UserSettings> {
  return callApi('reportSubscription', { results });
}

/** Adds a WeCom robot, e-mail address or webhook; a webhook's signing secret is in the answer this once. */
export function addChannel(input: AddChannelInput): Promise<AddChannelResult> {
  return callApi('addChannel', input);
}

export function removeChannel(channelId: string): Promise<UserSettings> {
  return callApi('removeChannel', { channelId });
}

/** Sends a test message through one channel now; `WECHAT_CHANNEL_ID` uses one banked WeChat reminder. */
export function testChannel(channelId: string): Promise<ChannelTestResult> {
  return callApi('testChannel', { channelId });
}

/** One page of the user's notifications, newest first; pass the previous page's `nextCursor` for the next. */
export function listNotifications(cursor?: string | null): Promise<NotificationPage> {
  return callApi('listNotifications', cursor ? { limit: NOTIFICATION_PAGE_SIZE, cursor } : { limit: NOTIFICATION_PAGE_SIZE });
}

/** What a tap on "subscribe" came to. */
export type TopUpOutcome =
  /** At least one template accepted: `accepted` reminders were banked. */
  | { kind: 'subscribed'; accepted: number; settings: UserSettings }
  /** The prompt answered, but nothing was accepted (rejected, banned, filtered, or "keep my choice"). */
  | { kind: 'declined'; settings: UserSettings }
  /** WeChat did not ask: the subscription main switch is off, or another platform failure. */
  | { kind: 'failed'; failure: SubscribeFailure };

/**
 * Asks WeChat for one-time subscriptions to `templateIds` and reports the answer, so each accept
 * banks a reminder. Call it straight from a tap handler: `wx.requestSubscribeMessage` runs
 * synchronously here, before anything is awaited, because WeChat refuses it outside a tap.
 *
 * @throws ApiCallError when reporting fails.
 */
export async function topUpReminders(templateIds: readonly string[]): Promise<TopUpOutcome> {
  const answer = await requestSubscriptions(templateIds);
  if (!answer.ok) return { kind: 'failed', failure: answer.failure };
  const settings = await reportSubscription(answer.results);
  const accepted = acceptedCount(answer.results);
  return accepted > 0 ? { kind: 'subscribed', accepted, settings } : { kind: 'declined', settings };
}
