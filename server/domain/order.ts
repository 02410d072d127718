/**
 * The certificate order as a step machine (RFC 8555 §7.1.6 order lifecycle, seen from our side):
 *
 *   created ─► awaitingUser ─► validating ─► ready ─► finalizing ─► issued
 *      │            │              │           │           │
 *      └────────────┴──────────────┴───────────┴───────────┴──► invalid (the CA's reason)
 *   awaitingUser / validating / ready ──► expired (the CA's order lifetime ran out)
 *   created / awaitingUser / validating / ready ──► cancelled (by the user)
 *
 * Each step does one bounded exchange with the CA and records when the order is next due, so no
 * invocation ever waits. Everything here is pure: time comes in as `now`.
 */
import type { AcmeErrorKind } from '../ports/acme';
import type { KeyType } from '../ports/keys';
import type { StoredDoc } from '../ports/store';
import type { Automation, PublishedRecord } from './automation';
import type { CaId } from './ca-catalog';

export type OrderState =
  | 'created'
  | 'awaitingUser'
  | 'validating'
  | 'ready'
  | 'finalizing'
  | 'issued'
  | 'invalid'
  | 'expired'
  | 'cancelled';

export type ValidationMethod = 'dns-01' | 'http-01';

/** One authorization and the challenge the user (or we) must satisfy for it. */
export interface ChallengeTask {
  authorizationUrl: string;
  /** The identifier, without `*.` for a wildcard. */
  name: string;
  wildcard: boolean;
  status: 'pending' | 'valid' | 'invalid' | 'deactivated' | 'expired' | 'revoked';
  challengeUrl: string;
  token: string;
  /** dns-01: the TXT value; http-01: the file content. */
  proof: string;
  error: OrderProblem | null;
}

/** CA problem kinds, plus what the engine itself finds wrong. */
export type OrderProblemKind =
  | AcmeErrorKind
  /** The CA offers no challenge of the chosen method for a name (e.g. http-01 for a wildcard). */
  | 'challengeNotOffered'
  /** The issued certificate does not match the order's names or the stored key. */
  | 'certificateMismatch'
  /** The CA's order lifetime ran out first. */
  | 'orderExpired'
  /** A fault of ours, retried. */
  | 'internal'
  /** Automatic validation could not publish the challenge (DNS provider refused, delegation missing). */
  | 'automationFailed';

/** What went wrong, kept for the user (explained in Chinese at the edge) and for logs. */
export interface OrderProblem {
  kind: OrderProblemKind;
  detail: string;
  status: number | null;
  identifier: string | null;
  at: number;
  retryAfterMs: number | null;
}

export interface SelfCheckItem {
  /** The TXT record name or the http-01 URL that was checked. */
  target: string;
  names: string[];
  ok: boolean;
  problem: string | null;
  missingValues: string[];
  /** English, for logs. */
  detail: string;
  /** Chinese, for the user: what is wrong and how to fix it (null when the item passed). */
  reason: string | null;
  fix: string | null;
}

export interface SelfCheckRecord {
  at: number;
  ok: boolean;
  items: SelfCheckItem[];
}

export interface OrderDoc extends StoredDoc {
  ownerId: string;
  certificateId: string;
  caId: CaId;
  accountId: string;
  /** A-label names, in the order requested. */
  names: string[];
  validation: ValidationMethod;
  /** null when the user supplied the CSR. */
  keyType: KeyType | null;
  /** The user's CSR, or ours once the key is generated (stored before finalize). */
  csrPem: string | null;
  privateKeySealed: string | null;
  profile: string | null;
  /** ARI certificate identifier of the certificate this order renews (RFC 9773 §5). */
  replaces: string | null;
  state: OrderState;
  stateChangedAt: number;
  /** Polls or failures in the current state; drives the backoff. */
  attempts: number;
  nextActionAt: number | null;
  acmeOrderUrl: string | null;
  finalizeUrl: string | null;
  certificateUrl: string | null;
  caExpiresAt: number | null;
  challenges: ChallengeTask[];
  /** The certificate's automation when the order was made; `manual` waits for the user. */
  automation: Automation;
  /** What this order published itself (automation), removed when it ends. */
  published: PublishedRecord[];
  selfCheck: SelfCheckRecord | null;
  lastError: OrderProblem | null;
  issuedVersionId: string | null;
  createdAt: number;
  updatedAt: number;
}

const TRANSITIONS: Readonly<Record<OrderState, readonly OrderState[]>> = {
  created: ['awaitingUser', 'ready', 'invalid', 'cancelled'],
  // `ready` directly when the CA reuses valid authorizations.
  awaitingUser: ['validating', 'ready', 'invalid', 'expired', 'cancelled'],
  validating: ['ready', 'finalizing', 'invalid', 'expired', 'cancelled'],
  ready: ['finalizing', 'invalid', 'expired', 'cancelled'],
  // Once the CSR is submitted the CA may issue at any moment: the order runs to its end.
  finalizing: ['issued', 'invalid'],
  issued: [],
  invalid: [],
  expired: [],
  cancelled: [],
};

export function canTransition(from: OrderState, to: OrderState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(state: OrderState): boolean {
  return TRANSITIONS[state].length === 0;
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: OrderState,
    readonly to: OrderState,
  ) {
    super(`order: no transition from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

/** The fields that move an order to `to`, with its counters reset. Throws on an illegal move. */
export function transition(order: Pick<OrderDoc, 'state'>, to: OrderState, now: number): Pick<OrderDoc, 'state' | 'stateChangedAt' | 'attempts' | 'updatedAt'> {
  if (!canTransition(order.state, to)) throw new IllegalTransitionError(order.state, to);
  return { state: to, stateChangedAt: now, attempts: 0, updatedAt: now };
}

export type OrderStep =
  | 'none'
  | 'expire'
  | 'placeOrder'
  | 'checkAndSubmit'
  | 'poll'
  | 'prepareKey'
  | 'finalize'
  | 'pollFinalization'
  | 'download'
  /** Automation: publish the challenges (DNS provider, delegation zone, acmehttp tokens). */
  | 'publish'
  /** Automation: remove what the order published, after it ended. */
  | 'cleanup';

/** What `advanceOrder` should do now, if anything. */
export function nextStep(order: OrderDoc, now: number): OrderStep {
  // An order that ended still removes what it published (automation) before it rests.
  if (isTerminal(order.state)) return order.published.length > 0 && order.nextActionAt !== null && order.nextActionAt <= now ? 'cleanup' : 'none';
  const expirable = order.state === 'awaitingUser' || order.state === 'validating' || order.state === 'ready';
  if (expirable && order.caExpiresAt !== null && now >= order.caExpiresAt) return 'expire';
  if (order.nextActionAt === null || order.nextActionAt > now) return 'none';
  switch (order.state) {
    case 'created':
      return 'placeOrder';
    case 'awaitingUser':
      // An automated order publishes its challenges first; then it checks and submits like any other.
      return order.automation.kind !== 'manual' && order.published.length === 0 && order.challenges.some((t) => t.status === 'pending') ? 'publish' : 'checkAndSubmit';
    case 'validating':
      return 'poll';
    case 'ready':
      return order.csrPem ? 'finalize' : 'prepareKey';
    case 'finalizing':
      return order.certificateUrl ? 'download' : 'pollFinalization';
    default:
      return 'none';
  }
}

/** Waits between status polls while the CA works (validating, finalizing); the first look is immediate. */
const POLL_DELAYS_MS = [0, 50, 100, 250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000];
/** Waits after a transient failure (rate limit, CA down, network). */
const RETRY_DELAYS_MS = [5_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000];
/** Waits between automatic self-checks while the user sets up the challenge. */
const SELF_CHECK_DELAYS_MS = [30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];

function pick(table: readonly number[], attempt: number): number {
  return table[Math.min(Math.max(0, attempt), table.length - 1)] ?? 0;
}

export function pollDelayMs(attempt: number): number {
  return pick(POLL_DELAYS_MS, attempt);
}

export function selfCheckDelayMs(attempt: number): number {
  return pick(SELF_CHECK_DELAYS_MS, attempt);
}

/** The wait after a failure: the backoff table, or longer when the CA asked for it. */
export function retryDelayMs(attempt: number, retryAfterMs: number | null): number {
  return Math.max(pick(RETRY_DELAYS_MS, attempt), retryAfterMs ?? 0);
}

/** How the user sees an order's progress: the five steps of the validation page. */
export type ProgressStep = 'created' | 'waitingForRecords' | 'caValidating' | 'issuing' | 'issued';

export function progressOf(state: OrderState): ProgressStep | null {
  switch (state) {
    case 'created':
      return 'created';
    case 'awaitingUser':
      return 'waitingForRecords';
    case 'validating':
      return 'caValidating';
    case 'ready':
    case 'finalizing':
      return 'issuing';
    case 'issued':
      return 'issued';
    default:
      return null;
  }
}

/** What the user must publish, grouped: apex and wildcard share one TXT name with two values. */
export interface DnsInstruction {
  recordName: string;
  type: 'TXT';
  values: string[];
  names: string[];
}

export interface HttpInstruction {
  url: string;
  path: string;
  content: string;
  name: string;
}

export function dnsInstructions(tasks: readonly ChallengeTask[]): DnsInstruction[] {
  const byRecord = new Map<string, DnsInstruction>();
  for (const task of tasks) {
    if (task.status !== 'pending') continue;
    const recordName = `_acme-challenge.${task.name}`;
    const entry = byRecord.get(recordName) ?? { recordName, type: 'TXT' as const, values: [], names: [] };
    entry.values.push(task.proof);
    entry.names.push(task.wildcard ? `*.${task.name}` : task.name);
    byRecord.set(recordName, entry);
  }
  return [...byRecord.values()];
}

export function httpInstructions(tasks: readonly ChallengeTask[]): HttpInstruction[] {
  return tasks
    .filter((task) => task.status === 'pending')
    .map((task) => {
      const path = `/.well-known/acme-challenge/${task.token}`;
      return { url: `http://${task.name}${path}`, path, content: task.proof, name: task.name };
    });
}
