/**
 * TLS probe benchmark: what the probe costs per handshake over a bare `tls.connect` doing the same
 * handshakes. Run: npx tsx bench/probe.ts (also part of npm run bench)
 *
 * - Four TLS servers on 127.0.0.1 (node:tls, default versions TLS 1.2–1.3, EC P-256 leaf +
 *   intermediate), run in a worker thread so that the server side has its own event loop.
 * - A probe of a one-address name makes 4 handshakes: the best offer (TLS 1.3 here), then TLS 1.0,
 *   1.1 and 1.2 pinned, concurrently (the server refuses the first two). The servers count the
 *   connections, and the run checks 4 per probe.
 * - The baseline does the same 4 handshakes per target the same way (one, then three at once),
 *   with plain `tls.connect` options (`rejectUnauthorized: false`, Node's default trust store),
 *   hanging up after each: no recording, no chain reading, no parsing, no address checks.
 * - Both run the same number of targets at the same concurrency; rounds alternate between them.
 * Prints medians, probes per second, ms per handshake and the ratio probe / bare (target ≤ 2).
 */
import { webcrypto } from 'node:crypto';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { Worker } from 'node:worker_threads';
import { NodeTlsProbe } from '../server/adapters/probe/tls-probe';
import type { TlsVersion } from '../server/ports/tls-probe';
import { createLeaf, createTestPki } from '../test/server/support/tls-servers';

const TARGETS = 4;
const CONCURRENCY = 8;
const PROBES_PER_ROUND = 200;
const ROUNDS = 7;
const HANDSHAKES_PER_PROBE = 4;
const TARGET_RATIO = 2;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The servers' side, in plain JavaScript for the worker: listen, count connections, hang up after the handshake. */
const SERVER_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const tls = require('node:tls');
const servers = workerData.certs.map(({ cert, key }) => {
  const server = tls.createServer({ cert, key });
  server.connections = 0;
  server.on('connection', (socket) => { server.connections += 1; socket.on('error', () => {}); });
  server.on('secureConnection', (socket) => socket.end());
  server.on('tlsClientError', () => {});
  return server;
});
Promise.all(servers.map((server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)))))
  .then((ports) => parentPort.postMessage({ ports }));
parentPort.on('message', (message) => {
  if (message === 'count') parentPort.postMessage({ connections: servers.reduce((sum, server) => sum + server.connections, 0) });
  if (message === 'close') Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))).then(() => process.exit(0));
});
`;

interface Servers {
  ports: number[];
  connections(): Promise<number>;
  close(): Promise<void>;
}

async function startServers(): Promise<Servers & { trustPem: string }> {
  const pki = await createTestPki();
  const certs = [];
  for (let i = 0; i < TARGETS; i++) {
    const leaf = await createLeaf({ names: [`bench${i}.example.test`] }, pki.intermediate);
    certs.push({ cert: leaf.pem + pki.intermediate.pem, key: leaf.keyPem });
  }
  const worker = new Worker(SERVER_WORKER, { eval: true, workerData: { certs } });
  const next = <T>(): Promise<T> => new Promise((resolve) => worker.once('message', resolve));
  const { ports } = await next<{ ports: number[] }>();
  return {
    ports,
    trustPem: pki.root.pem,
    connections: async () => {
      const reply = next<{ connections: number }>();
      worker.postMessage('count');
      return (await reply).connections;
    },
    close: async () => {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('close');
      await exited;
    },
  };
}

/** Runs `count` jobs, `CONCURRENCY` at a time, over the targets in turn. */
async function pool(count: number, job: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await job(next++);
    }),
  );
  return performance.now() - started;
}

/** One bare handshake; resolves either way, like the probe's. */
function bareHandshake(port: number, servername: string, pin: TlsVersion | null): Promise<boolean> {
  const options: ConnectionOptions = {
    host: '127.0.0.1',
    port,
    servername,
    rejectUnauthorized: false,
    ...(pin === null ? {} : { minVersion: pin, maxVersion: pin }),
    ...(pin === 'TLSv1' || pin === 'TLSv1.1' ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
  };
  return new Promise((resolve) => {
    const socket = tlsConnect(options, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function bareProbe(port: number, servername: string): Promise<void> {
  if (!(await bareHandshake(port, servername, null))) throw new Error('bare: the best offer failed');
  const pinned = await Promise.all((['TLSv1', 'TLSv1.1', 'TLSv1.2'] as const).map((pin) => bareHandshake(port, servername, pin)));
  if (pinned.join() !== 'false,false,true') throw new Error(`bare: unexpected pinned results ${pinned.join()}`);
}

async function main(): Promise<void> {
  // Key generation warms WebCrypto before anything is timed.
  await webcrypto.subtle.digest('SHA-256', new Uint8Array(1));
  const servers = await startServers();
  const names = servers.ports.map((_, i) => `bench${i}.example.test`);
  const probe = new NodeTlsProbe({
    policy: { allowLoopback: true },
    trustPem: servers.trustPem,
    resolve: async () => ['127.0.0.1'],
  });
  const target = (index: number) => ({ port: servers.ports[index % TARGETS] ?? 0, name: names[index % TARGETS] ?? '' });

  const runProbes = () =>
    pool(PROBES_PER_ROUND, async (index) => {
      const { port, name } = target(index);
      const result = await probe.probe({ host: name, port });
      const address = result.addresses[0];
      if (address?.trusted !== true || address.chain.length !== 2 || address.versions['TLSv1.2'] !== true) {
        throw new Error(`probe: unexpected result ${JSON.stringify(result)}`);
      }
    });
  const runBare = () =>
    pool(PROBES_PER_ROUND, async (index) => {
      const { port, name } = target(index);
      await bareProbe(port, name);
    });

  try {
    // Warm-up (not counted), and the handshake count check.
    const before = await servers.connections();
    await runProbes();
    const perProbe = ((await servers.connections()) - before) / PROBES_PER_ROUND;
    if (perProbe !== HANDSHAKES_PER_PROBE) throw new Error(`a probe made ${perProbe} handshakes, expected ${HANDSHAKES_PER_PROBE}`);
    await runBare();

    const probeMs: number[] = [];
    const bareMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        probeMs.push(await runProbes());
        bareMs.push(await runBare());
      } else {
        bareMs.push(await runBare());
        probeMs.push(await runProbes());
      }
    }

    const handshakes = PROBES_PER_ROUND * HANDSHAKES_PER_PROBE;
    console.log(
      `TLS probe vs bare tls.connect, ${TARGETS} loopback servers (TLS 1.2–1.3, EC P-256 + intermediate), ${PROBES_PER_ROUND} probes per round ` +
        `(${HANDSHAKES_PER_PROBE} handshakes each, 2 refused by the server), concurrency ${CONCURRENCY}; medians of ${ROUNDS} rounds`,
    );
    console.log(`${'measure'.padEnd(34)} ${'round ms'.padStart(9)} ${'probes/s'.padStart(9)} ${'handshakes/s'.padStart(13)} ${'ms/handshake'.padStart(13)}`);
    const rows: [string, number[]][] = [
      ['NodeTlsProbe.probe', probeMs],
      ['bare tls.connect, same handshakes', bareMs],
    ];
    for (const [name, values] of rows) {
      const ms = median(values);
      console.log(
        `${name.padEnd(34)} ${ms.toFixed(0).padStart(9)} ${((PROBES_PER_ROUND / ms) * 1000).toFixed(0).padStart(9)} ${((handshakes / ms) * 1000).toFixed(0).padStart(13)} ${(ms / handshakes).toFixed(3).padStart(13)}`,
      );
    }
    const ratio = median(probeMs) / median(bareMs);
    console.log(`time per handshake, probe / bare: ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'})`);
  } finally {
    await servers.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
