/**
 * The issuance engine end to end against real Pebble (through a loopback fault proxy when a test
 * needs the CA to misbehave), SQLite, the real key service and self-checks.
 */
import { createServer, type Server } from 'node:http';
import { X509Certificate } from 'node:crypto';
import { secretContext } from '../../../server/domain/account';
import type { CertificateDoc, CertificateVersionDoc } from '../../../server/domain/certificate';
import { ConflictError, InputRejectedError } from '../../../server/domain/errors';
import { dnsInstructions, httpInstructions, type OrderDoc } from '../../../server/domain/order';
import { createLocalEngine } from '../../../server/local/engine';
import { startPebbleStack, type PebbleStack } from '../../../server/local/pebble';
import { advanceOrder } from '../../../server/usecases/advance-order';
import type { EngineDeps } from '../../../server/usecases/engine';
import { cancelOrder, verifyOrder } from '../../../server/usecases/manage-orders';
import { requestCertificate, type CertificateRequest } from '../../../server/usecases/request-certificate';
import { revokeCertificate } from '../../../server/usecases/revoke-certificate';
import { startFaultProxyFor, type FaultProxy } from '../support/fault-proxy';
import { openEngineStore, type EngineStore } from './support';

jest.setTimeout(60_000);

let stack: PebbleStack;
let proxy: FaultProxy;
let env: EngineStore;
let seq = 0;

beforeAll(async () => {
  stack = await startPebbleStack();
  proxy = await startFaultProxyFor(stack);
  env = await openEngineStore();
});
afterAll(async () => {
  await env.close();
  await proxy.close();
  await stack.stop();
});
afterEach(() => {
  proxy.clearRules();
});

/** An engine with its own owner (so its own ACME account) and a clock that can be moved forward. */
function engine(options: { viaProxy?: boolean } = {}) {
  let offset = 0;
  const deps: EngineDeps = createLocalEngine({
    stack,
    store: env.store,
    cipher: env.cipher,
    clock: { now: () => Date.now() + offset },
    directoryUrl: options.viaProxy ? proxy.directoryUrl : stack.directoryUrl,
  });
  const ownerId = `owner-${process.pid}-${++seq}`;
  return {
    deps,
    ownerId,
    later: (ms: number) => {
      offset += ms;
    },
    request: (input: Partial<CertificateRequest> & { names: string[] }) =>
      requestCertificate(deps, { ownerId, caId: 'pebble', validation: 'dns-01', ...input }),
  };
}

async function publishDns(order: OrderDoc): Promise<void> {
  for (const instruction of dnsInstructions(order.challenges)) {
    for (const value of instruction.values) await stack.setTxt(instruction.recordName, value);
  }
}

async function storedVersions(certificateId: string): Promise<CertificateVersionDoc[]> {
  const page = await env.store.collection<CertificateVersionDoc>('certificateVersions').listByOwner(
    (await env.store.collection<CertificateDoc>('certificates').get(certificateId))?.ownerId ?? '',
    { limit: 100 },
  );
  return page.items.filter((v) => v.certificateId === certificateId);
}

async function expectIssued(e: ReturnType<typeof engine>, order: OrderDoc | null, names: string[]): Promise<CertificateVersionDoc> {
  expect(order?.state).toBe('issued');
  const lineage = await env.store.collection<CertificateDoc>('certificates').get(order!.certificateId);
  expect(lineage).toMatchObject({ status: 'active', currentVersionId: order!.issuedVersionId, currentOrderId: order!._id });
  const versions = await storedVersions(order!.certificateId);
  expect(versions).toHaveLength(1);
  const version = versions[0]!;
  expect([...version.leaf.dnsNames].sort()).toEqual([...names].sort());
  const leaf = new X509Certificate(version.chainPem);
  expect(leaf.verify(new X509Certificate(await stack.issuingIntermediatePem()).publicKey)).toBe(true);
  if (version.privateKeySealed) {
    const keyPem = e.deps.cipher.decrypt(version.privateKeySealed, secretContext.orderKey(version.orderId));
    expect(e.deps.keys.keyMatchesCertificate(keyPem, version.chainPem)).toBe(true);
  }
  // Renewal is scheduled with a third of the lifetime left.
  expect(lineage?.nextActionAt).toBe(version.leaf.notAfter - Math.floor((version.leaf.notAfter - version.leaf.notBefore) / 3));
  return version;
}

describe('dns-01 by hand', () => {
  test.each([['ec-p256'], ['rsa-2048']] as const)('apex + wildcard with %s: instructions, a failing self-check, then issued', async (keyType) => {
    const e = engine();
    const base = `${keyType}-${seq}.example.test`;
    const { order: created } = await e.request({ names: [base, `*.${base}`], keyType });
    const placed = await advanceOrder(e.deps, created._id);
    expect(placed?.state).toBe('awaitingUser');
    const [instruction] = dnsInstructions(placed!.challenges);
    expect(instruction).toMatchObject({ recordName: `_acme-challenge.${base}`, type: 'TXT' });
    expect(instruction?.values).toHaveLength(2);
    expect([...(instruction?.names ?? [])].sort()).toEqual([`*.${base}`, base]);

    // Only one of the two values published: the self-check says which one is missing.
    await stack.setTxt(instruction!.recordName, instruction!.values[0]!);
    const halfway = await verifyOrder(e.deps, e.ownerId, created._id);
    expect(halfway.state).toBe('awaitingUser');
    expect(halfway.selfCheck?.ok).toBe(false);
    expect(halfway.selfCheck?.items[0]).toMatchObject({ problem: 'missingSome', missingValues: [instruction!.values[1]] });

    await stack.setTxt(instruction!.recordName, instruction!.values[1]!);
    const issued = await verifyOrder(e.deps, e.ownerId, created._id);
    await stack.clearTxt(instruction!.recordName);
    const version = await expectIssued(e, issued, [base, `*.${base}`]);
    expect(version.leaf.publicKey.algorithm).toBe(keyType.startsWith('ec') ? 'ec' : 'rsa');
  });

  test('a bad request is refused field by field and writes nothing', async () => {
    const e = engine();
    const error = await e.request({ names: ['ok.example.test', 'bad_name.example.test', '*.wild.example.test'], validation: 'http-01' }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(InputRejectedError);
    const fields = (error as InputRejectedError).violations.map((v) => `${v.field}:${v.rule}`);
    expect(fields).toEqual(expect.arrayContaining(['names[1]:invalidCharacter']));
    expect((await env.store.collection<CertificateDoc>('certificates').listByOwner(e.ownerId, { limit: 10 })).items).toHaveLength(0);
  });
});

describe('the user’s own CSR', () => {
  test('is used as given; the key never reaches us', async () => {
    const e = engine();
    const name = `csr-${seq}.example.test`;
    const { csrPem } = await e.deps.keys.generate('ec-p384', [name]);
    const { order } = await e.request({ names: [name], csrPem });
    await publishDns((await advanceOrder(e.deps, order._id))!);
    const version = await expectIssued(e, await verifyOrder(e.deps, e.ownerId, order._id), [name]);
    expect(version.privateKeySealed).toBeNull();
    expect(version.leaf.publicKey).toMatchObject({ algorithm: 'ec', curve: 'P-384' });
  });

  test('whose names differ from the request is refused, naming the missing and extra names', async () => {
    const e = engine();
    const { csrPem } = await e.deps.keys.generate('ec-p256', ['other.example.test']);
    const error = (await e.request({ names: [`want-${seq}.example.test`], csrPem }).catch((err: unknown) => err)) as InputRejectedError;
    expect(error).toBeInstanceOf(InputRejectedError);
    expect(error.violations.map((v) => `${v.field}:${v.rule}`).sort()).toEqual(['csr:nameExtra', 'csr:nameMissing']);
    expect(error.violations.every((v) => /[\u4e00-\u9fa5]/.test(v.message))).toBe(true);
  });
});

describe('ACME profiles and ARI replacement', () => {
  test('are sent only when the directory advertises them', async () => {
    const e = engine();
    const sent: object[] = [];
    const real = e.deps.acme;
    const recording = (advertise: boolean): EngineDeps => ({
      ...e.deps,
      // The real gateway, with the directory widened and newOrder requests recorded.
      acme: Object.assign(Object.create(real) as typeof real, {
        directory: async (endpoint: Parameters<typeof real.directory>[0]) => ({
          ...(await real.directory(endpoint)),
          ...(advertise ? { profiles: { shortlived: 'about six days' }, renewalInfo: 'https://127.0.0.1/renewal-info' } : {}),
        }),
        createOrder: (session: Parameters<typeof real.createOrder>[0], request: Parameters<typeof real.createOrder>[1]) => {
          sent.push(request);
          return real.createOrder(session, request);
        },
      }),
    });
    const withName = `profile-${seq}.example.test`;
    const withoutName = `noprofile-${seq}.example.test`;
    const withExtras = await e.request({ names: [withName], profile: 'shortlived' });
    await e.deps.store.collection<OrderDoc>('orders').update(withExtras.order, { replaces: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE' });
    await advanceOrder(recording(true), withExtras.order._id);
    const without = await e.request({ names: [withoutName], profile: 'shortlived' });
    await advanceOrder(recording(false), without.order._id);
    expect(sent).toEqual([
      { names: [withName], profile: 'shortlived', replaces: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE' },
      { names: [withoutName] },
    ]);
  });
});

describe('http-01 by hand', () => {
  let server: Server;
  const files = new Map<string, string>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      const body = files.get(req.url ?? '');
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain' });
      res.end(body ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(stack.httpChallengePort, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  test('the file is missing (404), then placed: issued', async () => {
    const e = engine();
    const name = `web-${seq}.example.test`;
    const { order } = await e.request({ names: [name], validation: 'http-01' });
    const placed = await advanceOrder(e.deps, order._id);
    const [instruction] = httpInstructions(placed!.challenges);
    expect(instruction?.url).toMatch(new RegExp(`^http://${name}/\\.well-known/acme-challenge/[\\w-]+$`));

    const missing = await verifyOrder(e.deps, e.ownerId, order._id);
    expect(missing.selfCheck?.items[0]?.problem).toBe('notFound');

    files.set(instruction!.path, instruction!.content);
    await expectIssued(e, await verifyOrder(e.deps, e.ownerId, order._id), [name]);
  });
});

describe('concurrency and idempotency', () => {
  test('many concurrent verify taps finalize once and store one certificate', async () => {
    const e = engine({ viaProxy: true });
    const name = `taps-${seq}.example.test`;
    const { order } = await e.request({ names: [name] });
    await publishDns((await advanceOrder(e.deps, order._id))!);
    const before = proxy.requests.length;
    const results = await Promise.all(Array.from({ length: 6 }, () => verifyOrder(e.deps, e.ownerId, order._id)));
    // Whoever did not hold the lease returned at once; one more call sees the end state.
    const final = (await advanceOrder(e.deps, order._id)) ?? results[0];
    await expectIssued(e, final ?? null, [name]);
    // Accepted finalizations (a badNonce retry under PEBBLE_WFE_NONCEREJECT is a 400 and not one).
    const finalizes = proxy.requests.slice(before).filter((r) => r.method === 'POST' && /finaliz/.test(r.path) && r.status === 200);
    expect(finalizes).toHaveLength(1);
  });
});

describe('faults', () => {
  test('a 429 with Retry-After on new-order is recorded and rescheduled, never slept on', async () => {
    const e = engine({ viaProxy: true });
    const { order } = await e.request({ names: [`limited-${seq}.example.test`] });
    proxy.respondWith(
      { method: 'POST', path: /order-plz|new-order/ },
      { status: 429, headers: { 'Retry-After': '120', 'Content-Type': 'application/problem+json' }, body: { type: 'urn:ietf:params:acme:error:rateLimited', detail: 'slow down' } },
    );
    const started = Date.now();
    const after = await advanceOrder(e.deps, order._id);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(after).toMatchObject({ state: 'created', attempts: 1, lastError: { kind: 'rateLimited', retryAfterMs: 120_000 } });
    expect(after!.nextActionAt! - after!.lastError!.at).toBeGreaterThanOrEqual(120_000);
    // Not due yet: nothing happens.
    expect((await advanceOrder(e.deps, order._id))?.attempts).toBe(1);
    e.later(121_000);
    expect((await advanceOrder(e.deps, order._id))?.state).toBe('awaitingUser');
  });

  test('the CA down mid-order keeps the state; the step runs again later and finishes once', async () => {
    const e = engine({ viaProxy: true });
    const name = `outage-${seq}.example.test`;
    const { order } = await e.request({ names: [name] });
    await publishDns((await advanceOrder(e.deps, order._id))!);
    await proxy.refuseAll(true);
    let during: OrderDoc;
    try {
      during = await verifyOrder(e.deps, e.ownerId, order._id);
    } finally {
      await proxy.refuseAll(false);
    }
    expect(during).toMatchObject({ state: 'awaitingUser', attempts: 1, lastError: { kind: 'unreachable' } });
    e.later(10 * 60_000);
    await expectIssued(e, await advanceOrder(e.deps, order._id), [name]);
  });

  test('a 503 on finalize is retried later', async () => {
    const e = engine({ viaProxy: true });
    const name = `finalize503-${seq}.example.test`;
    const { order } = await e.request({ names: [name] });
    await publishDns((await advanceOrder(e.deps, order._id))!);
    proxy.respondWith({ method: 'POST', path: /finaliz/ }, { status: 503, headers: { 'Retry-After': '30' }, body: 'busy' });
    const stalled = await verifyOrder(e.deps, e.ownerId, order._id);
    expect(stalled).toMatchObject({ state: 'ready', lastError: { kind: 'httpError', status: 503 } });
    expect(stalled.privateKeySealed).not.toBeNull();
    e.later(60_000);
    await expectIssued(e, await advanceOrder(e.deps, order._id), [name]);
  });

  test('interrupted between finalize and download: the next step downloads the same certificate for the stored key', async () => {
    const e = engine({ viaProxy: true });
    const name = `interrupted-${seq}.example.test`;
    const { order } = await e.request({ names: [name] });
    await publishDns((await advanceOrder(e.deps, order._id))!);
    proxy.resetConnection({ method: 'POST', path: /\/certZ\// }, 1);
    const cut = await verifyOrder(e.deps, e.ownerId, order._id);
    expect(cut).toMatchObject({ state: 'finalizing', lastError: { kind: 'unreachable' } });
    expect(cut.certificateUrl).not.toBeNull();
    e.later(60_000);
    await expectIssued(e, await advanceOrder(e.deps, order._id), [name]);
  });

  test('a CA refusal ends the order as invalid with the CA’s reason', async () => {
    const e = engine();
    const name = `refused-${seq}.example.test`;
    const { order } = await e.request({ names: [name] });
    const placed = await advanceOrder(e.deps, order._id);
    expect({ state: placed?.state, lastError: placed?.lastError ?? null }).toEqual({ state: 'awaitingUser', lastError: null });
    // Publish a wrong value, and skip our self-check by answering the challenge directly.
    const [instruction] = dnsInstructions(placed!.challenges);
    await stack.setTxt(instruction!.recordName, 'not-the-right-value');
    const deps: EngineDeps = { ...e.deps, selfCheck: { checkTxt: async () => ({ ok: true, answers: [] }), checkHttp: async () => ({ ok: true, hops: [] }) } };
    const failed = await verifyOrder(deps, e.ownerId, order._id);
    await stack.clearTxt(instruction!.recordName);
    expect(failed).toMatchObject({ state: 'invalid', lastError: { kind: 'unauthorized', identifier: name } });
    expect((await env.store.collection<CertificateDoc>('certificates').get(order.certificateId))?.status).toBe('failed');
  });
});

describe('cancel and revoke', () => {
  test('a waiting order can be cancelled; its lineage says so', async () => {
    const e = engine();
    const { order } = await e.request({ names: [`cancel-${seq}.example.test`] });
    await advanceOrder(e.deps, order._id);
    expect((await cancelOrder(e.deps, e.ownerId, order._id)).state).toBe('cancelled');
    expect((await env.store.collection<CertificateDoc>('certificates').get(order.certificateId))?.status).toBe('cancelled');
    await expect(cancelOrder(e.deps, e.ownerId, order._id)).rejects.toBeInstanceOf(ConflictError);
  });

  test('revocation with a reason code shows in Pebble and on the lineage; twice is refused', async () => {
    const e = engine();
    const name = `revoke-${seq}.example.test`;
    const { order } = await e.request({ names: [name] });
    await publishDns((await advanceOrder(e.deps, order._id))!);
    const version = await expectIssued(e, await verifyOrder(e.deps, e.ownerId, order._id), [name]);
    const revoked = await revokeCertificate(e.deps, { ownerId: e.ownerId, certificateId: order.certificateId, reason: 'keyCompromise' });
    expect(revoked).toMatchObject({ revocationReason: 'keyCompromise', revokedAt: expect.any(Number) });
    expect(await stack.certificateStatus(version.leaf.serialNumber.toLowerCase())).toMatchObject({ Status: 'Revoked', Reason: 1 });
    expect((await env.store.collection<CertificateDoc>('certificates').get(order.certificateId))?.status).toBe('revoked');
    await expect(revokeCertificate(e.deps, { ownerId: e.ownerId, certificateId: order.certificateId, reason: 'keyCompromise' })).rejects.toBeInstanceOf(ConflictError);
  });

  test('another user cannot see, verify, cancel or revoke it', async () => {
    const e = engine();
    const { order } = await e.request({ names: [`mine-${seq}.example.test`] });
    await expect(verifyOrder(e.deps, 'someone-else', order._id)).rejects.toThrow(/not found/);
    await expect(cancelOrder(e.deps, 'someone-else', order._id)).rejects.toThrow(/not found/);
    await expect(revokeCertificate(e.deps, { ownerId: 'someone-else', certificateId: order.certificateId, reason: 'unspecified' })).rejects.toThrow(/not found/);
  });
});
