/**
 * The delegated http-01 token store (`usecases/http-tokens.ts`) on SQLite, the `acmehttp` handler
 * in front of it, and the built `acmehttp` bundle (small, no ACME code, CloudBase's response shape).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildFunction } from '../../../scripts/build-functions';
import type { ChallengeTask } from '../../../server/domain/order';
import { handleAcmeHttp, type AcmeHttpDependencies } from '../../../server/handlers/acmehttp';
import type { Store } from '../../../server/ports/store';
import {
  answerFor,
  createProbeToken,
  httpDelegationKey,
  HttpTokenError,
  publishHttpTokens,
  removeHttpTokens,
  sweepExpiredTokens,
  type ChallengeTokenDoc,
  type HttpTokenOrder,
} from '../../../server/usecases/http-tokens';
import { openEngineStore, type EngineStore } from '../engine/support';
import { recordingLogger } from '../support/recording-logger';

const NOW = Date.UTC(2026, 10, 1, 8, 0, 0);
let env: EngineStore;
let seq = 0;

beforeAll(async () => {
  env = await openEngineStore();
});
afterAll(async () => {
  await env.close();
});

function deps(now = NOW) {
  return { store: env.store, clock: { now: () => now } };
}

function task(token: string, over: Partial<ChallengeTask> = {}): ChallengeTask {
  return {
    authorizationUrl: `https://ca.test/authz/${token}`,
    name: 'www.example.test',
    wildcard: false,
    status: 'pending',
    challengeUrl: `https://ca.test/chall/${token}`,
    token,
    proof: `${token}.thumbprint-${token.length}`,
    error: null,
    ...over,
  };
}

/** A fresh token; they start with `-`, `_` or a letter in turn, as real base64url tokens may. */
function newToken(): string {
  const n = ++seq;
  return `${['-', '_', 'A'][n % 3] ?? 'A'}tok${n}_${process.pid}-abcdefghijklmnopqrstuvwxyz0123`;
}

function order(over: Partial<HttpTokenOrder> = {}): HttpTokenOrder {
  return { _id: `order-${++seq}`, ownerId: `owner-${seq}`, validation: 'http-01', caExpiresAt: NOW + 3_600_000, challenges: [task(newToken()), task(newToken())], ...over };
}

function tokenDocs() {
  return env.store.collection<ChallengeTokenDoc>('challengeTokens');
}

describe('the token store', () => {
  test('publishes one answer per pending http-01 challenge, idempotently, under the owner’s key only', async () => {
    const o = order({ challenges: [task(newToken()), task(newToken()), task(newToken(), { status: 'valid' })] });
    const tokens = await publishHttpTokens(deps(), o);
    expect(tokens).toEqual([o.challenges[0]!.token, o.challenges[1]!.token]);
    expect(await publishHttpTokens(deps(NOW + 1000), o)).toEqual(tokens);
    const key = httpDelegationKey(o.ownerId);
    expect(await answerFor(deps(), tokens[0]!, NOW, key)).toBe(o.challenges[0]!.proof);
    expect(await answerFor(deps(), o.challenges[2]!.token, NOW, key)).toBeNull();
    expect(await answerFor(deps(), tokens[0]!, NOW, httpDelegationKey('someone-else'))).toBeNull();
    expect(await answerFor(deps(), 'unknown-token', NOW, key)).toBeNull();
    const stored = await tokenDocs().get(`tok-${tokens[0]!}`);
    expect(stored).toMatchObject({ ownerId: o.ownerId, orderId: o._id, kind: 'challenge', keyAuthorization: o.challenges[0]!.proof, createdAt: NOW, expiresAt: NOW + 3_600_000, nextActionAt: NOW + 3_600_000 });
  });

  test('answers expire with the CA’s order (at least an hour; a week when the CA gave no expiry)', async () => {
    const o = order({ caExpiresAt: NOW + 2 * 3_600_000 });
    const [token] = await publishHttpTokens(deps(), o);
    const key = httpDelegationKey(o.ownerId);
    expect(await answerFor(deps(), token!, NOW + 2 * 3_600_000 - 1, key)).not.toBeNull();
    expect(await answerFor(deps(), token!, NOW + 2 * 3_600_000, key)).toBeNull();
    const late = order({ caExpiresAt: NOW - 1 });
    await publishHttpTokens(deps(), late);
    expect((await tokenDocs().get(`tok-${late.challenges[0]!.token}`))?.expiresAt).toBe(NOW + 3_600_000);
    const open = order({ caExpiresAt: null });
    await publishHttpTokens(deps(), open);
    expect((await tokenDocs().get(`tok-${open.challenges[0]!.token}`))?.expiresAt).toBe(NOW + 7 * 86_400_000);
  });

  test('a token another order holds is refused; an expired one is taken over', async () => {
    const first = order();
    await publishHttpTokens(deps(), first);
    const thief = order({ challenges: [task(first.challenges[0]!.token, { proof: 'other.proof' })] });
    const error = await publishHttpTokens(deps(), thief).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpTokenError);
    expect((error as HttpTokenError).reason).toBe('taken');
    expect(await answerFor(deps(), first.challenges[0]!.token, NOW, httpDelegationKey(first.ownerId))).toBe(first.challenges[0]!.proof);

    const later = NOW + 3 * 3_600_000;
    expect(await publishHttpTokens(deps(later), thief)).toEqual([first.challenges[0]!.token]);
    expect(await answerFor(deps(later), first.challenges[0]!.token, later, httpDelegationKey(thief.ownerId))).toBe('other.proof');
  });

  test('a token acmehttp could not serve is refused before anything is stored for it', async () => {
    for (const bad of ['with/slash', 'dots.in.it', '', 'x'.repeat(125)]) {
      const error = await publishHttpTokens(deps(), order({ challenges: [task(bad)] })).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'HttpTokenError', reason: 'invalidToken' });
    }
    expect(await publishHttpTokens(deps(), order({ validation: 'dns-01' }))).toEqual([]);
  });

  test('removes an order’s answers (not another order’s), or the answers of given tokens', async () => {
    const o = order();
    const tokens = await publishHttpTokens(deps(), o);
    const stranger = { ...order(), challenges: o.challenges };
    expect(await removeHttpTokens(env, stranger)).toBe(0);
    expect(await removeHttpTokens(env, o)).toBe(2);
    expect(await removeHttpTokens(env, o)).toBe(0);
    for (const token of tokens) expect(await tokenDocs().get(`tok-${token}`)).toBeNull();

    const again = order();
    const [one, two] = await publishHttpTokens(deps(), again);
    expect(await removeHttpTokens(env, [one!, 'never-stored', 'bad/token'])).toBe(1);
    expect(await answerFor(deps(), two!, NOW, httpDelegationKey(again.ownerId))).not.toBeNull();
  });

  test('probe tokens: answered under the owner’s key for ten minutes, removed after use', async () => {
    const probe = await createProbeToken(env, 'probe-owner', NOW);
    expect(probe.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(probe.value.startsWith(`${probe.token}.`)).toBe(true);
    expect(probe.expiresAt).toBe(NOW + 10 * 60_000);
    const key = httpDelegationKey('probe-owner');
    expect(await answerFor(env, probe.token, NOW + 10 * 60_000 - 1, key)).toBe(probe.value);
    expect(await answerFor(env, probe.token, NOW + 10 * 60_000, key)).toBeNull();
    expect(await removeHttpTokens(env, [probe.token])).toBe(1);
    expect(await answerFor(env, probe.token, NOW, key)).toBeNull();
  });

  test('the sweep deletes what has expired, nothing else', async () => {
    const sweepAt = NOW + 400 * 86_400_000;
    // Everything earlier tests left has expired by then; sweep that first.
    for (let swept = 1; swept > 0; ) swept = await sweepExpiredTokens(deps(sweepAt), 100);
    const expiring = order({ caExpiresAt: sweepAt + 3_600_000 });
    const lasting = order({ caExpiresAt: sweepAt + 10 * 3_600_000 });
    await publishHttpTokens(deps(sweepAt), expiring);
    await publishHttpTokens(deps(sweepAt), lasting);
    expect(await sweepExpiredTokens(deps(sweepAt + 3_600_000), 100)).toBe(2);
    expect(await tokenDocs().get(`tok-${lasting.challenges[0]!.token}`)).not.toBeNull();
    expect(await tokenDocs().get(`tok-${expiring.challenges[0]!.token}`)).toBeNull();
  });

  test('the delegation key is 22 base64url characters, stable per owner, different between owners', () => {
    expect(httpDelegationKey('o1')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(httpDelegationKey('o1')).toBe(httpDelegationKey('o1'));
    expect(httpDelegationKey('o1')).not.toBe(httpDelegationKey('o2'));
  });
});

describe('the acmehttp handler', () => {
  const logger = recordingLogger();
  let stored: HttpTokenOrder;
  let key: string;
  let handlerDeps: AcmeHttpDependencies;
  let opened = 0;

  beforeAll(async () => {
    stored = order();
    await publishHttpTokens(deps(), stored);
    key = httpDelegationKey(stored.ownerId);
    handlerDeps = {
      store: () => {
        opened++;
        return env.store;
      },
      clock: { now: () => NOW },
      logger,
    };
  });

  const event = (path: string, httpMethod = 'GET') => ({
    path,
    httpMethod,
    headers: { host: 'env-id.service.tcloudbase.com', 'user-agent': 'test' },
    queryStringParameters: {},
    requestContext: { requestId: 'r1', envId: 'env-id' },
    body: '',
    isBase64Encoded: false,
  });

  test.each([
    ['behind the route prefix', (k: string, t: string) => `/acmehttp/${k}/.well-known/acme-challenge/${t}`],
    ['with the prefix stripped', (k: string, t: string) => `/${k}/.well-known/acme-challenge/${t}`],
    ['behind a longer prefix', (k: string, t: string) => `/fn/v1/acmehttp/${k}/.well-known/acme-challenge/${t}`],
  ])('GET %s: 200 text/plain with exactly the key authorization', async (_label, path) => {
    const token = stored.challenges[0]!.token;
    const response = await handleAcmeHttp(event(path(key, token)), handlerDeps);
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
      body: stored.challenges[0]!.proof,
      isBase64Encoded: false,
    });
  });

  test('HEAD: 200, no body', async () => {
    const response = await handleAcmeHttp(event(`/acmehttp/${key}/.well-known/acme-challenge/${stored.challenges[1]!.token}`, 'HEAD'), handlerDeps);
    expect(response).toMatchObject({ statusCode: 200, body: '' });
  });

  test.each([
    ['an unknown token', () => `/acmehttp/${key}/.well-known/acme-challenge/unknownToken123`],
    ['another owner’s key', () => `/acmehttp/${httpDelegationKey('intruder')}/.well-known/acme-challenge/${stored.challenges[0]!.token}`],
    ['no key', () => `/acmehttp/.well-known/acme-challenge/${stored.challenges[0]!.token}`],
    ['a directory', () => `/acmehttp/${key}/.well-known/acme-challenge/`],
    ['a trailing slash', () => `/acmehttp/${key}/.well-known/acme-challenge/${stored.challenges[0]!.token}/`],
    ['dot segments', () => `/acmehttp/${key}/.well-known/acme-challenge/../acme-challenge/${stored.challenges[0]!.token}x`],
    ['an encoded slash', () => `/acmehttp/${key}/.well-known/acme-challenge/a%2Fb`],
    ['a 129-character token', () => `/acmehttp/${key}/.well-known/acme-challenge/${'a'.repeat(129)}`],
    ['markup', () => `/acmehttp/${key}/.well-known/acme-challenge/<script>alert(1)</script>`],
    ['the root', () => '/'],
  ])('GET %s: 404 with a fixed body', async (_label, path) => {
    const response = await handleAcmeHttp(event(path()), handlerDeps);
    expect(response).toMatchObject({ statusCode: 404, body: 'Not Found\n', isBase64Encoded: false });
    expect(response.body).not.toContain('acme');
  });

  test('other methods: 405 with Allow, before any lookup', async () => {
    const before = opened;
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const response = await handleAcmeHttp(event(`/acmehttp/${key}/.well-known/acme-challenge/${stored.challenges[0]!.token}`, method), handlerDeps);
      expect(response).toMatchObject({ statusCode: 405, body: 'Method Not Allowed\n', headers: { allow: 'GET, HEAD' } });
    }
    expect(opened).toBe(before);
  });

  test('an event that is not an HTTP request: 404, nothing looked up', async () => {
    const before = opened;
    for (const bad of [null, 'GET /', { action: 'ping' }, { path: 1, httpMethod: 'GET' }, { path: '/x' }]) {
      expect(await handleAcmeHttp(bad, handlerDeps)).toMatchObject({ statusCode: 404, isBase64Encoded: false });
    }
    expect(opened).toBe(before);
  });

  test('a failing store: 503 with a fixed body, logged in English', async () => {
    const broken = { collection: () => ({ get: () => Promise.reject(new Error('database unreachable')) }) } as unknown as Store;
    const failing = recordingLogger();
    const response = await handleAcmeHttp(event(`/acmehttp/${key}/.well-known/acme-challenge/${stored.challenges[0]!.token}`), { ...handlerDeps, store: () => broken, logger: failing });
    expect(response).toMatchObject({ statusCode: 503, body: 'Service Unavailable\n', headers: { 'retry-after': '5' } });
    expect(failing.entries).toEqual([expect.objectContaining({ level: 'error', event: 'acmehttp.store.failed' })]);
  });
});

describe('the acmehttp cloud function bundle', () => {
  const run = promisify(execFile);
  const root = join(__dirname, '../../..');
  let outDir: string;
  beforeAll(async () => {
    outDir = await mkdtemp(join(root, 'node_modules', '.certkeeper-acmehttp-'));
  });
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  test('is small, carries no ACME or crypto libraries, and answers in the HTTP access shape', async () => {
    const acmehttp = await buildFunction('acmehttp', join(outDir, 'acmehttp.js'));
    const api = await buildFunction('api', join(outDir, 'api.js'));
    expect(acmehttp.bytes).toBeLessThan(64 * 1024);
    expect(acmehttp.bytes * 20).toBeLessThan(api.bytes);
    const text = await readFile(acmehttp.outfile, 'utf8');
    expect(text).toContain('require("wx-server-sdk")');
    expect(text).not.toMatch(/acme-client|node-forge|axios|@peculiar/);

    // Refused before the database is touched, so this runs without CloudBase.
    const script = `require(${JSON.stringify(acmehttp.outfile)}).main({ path: '/acmehttp/x', httpMethod: 'POST', headers: {}, body: '', isBase64Encoded: false }, {}).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r)))`;
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('WX_') && !name.startsWith('TCB_') && !name.startsWith('TENCENTCLOUD_')));
    const { stdout } = await run(process.execPath, ['-e', script], { env: clean, timeout: 20_000 });
    expect(JSON.parse(stdout.slice(stdout.indexOf('RESULT ') + 7))).toEqual({
      statusCode: 405,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', allow: 'GET, HEAD' },
      body: 'Method Not Allowed\n',
      isBase64Encoded: false,
    });
  });

  test('its config asks for no openapi permission and a short timeout', async () => {
    const config = JSON.parse(await readFile(join(root, 'cloudfunctions/acmehttp/config.json'), 'utf8')) as { timeout: number; permissions: { openapi: string[] } };
    expect(config.permissions.openapi).toEqual([]);
    expect(config.timeout).toBeLessThanOrEqual(10);
  });
});
