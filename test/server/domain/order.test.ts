import {
  canTransition,
  dnsInstructions,
  httpInstructions,
  IllegalTransitionError,
  isTerminal,
  nextStep,
  pollDelayMs,
  progressOf,
  retryDelayMs,
  selfCheckDelayMs,
  transition,
  type ChallengeTask,
  type OrderDoc,
  type OrderState,
} from '../../../server/domain/order';
import { renewalDueAt, versionIdForOrder } from '../../../server/domain/certificate';

const NOW = 1_800_000_000_000;

function order(over: Partial<OrderDoc>): OrderDoc {
  return {
    _id: 'o1', version: 1, ownerId: 'u', certificateId: 'c', caId: 'pebble', accountId: 'a', names: ['a.example.test'],
    validation: 'dns-01', keyType: 'ec-p256', csrPem: null, privateKeySealed: null, profile: null, replaces: null,
    state: 'created', stateChangedAt: NOW, attempts: 0, nextActionAt: NOW, acmeOrderUrl: null, finalizeUrl: null,
    certificateUrl: null, caExpiresAt: null, challenges: [], automation: { kind: 'manual' }, published: [], selfCheck: null, lastError: null,
    issuedVersionId: null, createdAt: NOW, updatedAt: NOW, ...over,
  };
}

function task(name: string, wildcard: boolean, proof: string, status: ChallengeTask['status'] = 'pending'): ChallengeTask {
  return { authorizationUrl: `https://ca/authz/${proof}`, name, wildcard, status, challengeUrl: `https://ca/chall/${proof}`, token: `tok-${proof}`, proof, error: null };
}

describe('order transitions', () => {
  const ALL: OrderState[] = ['created', 'awaitingUser', 'validating', 'ready', 'finalizing', 'issued', 'invalid', 'expired', 'cancelled'];

  test('terminal states go nowhere; every live state can fail', () => {
    for (const state of ALL) {
      if (isTerminal(state)) expect(ALL.filter((to) => canTransition(state, to))).toEqual([]);
      else expect(canTransition(state, 'invalid')).toBe(true);
    }
    expect(ALL.filter(isTerminal)).toEqual(['issued', 'invalid', 'expired', 'cancelled']);
  });

  test('once the CSR is submitted the order cannot be cancelled or expire', () => {
    expect(canTransition('finalizing', 'cancelled')).toBe(false);
    expect(canTransition('finalizing', 'expired')).toBe(false);
    expect(canTransition('ready', 'cancelled')).toBe(true);
  });

  test('transition() resets the counters and refuses illegal moves', () => {
    expect(transition({ state: 'validating' }, 'ready', NOW)).toEqual({ state: 'ready', stateChangedAt: NOW, attempts: 0, updatedAt: NOW });
    expect(() => transition({ state: 'issued' }, 'ready', NOW)).toThrow(IllegalTransitionError);
    expect(() => transition({ state: 'created' }, 'finalizing', NOW)).toThrow('no transition from created to finalizing');
  });
});

describe('nextStep', () => {
  test.each<[Partial<OrderDoc>, string]>([
    [{ state: 'created' }, 'placeOrder'],
    [{ state: 'awaitingUser' }, 'checkAndSubmit'],
    [{ state: 'validating' }, 'poll'],
    [{ state: 'ready' }, 'prepareKey'],
    [{ state: 'ready', csrPem: 'CSR' }, 'finalize'],
    [{ state: 'finalizing' }, 'pollFinalization'],
    [{ state: 'finalizing', certificateUrl: 'https://ca/cert/1' }, 'download'],
    [{ state: 'issued' }, 'none'],
    [{ state: 'awaitingUser', nextActionAt: NOW + 1 }, 'none'],
    [{ state: 'awaitingUser', nextActionAt: null }, 'none'],
    [{ state: 'awaitingUser', nextActionAt: null, caExpiresAt: NOW }, 'expire'],
    [{ state: 'validating', nextActionAt: NOW + 60_000, caExpiresAt: NOW - 1 }, 'expire'],
    // Finalizing never expires: the certificate may already exist.
    [{ state: 'finalizing', caExpiresAt: NOW - 1 }, 'pollFinalization'],
  ])('%p → %s', (over, step) => {
    expect(nextStep(order(over), NOW)).toBe(step);
  });
});

describe('delays', () => {
  test('polls start at once and back off to 30 s', () => {
    expect([0, 1, 2, 3].map(pollDelayMs)).toEqual([0, 50, 100, 250]);
    expect(pollDelayMs(99)).toBe(30_000);
  });

  test('failures back off from 5 s to 30 min, or longer when the CA says Retry-After', () => {
    expect(retryDelayMs(0, null)).toBe(5_000);
    expect(retryDelayMs(50, null)).toBe(1_800_000);
    expect(retryDelayMs(0, 3_600_000)).toBe(3_600_000);
    expect(retryDelayMs(3, 1_000)).toBe(60_000);
  });

  test('automatic self-checks slow down while the user is away', () => {
    expect(selfCheckDelayMs(0)).toBe(30_000);
    expect(selfCheckDelayMs(100)).toBe(3_600_000);
  });
});

describe('instructions', () => {
  test('apex and wildcard share one TXT record with two values; valid ones are left out', () => {
    const tasks = [task('example.com', false, 'v1'), task('example.com', true, 'v2'), task('api.example.com', false, 'v3', 'valid')];
    expect(dnsInstructions(tasks)).toEqual([{ recordName: '_acme-challenge.example.com', type: 'TXT', values: ['v1', 'v2'], names: ['example.com', '*.example.com'] }]);
  });

  test('http-01: the exact URL, path and content per name', () => {
    expect(httpInstructions([task('www.example.com', false, 'tok.thumb')])).toEqual([
      { url: 'http://www.example.com/.well-known/acme-challenge/tok-tok.thumb', path: '/.well-known/acme-challenge/tok-tok.thumb', content: 'tok.thumb', name: 'www.example.com' },
    ]);
  });

  test('progress maps states onto the five steps the user sees', () => {
    expect(['created', 'awaitingUser', 'validating', 'ready', 'finalizing', 'issued', 'invalid'].map((s) => progressOf(s as OrderState))).toEqual([
      'created', 'waitingForRecords', 'caValidating', 'issuing', 'issuing', 'issued', null,
    ]);
  });
});

describe('certificate lifetime policy', () => {
  const DAY = 86_400_000;
  test.each([
    [90, 60],
    [47, 31],
    [200, 133],
    [6, 3],
  ])('a %i-day certificate renews after about %i days', (days, after) => {
    const due = renewalDueAt(NOW, NOW + days * DAY);
    expect(Math.round((due - NOW) / DAY)).toBe(after);
  });

  test('the version id is a function of the order, so a retried download cannot store two', () => {
    expect(versionIdForOrder('abc')).toBe(versionIdForOrder('abc'));
  });
});
