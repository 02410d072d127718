/**
 * When to remind a user that a certificate expires. Pure: the caller passes the time.
 *
 * Thresholds are whole days before `notAfter` (the user's list, plus 0 = "on expiry"). A
 * certificate that renews itself stays quiet: its reminders are held back until the renewal is
 * late (`renewalLateAt`) or has failed, so a healthy lineage only ever produces "renewed" notices.
 * Each threshold fires at most once per validity end, and when several were reached at once (say
 * after a pause, or when quiet ends) only the most urgent one is sent.
 */
import { RENEW_AT_REMAINING_FRACTION, SHORT_LIVED_REMAINING_FRACTION, type CertificateStatus } from './certificate';

export const DAY_MS = 86_400_000;
/** How long before the moment of expiry the "on expiry" reminder goes out. */
export const EXPIRY_DAY_LEAD_MS = 6 * 3_600_000;

export interface ReminderPolicy {
  /** Days before expiry, any order. */
  reminderDays: readonly number[];
  remindOnExpiry: boolean;
}

export interface ReminderSubject {
  status: CertificateStatus;
  autoRenew: boolean;
  renewalFailures: number;
  notBefore: number | null;
  notAfter: number | null;
  /** The smallest threshold already sent for this `notAfter`; null when none. */
  remindedDays: number | null;
}

export interface ReminderStep {
  /** The threshold (days) to send a reminder for now; null when nothing is due. */
  sendDays: number | null;
  /** `remindedDays` after this step. */
  remindedDays: number | null;
  /** When to look again; null when no threshold is left. */
  nextAt: number | null;
}

/**
 * The moment a self-renewing certificate's renewal counts as late: half the renewal margin
 * before expiry (a sixth of the lifetime left, a quarter for short-lived certificates).
 */
export function renewalLateAt(notBefore: number, notAfter: number): number {
  const lifetime = notAfter - notBefore;
  const fraction = lifetime < 10 * DAY_MS ? SHORT_LIVED_REMAINING_FRACTION : RENEW_AT_REMAINING_FRACTION;
  return notAfter - Math.floor((lifetime * fraction) / 2);
}

/** What to send now and when to look next, for `subject` at `now`. */
export function reminderStep(subject: ReminderSubject, policy: ReminderPolicy, now: number): ReminderStep {
  const { notBefore, notAfter, remindedDays } = subject;
  if (subject.status !== 'active' || notBefore === null || notAfter === null) return { sendDays: null, remindedDays, nextAt: null };
  const quietUntil = subject.autoRenew && subject.renewalFailures === 0 ? renewalLateAt(notBefore, notAfter) : Number.NEGATIVE_INFINITY;
  // "On expiry" goes out on the expiry day, some hours before the moment, not after it.
  const momentOf = (days: number) => Math.max(daytime(notAfter - Math.max(days * DAY_MS, EXPIRY_DAY_LEAD_MS)), quietUntil);
  // Descending; a threshold as long as the lifetime itself would fire at issuance, so it is dropped.
  const open = thresholds(policy).filter((days) => notAfter - days * DAY_MS > notBefore && (remindedDays === null || days < remindedDays));
  const reached = open.filter((days) => momentOf(days) <= now);
  const sendDays = reached.length > 0 ? Math.min(...reached) : null;
  const sent = sendDays ?? remindedDays;
  const following = open.find((days) => sent === null || days < sent);
  return { sendDays, remindedDays: sent, nextAt: following === undefined ? null : momentOf(following) };
}

/** The user's thresholds with 0 for "on expiry", de-duplicated, descending. */
export function thresholds(policy: ReminderPolicy): number[] {
  const days = new Set(policy.reminderDays.filter((d) => Number.isInteger(d) && d > 0));
  if (policy.remindOnExpiry) days.add(0);
  return [...days].sort((a, b) => b - a);
}

/** Whole days from `now` until `notAfter`, rounded up; negative once expired. */
export function daysLeft(notAfter: number, now: number): number {
  return Math.ceil((notAfter - now) / DAY_MS);
}

const CHINA_OFFSET_MS = 8 * 3_600_000;
const HOUR_MS = 3_600_000;
/** Reminders go out between 09:00 and 21:00 China time. */
const DAY_STARTS_AT_HOUR = 9;
const DAY_ENDS_AT_HOUR = 21;

/**
 * `moment`, or the nearest earlier daytime moment (20:00 China time) when it falls at night, so
 * that nobody is woken up and a reminder is never later than promised.
 */
export function daytime(moment: number): number {
  const local = moment + CHINA_OFFSET_MS;
  const hour = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
  if (hour >= DAY_STARTS_AT_HOUR && hour < DAY_ENDS_AT_HOUR) return moment;
  const midnight = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  const evening = midnight + (DAY_ENDS_AT_HOUR - 1) * HOUR_MS;
  return (hour >= DAY_ENDS_AT_HOUR ? evening : evening - DAY_MS) - CHINA_OFFSET_MS;
}
