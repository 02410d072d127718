/**
 * Issuance benchmark, one run against one Pebble: a 2-name dns-01 ECDSA certificate (apex +
 * wildcard) issued by
 *  1. raw acme-client, step by step with fast polling (the baseline);
 *  2. the engine's use cases, from the user's "verify" tap to issued (records already published),
 *     with SQLite, the cipher and the self-check included;
 * Prints medians and the ratio engine / raw acme-client (target ≤ 1.5).
 */
import { Agent } from 'node:https';
import * as acme from 'acme-client';
import { dnsInstructions } from '../server/domain/order';
import { createLocalEngine } from '../server/local/engine';
import { startPebbleStack, type PebbleStack } from '../server/local/pebble';
import { advanceOrder } from '../server/usecases/advance-order';
import { verifyOrder } from '../server/usecases/manage-orders';
import { requestCertificate } from '../server/usecases/request-certificate';
import { openEngineStore } from '../test/server/engine/support';

const RUNS = 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function rawAcmeClient(stack: PebbleStack, base: string): Promise<number> {
  const started = performance.now();
  const client = new acme.Client({ directoryUrl: stack.directoryUrl, accountKey: await acme.crypto.createPrivateEcdsaKey(), backoffAttempts: 30, backoffMin: 50, backoffMax: 500 });
  await client.createAccount({ termsOfServiceAgreed: true });
  const names = [base, `*.${base}`];
  const order = await client.createOrder({ identifiers: names.map((value) => ({ type: 'dns', value })) });
  const authorizations = await client.getAuthorizations(order);
  for (const authz of authorizations) {
    const challenge = authz.challenges.find((c) => c.type === 'dns-01');
    if (!challenge) throw new Error('no dns-01');
    await stack.setTxt(`_acme-challenge.${authz.identifier.value}`, await client.getChallengeKeyAuthorization(challenge));
  }
  for (const authz of authorizations) {
    const challenge = authz.challenges.find((c) => c.type === 'dns-01');
    if (!challenge) throw new Error('no dns-01');
    await client.completeChallenge(challenge);
    await client.waitForValidStatus(challenge);
  }
  const [, csr] = await acme.crypto.createCsr({ altNames: names }, await acme.crypto.createPrivateEcdsaKey());
  const finalized = await client.finalizeOrder(order, csr);
  await client.getCertificate({ ...(await client.waitForValidStatus(finalized)), url: order.url });
  const elapsed = performance.now() - started;
  await stack.clearTxt(`_acme-challenge.${base}`);
  return elapsed;
}

async function main(): Promise<void> {
  const stack = await startPebbleStack();
  const env = await openEngineStore();
  acme.axios.defaults.httpsAgent = new Agent({ ca: stack.caCertPem });
  try {
    const raw: number[] = [];
    const engineFull: number[] = [];
    const engineVerify: number[] = [];
    for (let i = -1; i < RUNS; i++) {
      const rawMs = await rawAcmeClient(stack, `raw${i + 1}.bench.test`);

      const deps = createLocalEngine({ stack, store: env.store, cipher: env.cipher });
      const base = `engine${i + 1}.bench.test`;
      const started = performance.now();
      const { order } = await requestCertificate(deps, { ownerId: `bench-${i + 1}`, names: [base, `*.${base}`], caId: 'pebble', validation: 'dns-01' });
      const placed = await advanceOrder(deps, order._id);
      if (!placed) throw new Error('order vanished');
      for (const instruction of dnsInstructions(placed.challenges)) for (const value of instruction.values) await stack.setTxt(instruction.recordName, value);
      const tapped = performance.now();
      const issued = await verifyOrder(deps, `bench-${i + 1}`, order._id);
      const done = performance.now();
      if (issued.state !== 'issued') throw new Error(`engine run ended in ${issued.state}: ${JSON.stringify(issued.lastError)}`);
      await stack.clearTxt(`_acme-challenge.${base}`);
      // The first round warms up module loading and connection pools; it is not counted.
      if (i < 0) continue;
      raw.push(rawMs);
      engineFull.push(done - started);
      engineVerify.push(done - tapped);
    }
    const rows: [string, number][] = [
      ['raw acme-client, account → certificate', median(raw)],
      ['engine, request → issued (incl. account)', median(engineFull)],
      ['engine, "verify" tap → issued', median(engineVerify)],
    ];
    const baseline = median(raw);
    console.log(`issuance of a 2-name dns-01 ECDSA P-256 certificate, median of ${RUNS} runs, one Pebble`);
    console.log(`${'client'.padEnd(44)} ${'median ms'.padStart(10)}  ratio to raw acme-client`);
    for (const [name, ms] of rows) console.log(`${name.padEnd(44)} ${ms.toFixed(1).padStart(10)}  ${(ms / baseline).toFixed(2)}`);
  } finally {
    await env.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
