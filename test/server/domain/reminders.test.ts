import { daytime, DAY_MS, daysLeft, reminderStep, renewalLateAt, thresholds, type ReminderSubject } from '../../../server/domain/reminders';

const HOUR = 3_600_000;
/** 2026-03-01 12:00 China time (04:00 UTC): a daytime moment. */
const NOON_CHINA = Date.UTC(2026, 2, 1, 4, 0, 0);
const POLICY = { reminderDays: [30, 14, 7, 3, 1], remindOnExpiry: true };

function manual(overrides: Partial<ReminderSubject> = {}): ReminderSubject {
  return { status: 'active', autoRenew: false, renewalFailures: 0, notBefore: NOON_CHINA - 60 * DAY_MS, notAfter: NOON_CHINA + 30 * DAY_MS, remindedDays: null, ...overrides };
}

/** Walks the clock hour by hour from `from` to `to`, sending whatever is due, as the scheduler does. */
function walk(subject: ReminderSubject, policy = POLICY, from = subject.notBefore ?? 0, to = (subject.notAfter ?? 0) + 2 * DAY_MS) {
  const sent: { days: number; at: number }[] = [];
  let state = subject;
  let next: number | null = from;
  for (let now = from; now <= to; now += HOUR) {
    if (next === null || now < next) continue;
    const step = reminderStep(state, policy, now);
    if (step.sendDays !== null) sent.push({ days: step.sendDays, at: now });
    state = { ...state, remindedDays: step.remindedDays };
    next = step.nextAt;
  }
  return sent;
}

test('thresholds: de-duplicated, descending, 0 for expiry day, nonsense dropped', () => {
  expect(thresholds({ reminderDays: [7, 30, 7, 0, -1, 2.5], remindOnExpiry: true })).toEqual([30, 7, 0]);
  expect(thresholds({ reminderDays: [1], remindOnExpiry: false })).toEqual([1]);
});

test('a certificate that does not renew itself gets every threshold once, in order, in the daytime', () => {
  const subject = manual();
  const sent = walk(subject);
  expect(sent.map((s) => s.days)).toEqual([30, 14, 7, 3, 1, 0]);
  for (const { days, at } of sent) {
    const hourInChina = new Date(at + 8 * HOUR).getUTCHours();
    expect(hourInChina).toBeGreaterThanOrEqual(9);
    expect(hourInChina).toBeLessThan(21);
    // Never later than promised: at or before the threshold moment, and within a day of it.
    expect(at).toBeLessThanOrEqual((subject.notAfter ?? 0) - days * DAY_MS);
    expect((subject.notAfter ?? 0) - days * DAY_MS - at).toBeLessThan(DAY_MS);
  }
});

test('a self-renewing certificate stays quiet until its renewal is late, then reminds with the days really left', () => {
  const notBefore = NOON_CHINA;
  const notAfter = NOON_CHINA + 90 * DAY_MS;
  const subject = manual({ autoRenew: true, notBefore, notAfter });
  const late = renewalLateAt(notBefore, notAfter);
  expect(notAfter - late).toBe(15 * DAY_MS);
  const sent = walk(subject);
  // 30 days passed while quiet: at the late point the 30-day reminder goes out (with 15 days left), then the rest.
  expect(sent.map((s) => s.days)).toEqual([30, 14, 7, 3, 1, 0]);
  expect(sent[0]?.at).toBeGreaterThanOrEqual(late);
  expect(daysLeft(notAfter, sent[0]?.at ?? 0)).toBe(15);
});

test('a renewal that failed ends the quiet at once', () => {
  const notBefore = NOON_CHINA;
  const notAfter = NOON_CHINA + 90 * DAY_MS;
  const now = notAfter - 20 * DAY_MS;
  const quiet = reminderStep(manual({ autoRenew: true, notBefore, notAfter }), POLICY, now);
  expect(quiet.sendDays).toBeNull();
  expect(quiet.nextAt).toBe(renewalLateAt(notBefore, notAfter));
  const failing = reminderStep(manual({ autoRenew: true, renewalFailures: 1, notBefore, notAfter }), POLICY, now);
  expect(failing.sendDays).toBe(30);
  expect(failing.remindedDays).toBe(30);
});

test('thresholds as long as the lifetime are dropped; nothing for revoked or unissued certificates', () => {
  const shortLived = manual({ notBefore: NOON_CHINA, notAfter: NOON_CHINA + 6 * DAY_MS });
  expect(walk(shortLived).map((s) => s.days)).toEqual([3, 1, 0]);
  expect(reminderStep(manual({ status: 'revoked' }), POLICY, NOON_CHINA + 29 * DAY_MS)).toEqual({ sendDays: null, remindedDays: null, nextAt: null });
  expect(reminderStep(manual({ notAfter: null }), POLICY, NOON_CHINA).nextAt).toBeNull();
});

test('after a pause only the most urgent of the thresholds reached is sent', () => {
  const subject = manual();
  const step = reminderStep(subject, POLICY, (subject.notAfter ?? 0) - 5 * DAY_MS);
  expect(step).toEqual({ sendDays: 7, remindedDays: 7, nextAt: daytime((subject.notAfter ?? 0) - 3 * DAY_MS) });
});

test('a threshold already sent is not sent again, whatever the clock does', () => {
  const subject = manual({ remindedDays: 7 });
  const step = reminderStep(subject, POLICY, (subject.notAfter ?? 0) - 10 * DAY_MS);
  expect(step.sendDays).toBeNull();
  expect(step.nextAt).toBe(daytime((subject.notAfter ?? 0) - 3 * DAY_MS));
});

test('daytime moves night-time moments to the evening before, and leaves daytime alone', () => {
  expect(daytime(NOON_CHINA)).toBe(NOON_CHINA);
  const threeAmChina = Date.UTC(2026, 2, 1, 19, 0, 0); // 2026-03-02 03:00 China time
  expect(new Date(daytime(threeAmChina) + 8 * HOUR).toISOString()).toBe('2026-03-01T20:00:00.000Z');
  const tenPmChina = Date.UTC(2026, 2, 1, 14, 0, 0); // 22:00 China time
  expect(new Date(daytime(tenPmChina) + 8 * HOUR).toISOString()).toBe('2026-03-01T20:00:00.000Z');
  const ninePmChina = Date.UTC(2026, 2, 1, 13, 0, 0); // 21:00 China time: night
  expect(daytime(ninePmChina)).toBe(ninePmChina - HOUR);
});
