import {
  EXPIRY_COLORS,
  colonHex,
  expiryClass,
  formatDate,
  formatDateTime,
  lifetimeDays,
  pfxPasswordProblem,
  pfxPasswordsMatch,
  remainingPercent,
  shortFingerprint,
} from '../../miniprogram/utils/certificate-view';
import { fillTemplate } from '../../miniprogram/utils/format';

const DAY = 86_400_000;

describe('certificate view helpers', () => {
  test('dates are shown as YYYY-MM-DD (HH:mm) in local time', () => {
    const at = new Date(2026, 2, 9, 7, 5).getTime();
    expect(formatDate(at)).toBe('2026-03-09');
    expect(formatDateTime(at)).toBe('2026-03-09 07:05');
  });

  test('fingerprints: colon pairs, upper case, shortened keeping both ends', () => {
    expect(colonHex('a1b2c3')).toBe('A1:B2:C3');
    expect(colonHex('A1:b2:C3')).toBe('A1:B2:C3');
    const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
    expect(shortFingerprint(sha)).toBe('A1:B2:C3:D4…6D:7E:8F:90');
    expect(shortFingerprint('a1b2c3d4')).toBe('A1:B2:C3:D4');
    expect(shortFingerprint('')).toBe('');
  });

  test('expiry levels map to a CSS modifier and a colour', () => {
    expect(expiryClass('warning')).toBe('expiry--warning');
    expect(Object.keys(EXPIRY_COLORS).sort()).toEqual(['critical', 'expired', 'none', 'safe', 'warning']);
  });

  test('remaining share of the validity period, clamped to 0–100', () => {
    const start = 1_000 * DAY;
    const end = start + 90 * DAY;
    expect(remainingPercent(start, end, start)).toBe(100);
    expect(remainingPercent(start, end, start - DAY)).toBe(100);
    expect(remainingPercent(start, end, start + 30 * DAY)).toBe(66);
    expect(remainingPercent(start, end, end)).toBe(0);
    expect(remainingPercent(start, end, end + DAY)).toBe(0);
    expect(remainingPercent(end, start, start)).toBe(0);
    expect(lifetimeDays(start, end)).toBe(90);
  });

  test('PFX password: 8–64 characters counted as code points', () => {
    expect(pfxPasswordProblem('')).toBe('required');
    expect(pfxPasswordProblem('1234567')).toBe('tooShort');
    expect(pfxPasswordProblem('12345678')).toBeNull();
    expect(pfxPasswordProblem('x'.repeat(64))).toBeNull();
    expect(pfxPasswordProblem('x'.repeat(65))).toBe('tooLong');
    // Four emoji are four characters, not eight UTF-16 units.
    expect(pfxPasswordProblem('😀😀😀😀')).toBe('tooShort');
    expect(pfxPasswordProblem('密码密码密码密码')).toBeNull();
    expect(pfxPasswordsMatch('abcdefgh', 'abcdefgh')).toBe(true);
    expect(pfxPasswordsMatch('abcdefgh', 'abcdefg')).toBe(false);
  });

  test('fillTemplate fills named placeholders and leaves unknown ones', () => {
    expect(fillTemplate('剩余 {days} 天', { days: 12 })).toBe('剩余 12 天');
    expect(fillTemplate('{a}/{b}/{c}', { a: 'x', b: 2 })).toBe('x/2/{c}');
  });
});
