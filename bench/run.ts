/**
 * Benchmarks, each a ratio against a baseline measured in the same run on the same machine, so
 * the numbers mean something on any hardware. Run: npm run bench
 *
 * - store: SqliteStore CAS update vs the same UPDATE through raw better-sqlite3 (adapter overhead);
 * - store: findDue over 20 000 documents with 50 due vs a full scan of the table (index at work);
 * - cipher: envelope encrypt+decrypt of a 2 KiB key vs one raw AES-256-GCM seal+open (envelope cost).
 */
import Database from 'better-sqlite3';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvelopeCipher, parseMasterKeys } from '../server/adapters/crypto/envelope-cipher';
import { SqliteStore } from '../server/adapters/store/sqlite-store';
import type { StoredDoc } from '../server/ports/store';

interface Row {
  name: string;
  baseline: string;
  candidateOpsPerSec: number;
  baselineOpsPerSec: number;
}

/** Operations per second of `fn`, best of 5 rounds of `n` calls after a warm-up round. */
async function opsPerSec(n: number, fn: (i: number) => unknown): Promise<number> {
  let best = 0;
  for (let round = 0; round < 6; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn(i);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (round > 0) best = Math.max(best, n / seconds);
  }
  return best;
}

interface Counter extends StoredDoc {
  ownerId: string;
  count: number;
  nextActionAt: number | null;
}

async function benchStore(dir: string): Promise<Row[]> {
  const path = join(dir, 'bench.db');
  const store = new SqliteStore({ path });
  const counters = store.collection<Counter>('orders');
  let doc = await counters.insert({ _id: 'c1', ownerId: 'u', count: 0, nextActionAt: null });
  const adapter = await opsPerSec(2000, async () => {
    const next = await counters.update(doc, { count: doc.count + 1 });
    if (!next) throw new Error('lost a CAS it should win');
    doc = next;
  });

  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec("CREATE TABLE IF NOT EXISTS raw (id TEXT PRIMARY KEY, version INTEGER, body TEXT); INSERT OR REPLACE INTO raw VALUES ('c1', 1, '{}')");
  const update = raw.prepare('UPDATE raw SET body = ?, version = version + 1 WHERE id = ? AND version = ? RETURNING version');
  let version = 1;
  const baseline = await opsPerSec(2000, (i) => {
    const row = update.get(JSON.stringify({ ownerId: 'u', count: i }), 'c1', version) as { version: number };
    version = row.version;
  });

  const due = store.collection<Counter>('certificates');
  const now = 1_800_000_000_000;
  for (let i = 0; i < 20_000; i++) {
    await due.insert({ ownerId: `u${i % 100}`, count: 0, nextActionAt: i % 400 === 0 ? now - i : now + 86_400_000 + i });
  }
  const indexed = await opsPerSec(200, () => due.findDue(now, 100));
  const scan = raw.prepare('SELECT body FROM certificates');
  const fullScan = await opsPerSec(20, () =>
    scan.all().filter((r) => ((JSON.parse((r as { body: string }).body) as Counter).nextActionAt ?? Infinity) <= now),
  );
  raw.close();
  await store.close();
  return [
    { name: 'store CAS update (SqliteStore)', baseline: 'raw better-sqlite3 UPDATE', candidateOpsPerSec: adapter, baselineOpsPerSec: baseline },
    { name: 'findDue, 50 due of 20 000', baseline: 'full table scan + filter', candidateOpsPerSec: indexed, baselineOpsPerSec: fullScan },
  ];
}

async function benchCipher(): Promise<Row[]> {
  const cipher = new EnvelopeCipher(parseMasterKeys(`bench:${randomBytes(32).toString('base64')}`));
  const secret = randomBytes(1536).toString('base64'); // ~2 KiB, an RSA-4096 key in PEM
  const envelope = await opsPerSec(3000, () => cipher.decrypt(cipher.encrypt(secret, 'ctx'), 'ctx'));
  const key = randomBytes(32);
  const raw = await opsPerSec(3000, () => {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const sealed = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
    const d = createDecipheriv('aes-256-gcm', key, iv);
    d.setAuthTag(c.getAuthTag());
    return Buffer.concat([d.update(sealed), d.final()]).toString('utf8');
  });
  return [{ name: 'envelope encrypt+decrypt 2 KiB', baseline: 'one raw AES-256-GCM seal+open', candidateOpsPerSec: envelope, baselineOpsPerSec: raw }];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'certkeeper-bench-'));
  try {
    const rows = [...(await benchStore(dir)), ...(await benchCipher())];
    const fmt = (n: number) => n.toFixed(0).padStart(9);
    console.log(`${'benchmark'.padEnd(34)} ${'ops/s'.padStart(9)} ${'baseline'.padStart(9)}  ratio  baseline is`);
    for (const row of rows) {
      const ratio = row.candidateOpsPerSec / row.baselineOpsPerSec;
      console.log(`${row.name.padEnd(34)} ${fmt(row.candidateOpsPerSec)} ${fmt(row.baselineOpsPerSec)}  ${ratio.toFixed(2).padStart(5)}  ${row.baseline}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
