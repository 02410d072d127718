/**
 * An order carried to issuance by a new process for every step (nothing lives in memory between
 * steps), and External Account Binding against Pebble in EAB mode.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CertificateVersionDoc } from '../../../server/domain/certificate';
import { dnsInstructions, type ChallengeTask } from '../../../server/domain/order';
import { createLocalEngine } from '../../../server/local/engine';
import { startPebbleStack, type PebbleStack } from '../../../server/local/pebble';
import { advanceOrder } from '../../../server/usecases/advance-order';
import { verifyOrder } from '../../../server/usecases/manage-orders';
import { requestCertificate } from '../../../server/usecases/request-certificate';
import { openEngineStore, type EngineStore } from './support';

jest.setTimeout(90_000);
const run = promisify(execFile);

describe('an order resumed across separately started processes', () => {
  let stack: PebbleStack;
  let env: EngineStore;
  beforeAll(async () => {
    stack = await startPebbleStack();
    env = await openEngineStore();
  });
  afterAll(async () => {
    await env.close();
    await stack.stop();
  });

  test('one process per step, from request to issued', async () => {
    const configPath = join(env.path, '..', 'config.json');
    const ca = { directoryUrl: stack.directoryUrl, caCertPem: stack.caCertPem, dnsServer: stack.dnsServer, httpChallengePort: stack.httpChallengePort };
    await writeFile(configPath, JSON.stringify({ dbPath: env.path, masterKey: env.masterKey, ownerId: 'resumer', ca }));
    const fixture = join(__dirname, 'step.fixture.ts');
    const inChild = async (...args: string[]) => (await run(process.execPath, ['--import', 'tsx', fixture, configPath, ...args], { timeout: 30_000 })).stdout;

    const orderId = await inChild('request', 'resume.example.test');
    const states: string[] = [];
    for (let i = 0; i < 12 && states.at(-1) !== 'issued'; i++) {
      const { state, challenges } = JSON.parse(await inChild('step', orderId)) as { state: string; challenges: ChallengeTask[] };
      if (state === 'awaitingUser' && states.at(-1) !== 'awaitingUser') {
        for (const instruction of dnsInstructions(challenges)) for (const value of instruction.values) await stack.setTxt(instruction.recordName, value);
        // The automatic self-check would wait 30 s; the user's tap makes it due now.
        await verifyOrder({ ...createLocalEngine({ stack: ca, store: env.store, cipher: env.cipher }) }, 'resumer', orderId).then(() => undefined);
      }
      states.push(state);
    }
    expect(states.at(-1)).toBe('issued');
    expect(states[0]).toBe('awaitingUser');
    expect(states).toEqual(expect.arrayContaining(['issued']));
    const versions = (await env.store.collection<CertificateVersionDoc>('certificateVersions').listByOwner('resumer', { limit: 10 })).items;
    expect(versions).toHaveLength(1);
  });
});

describe('External Account Binding', () => {
  const hmacKey = 'zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W';
  let stack: PebbleStack;
  let env: EngineStore;
  beforeAll(async () => {
    stack = await startPebbleStack({ externalAccountBindings: { 'kid-1': hmacKey } });
    env = await openEngineStore();
  });
  afterAll(async () => {
    await env.close();
    await stack.stop();
  });

  test('with the CA’s key id and HMAC key the account is bound and the certificate issued', async () => {
    const deps = createLocalEngine({ stack, store: env.store, cipher: env.cipher });
    const { order } = await requestCertificate(deps, { ownerId: 'eab-user', names: ['eab.example.test'], caId: 'pebble', validation: 'dns-01', eab: { kid: 'kid-1', hmacKey } });
    const placed = await advanceOrder(deps, order._id);
    expect({ state: placed?.state, lastError: placed?.lastError ?? null }).toEqual({ state: 'awaitingUser', lastError: null });
    for (const instruction of dnsInstructions(placed!.challenges)) for (const value of instruction.values) await stack.setTxt(instruction.recordName, value);
    expect((await verifyOrder(deps, 'eab-user', order._id)).state).toBe('issued');
  });

  test('without a binding the CA refuses, and the order says why', async () => {
    const deps = createLocalEngine({ stack, store: env.store, cipher: env.cipher });
    const { order } = await requestCertificate(deps, { ownerId: 'no-eab-user', names: ['noeab.example.test'], caId: 'pebble', validation: 'dns-01' });
    expect(await advanceOrder(deps, order._id)).toMatchObject({ state: 'invalid', lastError: { kind: 'externalAccountRequired' } });
  });

  test('a malformed HMAC key is refused before anything is sent', async () => {
    const deps = createLocalEngine({ stack, store: env.store, cipher: env.cipher });
    await expect(
      requestCertificate(deps, { ownerId: 'bad-eab', names: ['bad.example.test'], caId: 'pebble', validation: 'dns-01', eab: { kid: 'kid-1', hmacKey: 'short!' } }),
    ).rejects.toMatchObject({ violations: [{ field: 'eab.hmacKey', rule: 'eabHmacInvalid' }] });
  });
});
