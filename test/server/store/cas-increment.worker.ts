// Child process for the cross-process test: increments a counter document N times by
// compare-and-swap, retrying on conflict, and prints how many writes won and lost.
import { SqliteStore } from '../../../server/adapters/store/sqlite-store';

interface Counter {
  _id: string;
  version: number;
  count: number;
}

async function main(): Promise<void> {
  const [path, id, times, startAt] = process.argv.slice(2);
  if (!path || !id || !times || !startAt) throw new Error('usage: cas-increment.worker.ts <db> <id> <times> <startAtMs>');
  const counters = new SqliteStore({ path }).collection<Counter>('orders');
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  let wins = 0;
  let conflicts = 0;
  while (wins < Number(times)) {
    const current = await counters.get(id);
    if (!current) throw new Error(`counter ${id} vanished`);
    if (await counters.update(current, { count: current.count + 1 })) wins++;
    else conflicts++;
    // Yield between attempts, as an async caller would.
    await new Promise((resolve) => setImmediate(resolve));
  }
  process.stdout.write(JSON.stringify({ wins, conflicts }));
}

main().catch((error: unknown) => {
  process.stderr.write(String(error instanceof Error ? error.stack : error));
  process.exit(1);
});
