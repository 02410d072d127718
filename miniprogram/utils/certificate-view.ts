/**
 * Pure helpers that turn certificate data into display values. No user-visible words live here:
 * pages own their strings and map the codes returned below.
 */
import type { CertificateStatus, ExpiryLevel } from '../../typings/api';

const DAY_MS = 24 * 60 * 60 * 1000;

/** `2026-03-09` in the device's time zone. */
export function formatDate(epochMs: number): string {
  const date = new Date(epochMs);
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
}

/** `2026-03-09 14:05` in the device's time zone. */
export function formatDateTime(epochMs: number): string {
  const date = new Date(epochMs);
  return `${formatDate(epochMs)} ${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** A hex digest as upper-case byte pairs joined by colons, the way browsers and `openssl` show it. */
export function colonHex(hex: string): string {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  const pairs = clean.match(/.{1,2}/g) ?? [];
  return pairs.join(':');
}

/** The first and last `keep` bytes of a digest: `3F:A2:19:0C…9C:01:7E:55`. Short digests are returned whole. */
export function shortFingerprint(hex: string, keep = 4): string {
  const pairs = colonHex(hex).split(':').filter((pair) => pair !== '');
  if (pairs.length <= keep * 2) return pairs.join(':');
  return `${pairs.slice(0, keep).join(':')}…${pairs.slice(-keep).join(':')}`;
}

/** CSS modifier for the days-left indicator of each expiry level (see the pages' wxss). */
export function expiryClass(level: ExpiryLevel): string {
  return `expiry--${level}`;
}

/** Bar colour of each expiry level: TDesign's success / warning / error palette, grey-red once expired. */
export const EXPIRY_COLORS: Readonly<Record<ExpiryLevel, string>> = {
  safe: '#2ba471',
  warning: '#e37318',
  critical: '#d54941',
  expired: '#c9353f',
  none: '#c5c5c5',
};

/**
 * Share of the validity period still ahead, 0–100, rounded down: 100 at `notBefore`, 0 at and after
 * `notAfter`. Used as the width of the validity bar.
 */
export function remainingPercent(notBefore: number, notAfter: number, now: number): number {
  const lifetime = notAfter - notBefore;
  if (lifetime <= 0) return 0;
  const left = Math.min(Math.max(notAfter - now, 0), lifetime);
  return Math.floor((left / lifetime) * 100);
}

/** Whole days of the validity period: 47 for a 47-day certificate. */
export function lifetimeDays(notBefore: number, notAfter: number): number {
  return Math.round((notAfter - notBefore) / DAY_MS);
}

export const PFX_PASSWORD_MIN = 8;
export const PFX_PASSWORD_MAX = 64;

export type PfxPasswordProblem = 'required' | 'tooShort' | 'tooLong';

/** What is wrong with a PFX password (8–64 characters, counted as code points), or null. */
export function pfxPasswordProblem(password: string): PfxPasswordProblem | null {
  const length = Array.from(password).length;
  if (length === 0) return 'required';
  if (length < PFX_PASSWORD_MIN) return 'tooShort';
  if (length > PFX_PASSWORD_MAX) return 'tooLong';
  return null;
}

/** Whether the confirmation repeats the password exactly. */
export function pfxPasswordsMatch(password: string, confirmation: string): boolean {
  return password === confirmation;
}

/** TDesign tag themes. */
export type TagTheme = 'default' | 'primary' | 'success' | 'warning' | 'danger';

/** The tag colour of each certificate status, the same on the list and the detail page. */
export const STATUS_THEMES: Readonly<Record<CertificateStatus, TagTheme>> = {
  pending: 'primary',
  active: 'success',
  failed: 'danger',
  cancelled: 'default',
  revoked: 'danger',
};
