// Starts a Pebble stack, prints its PIDs and waits to be killed (see pebble-stack.test.ts).
import { startPebbleStack } from '../../../server/local/pebble';

startPebbleStack().then(
  (stack) => {
    process.stdout.write(`PIDS ${stack.pids.join(',')}\n`);
    setInterval(() => undefined, 60_000);
  },
  (error: unknown) => {
    process.stderr.write(String(error));
    process.exit(1);
  },
);
