/**
 * Probe and evaluation together, against real TLS servers on loopback (Node's, and `openssl
 * s_server` for the old protocol versions): each misconfiguration gets the right verdict, the
 * right failing checks, and an explanation and fix that name the problem.
 */
import { NodeTlsProbe } from '../../../server/adapters/probe/tls-probe';
import { evaluateEndpoint, type CheckId, type EndpointEvaluation, type IssuedCertificate, type Verdict } from '../../../server/domain/tls-evaluation';
import { createCa, createLeaf, createTestPki, DAY_MS, startOpensslServer, startTlsServer, type Issued, type LeafOptions, type TestPki, type TestServer } from '../support/tls-servers';

jest.setTimeout(60_000);

let pki: TestPki;
const servers: TestServer[] = [];
const table = new Map<string, string[]>();

beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const probe = () =>
  new NodeTlsProbe({
    policy: { allowLoopback: true },
    trustPem: pki.root.pem,
    connectTimeoutMs: 2000,
    handshakeTimeoutMs: 2000,
    resolve: async (host) => table.get(host) ?? [],
  });

async function judge(host: string, port: number, issued: { issued: IssuedCertificate | null; previousIssued?: string[] } = { issued: null }): Promise<EndpointEvaluation> {
  const result = await probe().probe({ host, port });
  return evaluateEndpoint({ result, url: { host, port, portExplicit: true }, now: Date.now(), ...issued });
}

/** Serves `chain` (in that order) for `host` on 127.0.0.1 with Node's TLS server. */
async function serve(host: string, chain: Issued[], options: { minVersion?: 'TLSv1.3' } = {}): Promise<number> {
  const server = await startTlsServer({ chain, ...options });
  servers.push(server);
  table.set(host, ['127.0.0.1']);
  return server.port;
}

const leaf = (names: string[], options: Omit<LeafOptions, 'names'> = {}, issuer: Issued = pki.intermediate) => createLeaf({ names, ...options }, issuer);

function problems(evaluation: EndpointEvaluation): [CheckId, string][] {
  return evaluation.checks.filter((c) => c.status === 'fail' || c.status === 'warn').map((c) => [c.id, c.status]);
}

function expectVerdict(evaluation: EndpointEvaluation, verdict: Verdict, failing: [CheckId, string][]) {
  expect({ verdict: evaluation.verdict, problems: problems(evaluation) }).toEqual({ verdict, problems: failing });
  expect(evaluation.wechatReady).toBe(verdict === 'ready' || verdict === 'warning');
  for (const check of evaluation.checks.filter((c) => c.status === 'fail')) {
    expect(check.explanation.length).toBeGreaterThan(5);
    expect(check.fix?.length ?? 0).toBeGreaterThan(5);
  }
}

const text = (evaluation: EndpointEvaluation, id: CheckId) => {
  const check = evaluation.checks.find((c) => c.id === id);
  return `${check?.explanation ?? ''} ${check?.fix ?? ''}`;
};

test('a full chain on TLS 1.2 and 1.3: ready for WeChat', async () => {
  const port = await serve('good.example.test', [await leaf(['good.example.test']), pki.intermediate]);
  const evaluation = await judge('good.example.test', port);
  expectVerdict(evaluation, 'ready', []);
  expect(evaluation.checks.find((c) => c.id === 'icp')?.status).toBe('info');
  expect(evaluation.served).toMatchObject({ chainLength: 2, protocol: 'TLSv1.3', dnsNames: ['good.example.test'] });
});

test('the leaf only: Android cannot build the chain; the fix is the full chain', async () => {
  const port = await serve('leaf-only.example.test', [await leaf(['leaf-only.example.test'])]);
  const evaluation = await judge('leaf-only.example.test', port);
  expectVerdict(evaluation, 'notReady', [['chainComplete', 'fail']]);
  expect(text(evaluation, 'chainComplete')).toContain('fullchain');
});

test('the chain in the wrong order still works, with a warning', async () => {
  const port = await serve('order.example.test', [await leaf(['order.example.test']), pki.root, pki.intermediate]);
  expectVerdict(await judge('order.example.test', port), 'warning', [['chainOrder', 'warn']]);
});

test('expired, not yet valid, wrong host, self-signed, unknown root: not ready, each for its reason', async () => {
  const now = Date.now();
  const cases: [string, Issued[], CheckId][] = [
    ['expired.example.test', [await leaf(['expired.example.test'], { notBefore: now - 100 * DAY_MS, notAfter: now - DAY_MS }), pki.intermediate], 'notExpired'],
    ['future.example.test', [await leaf(['future.example.test'], { notBefore: now + DAY_MS, notAfter: now + 90 * DAY_MS }), pki.intermediate], 'notYetValid'],
    ['host.example.test', [await leaf(['other.example.test']), pki.intermediate], 'hostname'],
  ];
  for (const [host, chain, id] of cases) {
    const evaluation = await judge(host, await serve(host, chain));
    expect(evaluation.verdict).toBe('notReady');
    expect(evaluation.checks.find((c) => c.id === id)).toMatchObject({ status: 'fail', blocksWechat: true });
  }
  const selfSigned = await judge('self.example.test', await serve('self.example.test', [await createLeaf({ names: ['self.example.test'] })]));
  expect(selfSigned.verdict).toBe('notReady');
  expect(selfSigned.checks.find((c) => c.id === 'trusted')).toMatchObject({ status: 'fail', blocksWechat: true });
  expect(text(selfSigned, 'trusted')).toContain('自签名');

  const strangerIntermediate = await createCa('Stranger Intermediate', pki.unknownRoot);
  const unknown = await judge('unknown.example.test', await serve('unknown.example.test', [await leaf(['unknown.example.test'], {}, strangerIntermediate), strangerIntermediate, pki.unknownRoot]));
  expect(unknown.verdict).toBe('notReady');
  expect(unknown.checks.find((c) => c.id === 'trusted')).toMatchObject({ status: 'fail', blocksWechat: true });
});

test('TLS 1.0/1.1 only: WeChat needs TLS 1.2; TLS 1.3 only: a warning for old phones', async () => {
  const old = await startOpensslServer({ chain: [await leaf(['old.example.test']), pki.intermediate], versions: ['TLSv1', 'TLSv1.1'] });
  servers.push(old);
  table.set('old.example.test', ['127.0.0.1']);
  const legacy = await judge('old.example.test', old.port);
  expect(legacy.verdict).toBe('notReady');
  expect(legacy.checks.find((c) => c.id === 'tls12')).toMatchObject({ status: 'fail', blocksWechat: true });
  expect(legacy.checks.find((c) => c.id === 'legacyTls')?.status).toBe('warn');

  const modern = await judge('new.example.test', await serve('new.example.test', [await leaf(['new.example.test']), pki.intermediate], { minVersion: 'TLSv1.3' }));
  expect(modern.verdict).toBe('warning');
  expect(problems(modern).map(([id]) => id)).toEqual(['tls12']);
});

test('an RSA 1024 key: refused by iOS and modern clients', async () => {
  const port = await serve('weak.example.test', [await leaf(['weak.example.test'], { key: 'rsa-1024' }), pki.intermediate]);
  const evaluation = await judge('weak.example.test', port);
  expectVerdict(evaluation, 'notReady', [['keyStrength', 'fail']]);
  expect(text(evaluation, 'keyStrength')).toContain('2048');
});

test('two addresses serving different certificates: a warning naming both', async () => {
  const first = await startTlsServer({ chain: [await leaf(['pair.example.test']), pki.intermediate] });
  const second = await startTlsServer({ chain: [await leaf(['pair.example.test']), pki.intermediate], host: '::1', port: first.port });
  servers.push(first, second);
  table.set('pair.example.test', ['127.0.0.1', '::1']);
  const evaluation = await judge('pair.example.test', first.port);
  expectVerdict(evaluation, 'warning', [['consistent', 'warn']]);
  const detail = evaluation.checks.find((c) => c.id === 'consistent')?.detail ?? '';
  expect(detail).toContain('127.0.0.1');
  expect(detail).toContain('::1');
});

test('the certificate CertKeeper issued vs an older one still served', async () => {
  const older = await leaf(['deployed.example.test']);
  const newer = await leaf(['deployed.example.test']);
  const port = await serve('deployed.example.test', [older, pki.intermediate]);
  const issuedNow = { fingerprintSha256: newer.fingerprint, notAfter: Date.now() + 90 * DAY_MS, issuedAt: Date.now() };
  const stale = await judge('deployed.example.test', port, { issued: issuedNow, previousIssued: [older.fingerprint] });
  expect(stale.deployedIsIssued).toBe(false);
  expect(stale.checks.find((c) => c.id === 'deployedIsIssued')?.status).toBe('warn');
  expect(text(stale, 'deployedIsIssued')).toContain('旧证书');
  const current = await judge('deployed.example.test', port, { issued: { ...issuedNow, fingerprintSha256: older.fingerprint } });
  expect(current.deployedIsIssued).toBe(true);
  expect(current.verdict).toBe('ready');
});
