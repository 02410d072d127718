/**
 * A managed certificate is a lineage: the names, CA and settings the user chose, and the versions
 * issued for them over time (each renewal adds one).
 */
import type { CertificateInfo, KeyType } from '../ports/keys';
import type { StoredDoc } from '../ports/store';
import type { CaId } from './ca-catalog';
import type { Automation } from './automation';
import type { ValidationMethod } from './order';

export type CertificateStatus =
  /** No version yet; an order is under way. */
  | 'pending'
  /** A version is current and not revoked. */
  | 'active'
  /** The first order failed; nothing was issued. */
  | 'failed'
  /** The user cancelled the first order; nothing was issued. */
  | 'cancelled'
  | 'revoked';

export interface CertificateDoc extends StoredDoc {
  ownerId: string;
  names: string[];
  caId: CaId;
  accountId: string;
  keyType: KeyType | null;
  validation: ValidationMethod;
  profile: string | null;
  status: CertificateStatus;
  currentVersionId: string | null;
  currentOrderId: string | null;
  /** Of the current version, for lists and reminders. */
  notBefore: number | null;
  notAfter: number | null;
  autoRenew: boolean;
  /** How challenges are published: by the user, or by CertKeeper once set up. */
  automation: Automation;
  /** Renewal orders that failed in a row; reset when a renewal is issued. */
  renewalFailures: number;
  /** When to start the next renewal; null while one is under way or none is wanted. */
  renewAt: number | null;
  /** When to look at expiry reminders next; null when no threshold is left. */
  remindAt: number | null;
  /** The smallest reminder threshold (days) already sent for the current `notAfter`. */
  remindedDays: number | null;
  /** When to ask the CA's renewalInfo (ARI) again; null when the CA has none. */
  ariCheckAt: number | null;
  /** The earliest of `renewAt`, `remindAt` and `ariCheckAt`: when the scheduler looks at it next. */
  nextActionAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** RFC 5280 §5.3.1 revocation reasons that a subscriber may give (RFC 8555 §7.6 / CA/B BR §4.9.1.1). */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
} as const;

export type RevocationReason = keyof typeof REVOCATION_REASONS;

export interface CertificateVersionDoc extends StoredDoc {
  ownerId: string;
  certificateId: string;
  orderId: string;
  /** PEM chain exactly as the CA issued it, leaf first. */
  chainPem: string;
  /** Sealed PKCS#8 key; null when the user supplied the CSR and keeps the key. */
  privateKeySealed: string | null;
  leaf: CertificateInfo;
  chainLength: number;
  chainOrdered: boolean;
  revokedAt: number | null;
  revocationReason: RevocationReason | null;
  createdAt: number;
}

/** Fraction of the lifetime left at which a certificate is renewed (certbot, lego, LE's guidance). */
export const RENEW_AT_REMAINING_FRACTION = 1 / 3;
/** Short-lived certificates (under 10 days) renew at half their lifetime. */
export const SHORT_LIVED_REMAINING_FRACTION = 1 / 2;
const SHORT_LIVED_MS = 10 * 86_400_000;

/** When a certificate valid from `notBefore` to `notAfter` should be renewed (lifetime-ratio policy). */
export function renewalDueAt(notBefore: number, notAfter: number): number {
  const lifetime = notAfter - notBefore;
  const fraction = lifetime < SHORT_LIVED_MS ? SHORT_LIVED_REMAINING_FRACTION : RENEW_AT_REMAINING_FRACTION;
  return notAfter - Math.floor(lifetime * fraction);
}

/** Waits before another renewal attempt after `failures` failed ones. */
const RENEWAL_RETRY_MS = [3_600_000, 2 * 3_600_000, 4 * 3_600_000, 8 * 3_600_000, 12 * 3_600_000, 24 * 3_600_000];
/** Inside this margin before expiry, a failing renewal is retried at least hourly (emergency floor). */
export const EMERGENCY_MARGIN_MS = 7 * 86_400_000;

/** When to try renewing again after a failed renewal; never later than expiry allows. */
export function renewalRetryAt(failures: number, notAfter: number, now: number): number {
  const backoff = RENEWAL_RETRY_MS[Math.min(Math.max(0, failures), RENEWAL_RETRY_MS.length - 1)] ?? 3_600_000;
  const delay = notAfter - now < EMERGENCY_MARGIN_MS ? Math.min(backoff, 3_600_000) : backoff;
  return now + delay;
}

export interface CertificateSchedule {
  renewAt: number | null;
  remindAt: number | null;
  ariCheckAt: number | null;
}

/** A patch that sets the schedule and the `nextActionAt` the scheduler's index finds it by. */
export function schedule(times: CertificateSchedule): CertificateSchedule & { nextActionAt: number | null } {
  const set = [times.renewAt, times.remindAt, times.ariCheckAt].filter((t): t is number => t !== null);
  return { ...times, nextActionAt: set.length > 0 ? Math.min(...set) : null };
}

/** Nothing scheduled: revoked, failed, cancelled, or not yet issued. */
export const NOTHING_SCHEDULED = schedule({ renewAt: null, remindAt: null, ariCheckAt: null });

/**
 * When to renew: the CA's ARI time when it offers one, else the lifetime ratio. An ARI time later
 * than a tenth of the lifetime before expiry is not trusted (a floor, as certmagic has).
 */
export function renewalTime(notBefore: number, notAfter: number, ariTime: number | null): number {
  return ariTime === null ? renewalDueAt(notBefore, notAfter) : Math.min(ariTime, notAfter - Math.floor((notAfter - notBefore) / 10));
}

/** How often the CA's renewalInfo is asked again while waiting to renew (RFC 9773 §4.3: twice a day is typical). */
export const ARI_POLL_MS = 12 * 3_600_000;

/** When to ask renewalInfo next: the CA's Retry-After, kept between an hour and a day; 12 h without one. */
export function nextAriCheck(now: number, retryAfterMs: number | null): number {
  return now + (retryAfterMs === null ? ARI_POLL_MS : Math.min(24 * 3_600_000, Math.max(3_600_000, retryAfterMs)));
}

/** The deterministic id of the version an order produces, so a retried download cannot store two. */
export function versionIdForOrder(orderId: string): string {
  return `v-${orderId}`;
}
