/**
 * http-01 by delegation, end to end against Pebble: the user's web server (on Pebble's
 * httpChallengePort) answers `/.well-known/acme-challenge/*` with the redirect a pasted snippet
 * makes, to the `acmehttp` handler served by the local runtime's API server; orders come from the
 * engine's own use cases, their answers from `publishHttpTokens`.
 *
 * The local acmehttp listens on a free port, not 80/443. Pebble's validator follows a redirect to
 * any port (Go's default redirect policy; the last describe block shows it), so the CA side runs
 * unchanged. Public CAs, and our self-check, follow only to 80/443: the self-check is given the
 * acmehttp port explicitly here, and refuses it without (tested too). Names resolve at challtestsrv,
 * which answers 127.0.0.1 for every name.
 */
import * as acme from 'acme-client';
import { createServer, type Server } from 'node:http';
import { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { localSelfCheckOptions, NetworkSelfCheck } from '../../../server/adapters/selfcheck';
import { systemClock } from '../../../server/adapters/system';
import { delegatedChallengeUrl, delegationUrl, redirectSnippets, type RedirectServer } from '../../../server/domain/http-delegation';
import type { CertificateVersionDoc } from '../../../server/domain/certificate';
import { httpInstructions, type OrderDoc } from '../../../server/domain/order';
import { createLocalEngine } from '../../../server/local/engine';
import { startLocalApiServer, type LocalApiServer } from '../../../server/local/http-api';
import { startPebbleStack, type PebbleStack } from '../../../server/local/pebble';
import { advanceOrder } from '../../../server/usecases/advance-order';
import type { EngineDeps } from '../../../server/usecases/engine';
import { answerFor, createProbeToken, httpDelegationKey, publishHttpTokens, removeHttpTokens } from '../../../server/usecases/http-tokens';
import { verifyOrder } from '../../../server/usecases/manage-orders';
import { requestCertificate } from '../../../server/usecases/request-certificate';
import { openEngineStore, type EngineStore } from '../engine/support';
import { plainAcmeClient } from '../support/plain-acme';
import { recordingLogger } from '../support/recording-logger';
import { fetchText, startUserSite, type UserSite } from './support';

jest.setTimeout(90_000);

/** challtestsrv answers 127.0.0.1 for it, like every name; redirects name it (CAs refuse IP literals). */
const ACMEHTTP_HOST = 'acmehttp.certkeeper.test';

let stack: PebbleStack;
let env: EngineStore;
let api: LocalApiServer;
let site: UserSite;
let acmeHttpPort: number;
/** What the HTTP access service would publish: `http://acmehttp.certkeeper.test:<port>/acmehttp`. */
let functionUrl: string;
const acmeLog = recordingLogger();
let seq = 0;

beforeAll(async () => {
  stack = await startPebbleStack();
  env = await openEngineStore();
  api = await startLocalApiServer({
    port: 0,
    deps: {
      clock: systemClock,
      logger: recordingLogger(),
      engine: () => {
        throw new Error('the api function is not used here');
      },
    },
    acmeHttp: { store: () => env.store, clock: systemClock, logger: acmeLog },
  });
  acmeHttpPort = Number(new URL(api.origin).port);
  functionUrl = `http://${ACMEHTTP_HOST}:${acmeHttpPort}/acmehttp`;
  site = await startUserSite(stack.httpChallengePort);
});
afterAll(async () => {
  await site.close();
  await api.close();
  await env.close();
  await stack.stop();
});

/** CA rules, plus the one port the local acmehttp listens on. */
function selfCheck(allowAcmeHttpPort = true): NetworkSelfCheck {
  const options = localSelfCheckOptions(stack.dnsServer, stack.httpChallengePort);
  return new NetworkSelfCheck({ ...options, http: { ...options.http, ...(allowAcmeHttpPort ? { allowedPorts: [80, 443, acmeHttpPort] } : {}) } });
}

function engine() {
  const ownerId = `owner-${process.pid}-${++seq}`;
  const deps: EngineDeps = { ...createLocalEngine({ stack, store: env.store, cipher: env.cipher }), selfCheck: selfCheck() };
  const key = httpDelegationKey(ownerId);
  return {
    deps,
    ownerId,
    /** The URL this user's redirect points at. */
    delegation: delegationUrl(functionUrl, key),
    snippet: (server: RedirectServer) => redirectSnippets(functionUrl, key).find((s) => s.server === server)!,
    placeHttpOrder: async (names: string[]): Promise<OrderDoc> => {
      const { order } = await requestCertificate(deps, { ownerId, caId: 'pebble', validation: 'http-01', names });
      const placed = await advanceOrder(deps, order._id);
      expect(placed?.state).toBe('awaitingUser');
      return placed!;
    },
  };
}

function pendingTokens(order: OrderDoc): string[] {
  return order.challenges.filter((t) => t.status === 'pending').map((t) => t.token);
}

describe('an http-01 order whose site redirects to acmehttp', () => {
  test.each<[RedirectServer, number]>([
    ['nginx', 2],
    ['apache', 1],
    ['caddy', 1],
    ['iis', 1],
  ])('%s snippet: the self-check and Pebble follow the redirect, the certificate is issued, the tokens are removed', async (server, count) => {
    const e = engine();
    const names = Array.from({ length: count }, (_, i) => `${server}-${i}-${seq}.example.test`);
    for (const name of names) site.rules.set(name, e.snippet(server));
    const placed = await e.placeHttpOrder(names);

    const tokens = await publishHttpTokens(e.deps, placed);
    expect([...tokens].sort()).toEqual(pendingTokens(placed).sort());
    // Publishing again is harmless.
    expect(await publishHttpTokens(e.deps, placed)).toEqual(tokens);

    const issued = await verifyOrder(e.deps, e.ownerId, placed._id);
    expect(issued.selfCheck?.ok).toBe(true);
    expect(issued.state).toBe('issued');
    const version = await env.store.collection<CertificateVersionDoc>('certificateVersions').get(issued.issuedVersionId!);
    expect([...version!.leaf.dnsNames].sort()).toEqual([...names].sort());

    for (const instruction of httpInstructions(placed.challenges)) {
      const token = instruction.path.split('/').pop()!;
      const hops = site.seen.filter((r) => r.uri === instruction.path);
      // Pebble's validator (three concurrent fetches) and the self-check both got the redirect,
      // to exactly <delegation URL>/.well-known/acme-challenge/<token>: no path doubled or lost.
      expect(hops.filter((r) => r.userAgent.startsWith('LetsEncrypt-Pebble-VA')).length).toBeGreaterThanOrEqual(1);
      expect(hops.filter((r) => r.userAgent.startsWith('CertKeeper-SelfCheck')).length).toBeGreaterThanOrEqual(1);
      expect(new Set(hops.map((r) => r.location))).toEqual(new Set([delegatedChallengeUrl(e.delegation, token)]));
      expect(acmeLog.entries.filter((l) => l.event === 'acmehttp.request' && l.fields.token === token && l.fields.found === true).length).toBeGreaterThanOrEqual(2);
    }

    expect(await removeHttpTokens(e.deps, issued)).toBe(tokens.length);
    expect(await removeHttpTokens(e.deps, issued)).toBe(0);
    for (const token of tokens) {
      expect(await answerFor(e.deps, token, Date.now(), httpDelegationKey(e.ownerId))).toBeNull();
      expect((await fetchText(delegatedChallengeUrl(`${api.acmeHttpUrl}/${httpDelegationKey(e.ownerId)}`, token))).status).toBe(404);
    }
  });

  test('another user’s order for the same name is not answered under this site’s delegation URL', async () => {
    const owner = engine();
    const intruder = engine();
    const name = `shared-${seq}.example.test`;
    site.rules.set(name, owner.snippet('nginx'));
    const theirs = await intruder.placeHttpOrder([name]);
    const [token] = await publishHttpTokens(intruder.deps, theirs);

    const checked = await verifyOrder(intruder.deps, intruder.ownerId, theirs._id);
    expect(checked.state).toBe('awaitingUser');
    expect(checked.selfCheck?.items[0]).toMatchObject({ ok: false, problem: 'notFound' });
    const local = (ownerId: string) => delegatedChallengeUrl(`${api.acmeHttpUrl}/${httpDelegationKey(ownerId)}`, token!);
    expect((await fetchText(local(owner.ownerId))).status).toBe(404);
    expect(await fetchText(local(intruder.ownerId))).toMatchObject({ status: 200, body: theirs.challenges[0]!.proof });
    expect(await removeHttpTokens(intruder.deps, theirs)).toBe(1);
  });
});

describe('the probe token', () => {
  test('proves the redirect before automation is switched on, and is removed after use', async () => {
    const e = engine();
    const name = `probe-${seq}.example.test`;
    site.rules.set(name, e.snippet('apache'));
    const probe = await createProbeToken(e.deps, e.ownerId, Date.now());
    expect(probe.expiresAt - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    const url = `http://${name}/.well-known/acme-challenge/${probe.token}`;
    const result = await e.deps.selfCheck.checkHttp({ url, expectedBody: probe.value });
    expect(result).toMatchObject({ ok: true });
    expect(result.hops.map((h) => h.status)).toEqual([302, 200]);

    // A site without the redirect, and one redirecting to someone else's delegation URL, fail.
    const bare = `bare-${seq}.example.test`;
    expect(await e.deps.selfCheck.checkHttp({ url: url.replace(name, bare), expectedBody: probe.value })).toMatchObject({ ok: false, problem: 'notFound' });
    const other = `other-${seq}.example.test`;
    site.rules.set(other, engine().snippet('caddy'));
    expect(await e.deps.selfCheck.checkHttp({ url: url.replace(name, other), expectedBody: probe.value })).toMatchObject({ ok: false, problem: 'notFound' });

    expect(await removeHttpTokens(e.deps, [probe.token])).toBe(1);
    expect(await e.deps.selfCheck.checkHttp({ url, expectedBody: probe.value })).toMatchObject({ ok: false, problem: 'notFound' });
  });
});

describe('redirects to a port other than 80/443', () => {
  test('the self-check under the CAs’ rules refuses the hop to the local acmehttp port (as Let’s Encrypt would)', async () => {
    const e = engine();
    const name = `port-${seq}.example.test`;
    site.rules.set(name, e.snippet('nginx'));
    const probe = await createProbeToken(e.deps, e.ownerId, Date.now());
    const url = `http://${name}/.well-known/acme-challenge/${probe.token}`;
    const strict = await selfCheck(false).checkHttp({ url, expectedBody: probe.value });
    expect(strict).toMatchObject({ ok: false, problem: 'badRedirect' });
    expect(strict.ok ? '' : strict.detail).toContain(`port ${acmeHttpPort} is not one of 80, 443`);
    expect(await selfCheck(true).checkHttp({ url, expectedBody: probe.value })).toMatchObject({ ok: true });
    await removeHttpTokens(e.deps, [probe.token]);
  });
});

/**
 * What Pebble 2.4's validator does with redirects (`va/va.go` fetchHTTP: a Go http.Client with no
 * CheckRedirect, so Go's default policy): it follows any http/https URL on any port, IP literals
 * included, and stops at the tenth redirect. On ports and IP literals it is laxer than public CAs
 * and our self-check.
 */
describe('what Pebble’s validator follows', () => {
  let client: acme.Client;
  const answers = new Map<string, string>();
  beforeAll(async () => {
    acme.axios.defaults.httpsAgent = new Agent({ ca: stack.caCertPem });
    client = plainAcmeClient({ directoryUrl: stack.directoryUrl, accountKey: await acme.crypto.createPrivateEcdsaKey() });
    await client.createAccount({ termsOfServiceAgreed: true });
  });

  /** Validates one name whose site answers with `location(uri)`; the answer is served by the redirect target. */
  async function validateVia(label: string, location: (uri: string, token: string) => string): Promise<string> {
    const name = `${label}-${++seq}.example.test`;
    const order = await client.createOrder({ identifiers: [{ type: 'dns', value: name }] });
    const [authz] = await client.getAuthorizations(order);
    const challenge = authz!.challenges.find((c) => c.type === 'http-01')!;
    answers.set(challenge.token, await client.getChallengeKeyAuthorization(challenge));
    site.rules.set(name, { server: 'location', to: (uri) => location(uri, challenge.token) });
    await client.completeChallenge(challenge);
    return client.waitForValidStatus(challenge).then(
      () => 'valid',
      (error: unknown) => `invalid: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  /** A target that is not acmehttp: Pebble's side only, so no token store is involved. */
  let target: Server;
  let targetPort: number;
  beforeAll(async () => {
    target = createServer((req, res) => {
      const answer = answers.get((req.url ?? '').split('/').pop() ?? '');
      res.writeHead(answer === undefined ? 404 : 200, { 'content-type': 'text/plain' });
      res.end(answer ?? 'not found');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetPort = (target.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => target.close(resolve));
  });

  test('a redirect to a name on a non-standard port: followed', async () => {
    expect(await validateVia('nonstd', (uri) => `http://target.example.test:${targetPort}/x${uri}`)).toBe('valid');
  });

  test('a redirect to an IP literal on a non-standard port: followed (our self-check refuses it, as public CAs do)', async () => {
    expect(await validateVia('ip', (uri) => `http://127.0.0.1:${targetPort}/x${uri}`)).toBe('valid');

    const e = engine();
    const name = `ipcheck-${seq}.example.test`;
    const byAddress = delegationUrl(`http://127.0.0.1:${acmeHttpPort}/acmehttp`, httpDelegationKey(e.ownerId));
    site.rules.set(name, { server: 'location', to: (uri) => `${byAddress}${uri}` });
    const probe = await createProbeToken(e.deps, e.ownerId, Date.now());
    const result = await selfCheck(true).checkHttp({ url: `http://${name}/.well-known/acme-challenge/${probe.token}`, expectedBody: probe.value });
    expect(result).toMatchObject({ ok: false, problem: 'badRedirect' });
    expect(result.ok ? '' : result.detail).toContain('domain names only');
    await removeHttpTokens(e.deps, [probe.token]);
  });

  // Go refuses a redirect once 10 requests were made: nine redirects are followed, not ten
  // (Let's Encrypt documents up to ten; our self-check follows ten).
  test('nine redirects are followed, the tenth is not', async () => {
    const chain = (hops: number) => (uri: string) => {
      const rest = /^\/hop(\d+)(\/.*)$/.exec(uri);
      const left = rest ? Number(rest[1]) : hops;
      const path = rest?.[2] ?? uri;
      return left > 1 ? `/hop${left - 1}${path}` : `http://target.example.test:${targetPort}${path}`;
    };
    expect(await validateVia('nine', chain(9))).toBe('valid');
    expect(await validateVia('ten', chain(10))).toMatch(/stopped after 10 redirects/);
  });
});
