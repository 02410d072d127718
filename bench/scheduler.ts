/**
 * Scheduler tick benchmark: the cost of a tick must grow with the work that is due, not with the
 * number of certificates stored. Two SQLite stores, 10 000 and 100 000 active lineages, 1% of
 * each due for an expiry reminder now; the 10 000 store is the baseline measured in the same run.
 * Run: npx tsx bench/scheduler.ts (also part of npm run bench)
 *
 * - Every lineage is active with autoRenew off, so the tick never touches a CA: a due one gets its
 *   14-day reminder (a notification) and its next reminder time. Owners have the default settings
 *   and no channels; WeChat is not configured, so each notification's one delivery (WeChat) is
 *   skipped at once. The tick delivers them in the same call (notifications come after certificates).
 * - One `runSchedulerTick` call with batch = due count does all of it; so do ticks of the default
 *   batch (50) called until one finds nothing. The due lineages are put back and the notifications
 *   removed between runs (not timed). Runs of the two sizes alternate, in rounds; the small store,
 *   whose runs are ten times shorter, runs five times per round.
 * - findDue alone: the certificates' "next action ≤ now" query, limit = due count.
 * - Store calls per due certificate, counted in one more (untimed) tick: equal at both sizes when
 *   nothing scans.
 * Prints medians, ms per due certificate and the ratio 100k / 10k (target ≤ 1.5).
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvelopeCipher, parseMasterKeys } from '../server/adapters/crypto/envelope-cipher';
import { SqliteStore } from '../server/adapters/store/sqlite-store';
import { schedule, type CertificateDoc } from '../server/domain/certificate';
import { DAY_MS, daytime, reminderStep } from '../server/domain/reminders';
import { createLocalEngine } from '../server/local/engine';
import type { EngineDeps } from '../server/usecases/engine';
import { runSchedulerTick, type TickReport } from '../server/usecases/scheduler-tick';
import { DEFAULT_SETTINGS, userDocId, type UserDoc } from '../server/usecases/settings';
import type { CollectionName } from '../server/ports/collections';
import type { DocCollection, NewDoc, Store, StoredDoc } from '../server/ports/store';

const SIZES = [10_000, 100_000] as const;
/** One lineage in this many is due. */
const DUE_EVERY = 100;
const CERTIFICATES_PER_USER = 10;
const TICK_ROUNDS = 9;
const FIND_DUE_RUNS = 25;
const TARGET_RATIO = 1.5;
/** 12:00 China time, so reminder moments are not moved by the night rule. */
const NOW = Date.UTC(2026, 5, 15, 4);
const HOUR_MS = 3_600_000;
const LIFETIME_MS = 90 * DAY_MS;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** A lineage as the engine leaves it after issuance (autoRenew off), seen at NOW. */
function lineage(i: number): NewDoc<CertificateDoc> {
  const due = i % DUE_EVERY === 0;
  const ownerId = `bench-user-${Math.floor(i / CERTIFICATES_PER_USER)}`;
  // Due: 10 days (and up to 16 h) left, the 30-day reminder sent, the 14-day one reached.
  // Not due: 31 to 89 days left, so even the 30-day reminder lies ahead.
  const notAfter = due ? NOW + 10 * DAY_MS + (i % 1000) * 60_000 : NOW + 31 * DAY_MS + ((i * 7919) % (58 * 24)) * HOUR_MS;
  const notBefore = notAfter - LIFETIME_MS;
  const subject = { status: 'active' as const, autoRenew: false, renewalFailures: 0, notBefore, notAfter, remindedDays: null };
  // The schedule the engine computed when it last looked: at NOW, or when the 30-day reminder went out.
  const lookedAt = due ? daytime(notAfter - 30 * DAY_MS) : NOW;
  const step = reminderStep(subject, DEFAULT_SETTINGS, lookedAt);
  const remindedDays = due ? step.remindedDays : null;
  const times = schedule({ renewAt: null, remindAt: step.nextAt, ariCheckAt: null });
  const dueNow = times.nextActionAt !== null && times.nextActionAt <= NOW;
  if (dueNow !== due) throw new Error(`lineage ${i}: due ${String(dueNow)}, meant ${String(due)}`);
  const name = `site${i}.bench.example.com`;
  return {
    ownerId,
    names: [name, `www.${name}`],
    caId: 'letsencrypt',
    accountId: `acct-${ownerId}`,
    keyType: 'ec-p256',
    validation: 'dns-01',
    profile: null,
    status: 'active',
    currentVersionId: `v-order-${i}`,
    currentOrderId: `order-${i}`,
    notBefore,
    notAfter,
    autoRenew: false,
    automation: { kind: 'manual' },
    renewalFailures: 0,
    remindedDays,
    ...times,
    createdAt: notBefore,
    updatedAt: lookedAt,
  };
}

/** Counts the calls made to a store, per collection and operation. */
class CountingStore implements Store {
  readonly counts = new Map<string, number>();
  constructor(private readonly inner: Store) {}
  collection<T extends StoredDoc>(name: CollectionName): DocCollection<T> {
    const inner = this.inner.collection<T>(name);
    const counted = <R>(op: string, call: () => R): R => {
      this.counts.set(`${name}.${op}`, (this.counts.get(`${name}.${op}`) ?? 0) + 1);
      return call();
    };
    return {
      get: (id) => counted('get', () => inner.get(id)),
      insert: (doc) => counted('insert', () => inner.insert(doc)),
      update: (current, patch) => counted('update', () => inner.update(current, patch)),
      delete: (id, expectedVersion) => counted('delete', () => inner.delete(id, expectedVersion)),
      listByOwner: (ownerId, options) => counted('listByOwner', () => inner.listByOwner(ownerId, options)),
      findDue: (now, limit) => counted('findDue', () => inner.findDue(now, limit)),
      takeLease: (id, owner, now, ttlMs) => counted('takeLease', () => inner.takeLease(id, owner, now, ttlMs)),
      renewLease: (id, owner, now, ttlMs) => counted('renewLease', () => inner.renewLease(id, owner, now, ttlMs)),
      releaseLease: (id, owner) => counted('releaseLease', () => inner.releaseLease(id, owner)),
    };
  }
  newId(): string {
    return this.inner.newId();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

interface Sized {
  n: number;
  due: number;
  deps: EngineDeps;
  store: SqliteStore;
  /** A second connection to the same file, for putting the due lineages back between runs. */
  raw: Database.Database;
  restore: () => void;
  setupMs: number;
  tickMs: number[];
  defaultTicksMs: number[];
  findDueMs: number[];
  /** Store calls per due certificate in one counted tick, by collection and operation. */
  callsPerDue: Map<string, number>;
}

async function build(dir: string, n: number): Promise<Sized> {
  const path = join(dir, `scheduler-${n}.db`);
  const started = performance.now();
  const store = new SqliteStore({ path });
  const users = store.collection<UserDoc>('users');
  for (let u = 0; u < n / CERTIFICATES_PER_USER; u++) {
    const ownerId = `bench-user-${u}`;
    await users.insert({ _id: userDocId(ownerId), ownerId, ...DEFAULT_SETTINGS, channels: [], credits: {}, createdAt: NOW - LIFETIME_MS, updatedAt: NOW - LIFETIME_MS });
  }
  const certificates = store.collection<CertificateDoc>('certificates');
  const dueIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const doc = await certificates.insert(lineage(i));
    if (i % DUE_EVERY === 0) dueIds.push(doc._id);
  }
  const setupMs = performance.now() - started;

  const raw = new Database(path);
  raw.pragma('busy_timeout = 5000');
  const readRow = raw.prepare('SELECT id, next_action_at, body FROM certificates WHERE id = ?');
  const snapshot = dueIds.map((id) => readRow.get(id) as { id: string; next_action_at: number; body: string });
  const putBack = raw.prepare("UPDATE certificates SET next_action_at = ?, body = ?, lease_owner = '', lease_until = 0, version = version + 1 WHERE id = ?");
  const clearNotifications = raw.prepare('DELETE FROM notifications');
  const restore = raw.transaction(() => {
    for (const row of snapshot) putBack.run(row.next_action_at, row.body, row.id);
    clearNotifications.run();
  });
  const restoreAndCheckpoint = () => {
    restore();
    raw.pragma('wal_checkpoint(TRUNCATE)');
  };
  restoreAndCheckpoint();

  const deps = createLocalEngine({
    // No CA is reached: autoRenew is off everywhere, so the CA parts are never used.
    stack: { directoryUrl: 'https://127.0.0.1:9/dir', caCertPem: '', dnsServer: '127.0.0.1:9', httpChallengePort: 9 },
    store,
    cipher: new EnvelopeCipher(parseMasterKeys(`bench:${randomBytes(32).toString('base64')}`)),
    clock: { now: () => NOW },
    delivery: { subscribe: null, templates: [] },
  });
  return { n, due: dueIds.length, deps, store, raw, restore: restoreAndCheckpoint, setupMs, tickMs: [], defaultTicksMs: [], findDueMs: [], callsPerDue: new Map() };
}

function checkDone(s: Sized, report: TickReport): void {
  if (report.certificatesProcessed !== s.due || report.notificationsDelivered !== s.due || report.deferred !== 0 || report.renewalsStarted !== 0) {
    throw new Error(`${s.n}: the ticks did not do exactly the due work: ${JSON.stringify(report)}`);
  }
}

async function assertNothingDue(s: Sized): Promise<void> {
  for (const kind of ['certificates', 'orders', 'notifications'] as const) {
    const left = await s.store.collection(kind).findDue(NOW, 1);
    if (left.length > 0) throw new Error(`${s.n}: ${kind} still due after the ticks`);
  }
}

/** One tick over everything due; checks that it did all of it and nothing else is left. */
async function timedTick(s: Sized): Promise<number> {
  s.restore();
  const started = performance.now();
  const report: TickReport = await runSchedulerTick(s.deps, { batch: s.due, budgetMs: 600_000 });
  const elapsed = performance.now() - started;
  checkDone(s, report);
  await assertNothingDue(s);
  return elapsed;
}

/** Ticks of the default batch, as the timer trigger runs them, until one finds nothing to do. */
async function timedDefaultTicks(s: Sized): Promise<number> {
  s.restore();
  const total: TickReport = { certificatesProcessed: 0, renewalsStarted: 0, ordersAdvanced: 0, endpointsChecked: 0, notificationsDelivered: 0, fannedOut: 0, deferred: 0 };
  const started = performance.now();
  for (;;) {
    const report = await runSchedulerTick(s.deps);
    if (report.certificatesProcessed + report.ordersAdvanced + report.notificationsDelivered === 0) break;
    for (const key of Object.keys(total) as (keyof TickReport)[]) total[key] += report[key];
  }
  const elapsed = performance.now() - started;
  checkDone(s, total);
  await assertNothingDue(s);
  return elapsed;
}

/** One untimed tick through a counting store: store calls per due certificate. */
async function countCalls(s: Sized): Promise<void> {
  s.restore();
  const counting = new CountingStore(s.store);
  checkDone(s, await runSchedulerTick({ ...s.deps, store: counting }, { batch: s.due, budgetMs: 600_000 }));
  for (const [key, calls] of counting.counts) s.callsPerDue.set(key, calls / s.due);
}

async function timedFindDue(s: Sized): Promise<number> {
  const certificates = s.store.collection<CertificateDoc>('certificates');
  const started = performance.now();
  const found = await certificates.findDue(NOW, s.due);
  const elapsed = performance.now() - started;
  if (found.length !== s.due) throw new Error(`${s.n}: findDue found ${found.length}, expected ${s.due}`);
  return elapsed;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'certkeeper-bench-scheduler-'));
  const sized: Sized[] = [];
  try {
    for (const n of SIZES) sized.push(await build(dir, n));
    // Warm-up (not counted): statement caches, JIT, the page cache.
    for (const s of sized) {
      await timedTick(s);
      s.restore();
      await timedFindDue(s);
    }
    for (let run = 0; run < FIND_DUE_RUNS; run++) for (const s of sized) s.findDueMs.push(await timedFindDue(s));
    // The small store's runs are short and so noisier: it runs more of them per round.
    const maxDue = Math.max(...sized.map((s) => s.due));
    const perRound = (s: Sized) => Math.max(1, Math.round(maxDue / s.due / 2));
    for (let round = 0; round < TICK_ROUNDS; round++) {
      for (const s of sized) for (let k = 0; k < perRound(s); k++) s.tickMs.push(await timedTick(s));
      for (const s of sized) for (let k = 0; k < perRound(s); k++) s.defaultTicksMs.push(await timedDefaultTicks(s));
    }
    for (const s of sized) await countCalls(s);

    const [small, large] = sized;
    if (!small || !large) throw new Error('two sizes expected');
    const perDue = (s: Sized, values: number[]) => median(values) / s.due;
    const runs = sized.map((s) => s.tickMs.length).join(' / ');
    console.log(`scheduler tick, ${100 / DUE_EVERY}% due (expiry reminder + its skipped WeChat delivery), SQLite; medians of ${runs} runs, ${FIND_DUE_RUNS} findDue calls`);
    console.log(`${'measure'.padEnd(28)} ${'certificates'.padStart(12)} ${'due'.padStart(6)} ${'setup s'.padStart(8)} ${'median ms'.padStart(10)} ${'ms/due'.padStart(8)}  ratio to 10k per due`);
    const rows: [string, (s: Sized) => number[]][] = [
      ['tick, all due work', (s) => s.tickMs],
      ['ticks of 50 until none due', (s) => s.defaultTicksMs],
      ['findDue alone (certificates)', (s) => s.findDueMs],
    ];
    for (const [name, values] of rows) {
      for (const s of sized) {
        const ratio = perDue(s, values(s)) / perDue(small, values(small));
        console.log(
          `${name.padEnd(28)} ${String(s.n).padStart(12)} ${String(s.due).padStart(6)} ${(s.setupMs / 1000).toFixed(1).padStart(8)} ${median(values(s)).toFixed(2).padStart(10)} ${perDue(s, values(s)).toFixed(4).padStart(8)}  ${ratio.toFixed(2)}`,
        );
      }
    }
    const keys = [...new Set(sized.flatMap((s) => [...s.callsPerDue.keys()]))].sort();
    console.log(`store calls per due certificate in one tick (${sized.map((s) => s.n).join(' / ')}):`);
    console.log(`  ${keys.map((key) => `${key} ${sized.map((s) => (s.callsPerDue.get(key) ?? 0).toFixed(2)).join('/')}`).join(', ')}`);
    const tickRatio = perDue(large, large.tickMs) / perDue(small, small.tickMs);
    console.log(`tick cost per due certificate, ${large.n} / ${small.n}: ${tickRatio.toFixed(2)} (target ≤ ${TARGET_RATIO}: ${tickRatio <= TARGET_RATIO ? 'met' : 'MISSED'})`);
  } finally {
    for (const s of sized) {
      s.raw.close();
      await s.store.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
