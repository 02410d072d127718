import { hostnameMatches, isIpHost, normalizeHostname } from '../../../server/domain/hostname';
import { CHANGE_KINDS, evaluationChanges, type ChangeKind } from '../../../server/domain/tls-changes';
import {
  CHECK_IDS,
  evaluateEndpoint,
  REASON_STATUS,
  statusOf,
  WECHAT_RULES,
  type CheckId,
  type CheckResult,
  type EndpointEvaluation,
  type EvaluationInput,
  type Finding,
} from '../../../server/domain/tls-evaluation';
import { CHECK_TEXT, describeChange, describeCheck } from '../../../server/domain/tls-evaluation.messages.zh';
import type { AddressProbe, ProbeResult, ServedCertificate, TlsVersion } from '../../../server/ports/tls-probe';

const DAY = 86_400_000;
/** 2026-06-01 12:00 China time. */
const NOW = Date.UTC(2026, 5, 1, 4, 0, 0);
const HOST = 'api.example.com';
const V4 = '43.136.10.20';
const V4_B = '43.136.10.21';
const V6 = '2402:4e00:1::10';
const HAN = /\p{Script=Han}/u;

let serial = 0;
/** 64 upper-case hex digits, as the probe reports `fingerprintSha256`. */
function fingerprint(): string {
  serial += 1;
  return serial.toString(16).toUpperCase().padStart(64, 'A');
}

// A Let's Encrypt-shaped chain as `adapters/probe/certificate-facts.ts` reports it.
const R11_SKI = 'C5CF46A4EAF4C3C07A6C95C42DB05E922F26E3B9';
const X1_SKI = '79B459E67BB6E5E40173800888C81A58F6E99B6E';

function leafCert(overrides: Partial<ServedCertificate> = {}): ServedCertificate {
  return {
    subject: `CN=${HOST}`, issuer: "C=US, O=Let's Encrypt, CN=R11", dnsNames: [HOST], ipAddresses: [],
    serialNumber: '04A1B2C3D4E5F60718293A4B5C6D7E8F9012', notBefore: NOW - 30 * DAY, notAfter: NOW + 60 * DAY,
    fingerprintSha256: fingerprint(), keyType: 'ec', keyBits: 256, curve: 'prime256v1', signatureAlgorithm: 'sha256WithRSAEncryption',
    isCa: false, selfSigned: false, authorityKeyId: R11_SKI, subjectKeyId: '1F2E3D4C5B6A79880716253443526170F9E8D7C6', ...overrides,
  };
}

const R11: ServedCertificate = {
  subject: "C=US, O=Let's Encrypt, CN=R11", issuer: 'C=US, O=Internet Security Research Group, CN=ISRG Root X1', dnsNames: [], ipAddresses: [],
  serialNumber: '8A7D3E13D62F30EF2386BD29076B34F8', notBefore: Date.UTC(2024, 2, 13), notAfter: Date.UTC(2027, 2, 12),
  fingerprintSha256: fingerprint(), keyType: 'rsa', keyBits: 2048, curve: null, signatureAlgorithm: 'sha256WithRSAEncryption',
  isCa: true, selfSigned: false, authorityKeyId: X1_SKI, subjectKeyId: R11_SKI,
};

const X1_ROOT: ServedCertificate = {
  ...R11, subject: 'C=US, O=Internet Security Research Group, CN=ISRG Root X1', serialNumber: '8210CFB0D240E3594463E0BB63828B00',
  notBefore: Date.UTC(2015, 5, 4), notAfter: Date.UTC(2035, 5, 4), fingerprintSha256: fingerprint(), keyBits: 4096,
  selfSigned: true, authorityKeyId: null, subjectKeyId: X1_SKI,
};

const MODERN: Record<TlsVersion, boolean | null> = { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true };
const NOT_TRIED: Record<TlsVersion, boolean | null> = { TLSv1: null, 'TLSv1.1': null, 'TLSv1.2': null, 'TLSv1.3': null };

function address(overrides: Partial<AddressProbe> = {}): AddressProbe {
  return {
    address: V4, family: 4, failure: null, protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', chain: [leafCert(), R11],
    versions: MODERN, trusted: true, trustError: null, ordered: true, ...overrides,
  };
}

function failed(kind: NonNullable<AddressProbe['failure']>['kind'], at = V4): AddressProbe {
  const detail = kind === 'connect' ? `connect ECONNREFUSED ${at}:443` : kind === 'timeout' ? 'no answer within 10000 ms' : 'socket hang up';
  return { address: at, family: 4, failure: { kind, detail }, protocol: null, cipher: null, chain: [], versions: NOT_TRIED, trusted: false, trustError: null, ordered: true };
}

function probe(addresses: AddressProbe[], overrides: Partial<ProbeResult> = {}): ProbeResult {
  return { host: HOST, port: 443, at: NOW, resolveError: null, refused: [], addresses, elapsedMs: 420, ...overrides };
}

function evaluate(result: ProbeResult, input: Partial<EvaluationInput> = {}): EndpointEvaluation {
  return evaluateEndpoint({ result, url: { host: HOST, port: 443, portExplicit: false }, now: NOW, issued: null, ...input });
}

function check(evaluation: EndpointEvaluation, id: CheckId): CheckResult {
  const found = evaluation.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

/** Status of one check for one server. */
function statusFor(id: CheckId, result: ProbeResult, input: Partial<EvaluationInput> = {}): CheckResult['status'] {
  return check(evaluate(result, input), id).status;
}

function failing(evaluation: EndpointEvaluation): CheckId[] {
  return evaluation.checks.filter((c) => c.status === 'fail').map((c) => c.id);
}

describe('a healthy server', () => {
  const evaluation = evaluate(probe([address()]));

  test('is ready: every WeChat rule passes, the checklist is complete and in order', () => {
    expect(evaluation).toMatchObject({ verdict: 'ready', wechatReady: true, deployedIsIssued: null });
    expect(evaluation.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    for (const id of WECHAT_RULES) expect([id, check(evaluation, id).status]).toEqual([id, 'pass']);
    expect(evaluation.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status])).toEqual([['deployedIsIssued', 'info'], ['icp', 'info']]);
    expect(evaluation.checks.some((c) => c.blocksWechat)).toBe(false);
  });

  test('summarises the served certificate', () => {
    const [leaf] = probe([address()]).addresses[0]!.chain;
    expect(evaluation.served).toMatchObject({ subject: `CN=${HOST}`, issuer: "C=US, O=Let's Encrypt, CN=R11", dnsNames: [HOST], daysLeft: 60, keyType: 'ec', keyBits: 256, protocol: 'TLSv1.3', chainLength: 2 });
    expect(evaluation.served?.fingerprintSha256).toMatch(/^[0-9A-F]{64}$/);
    expect(leaf).toBeDefined();
    expect(evaluation.summary).toBe('小程序可以访问，证书还有 60 天到期');
    expect(evaluation.fingerprints).toEqual([evaluation.served?.fingerprintSha256]);
  });

  test('passing checks explain the rule without a fix, and say what was seen', () => {
    for (const c of evaluation.checks.filter((c) => c.status === 'pass')) {
      expect(c.fix).toBeNull();
      expect(c.explanation).toMatch(HAN);
    }
    expect(check(evaluation, 'resolves').detail).toBe(`解析到 ${V4}`);
    expect(check(evaluation, 'tls12').detail).toBe(`${V4}：接受 TLS 1.2、TLS 1.3`);
    expect(check(evaluation, 'hostname').detail).toBe(`${V4}：与证书中的 ${HOST} 匹配`);
    expect(check(evaluation, 'expiresSoon').detail).toBe(`${V4}：服务器证书 “CN=${HOST}” 还有 60 天到期（2026年07月31日）`);
    expect(check(evaluation, 'keyStrength').detail).toBe(`${V4}：服务器证书 “CN=${HOST}” 使用 ECDSA P-256 密钥`);
  });

  test('the ICP reminder is always there', () => {
    expect(check(evaluation, 'icp')).toMatchObject({ status: 'info', blocksWechat: false, title: '域名已备案' });
    expect(check(evaluation, 'icp').explanation).toContain('中国大陆服务器的域名需要完成 ICP 备案，小程序才能配置');
    expect(check(evaluation, 'icp').fix).toContain('beian.miit.gov.cn');
  });
});

describe('WeChat’s URL rules', () => {
  test('https always passes (the probe only speaks TLS)', () => {
    expect(check(evaluate(probe([address()])), 'https')).toMatchObject({ status: 'pass', title: '使用 HTTPS' });
  });

  test.each([V4, '[2402:4e00:1::10]', '2402:4e00:1::10', '127.1', '0x7f.0.0.1'])('an IP literal (%s) fails noIp', (host) => {
    const evaluation = evaluate(probe([address({ chain: [leafCert({ dnsNames: [], ipAddresses: [V4, '2402:4e00:1::10'] }), R11] })]), { url: { host, port: 443, portExplicit: false } });
    expect(check(evaluation, 'noIp')).toMatchObject({ status: 'fail', blocksWechat: true });
    expect(check(evaluation, 'noIp').explanation).toContain(host);
    expect(evaluation.verdict).toBe('notReady');
  });

  test('an IP host matches IP SANs, not DNS names', () => {
    const ipCert = address({ chain: [leafCert({ dnsNames: ['43.136.10.20'], ipAddresses: ['2402:4e00:1:0::10'] }), R11] });
    expect(statusFor('hostname', probe([ipCert]), { url: { host: '2402:4e00:1::10', port: 443, portExplicit: false } })).toBe('pass');
    expect(statusFor('hostname', probe([ipCert]), { url: { host: V4, port: 443, portExplicit: false } })).toBe('fail');
  });

  test.each(['localhost', 'LOCALHOST.', 'dev.localhost'])('%s fails noLocalhost', (host) => {
    expect(check(evaluate(probe([address()]), { url: { host, port: 443, portExplicit: false } }), 'noLocalhost')).toMatchObject({ status: 'fail', blocksWechat: true });
  });

  test('a name merely containing "localhost" passes', () => {
    expect(statusFor('noLocalhost', probe([address()]), { url: { host: 'localhost.example.com', port: 443, portExplicit: false } })).toBe('pass');
  });

  test('port: default passes, a written :443 fails, another port is information', () => {
    expect(check(evaluate(probe([address()])), 'port')).toMatchObject({ status: 'pass', fix: null });
    const written = check(evaluate(probe([address()]), { url: { host: HOST, port: 443, portExplicit: true } }), 'port');
    expect(written).toMatchObject({ status: 'fail', blocksWechat: true });
    expect(written.explanation).toContain('不能带 “:443”');
    expect(written.fix).toContain(`https://${HOST}。`);
    const custom = evaluate(probe([address()], { port: 8443 }), { url: { host: HOST, port: 8443, portExplicit: true } });
    expect(check(custom, 'port')).toMatchObject({ status: 'info', blocksWechat: false });
    expect(check(custom, 'port').explanation).toContain(`https://${HOST}:8443`);
    expect(check(custom, 'port').explanation).toContain('每个请求地址都要带上 :8443');
    expect(custom.verdict).toBe('ready');
  });
});

describe('resolution and reachability', () => {
  test('a name that does not resolve: unreachable, resolves fails, certificate rules not checked', () => {
    const evaluation = evaluate(probe([], { resolveError: { kind: 'notFound', detail: 'queryA ENOTFOUND' } }));
    expect(evaluation).toMatchObject({ verdict: 'unreachable', wechatReady: false, served: null, deployedIsIssued: null, fingerprints: [] });
    expect(check(evaluation, 'resolves')).toMatchObject({ status: 'fail', blocksWechat: true });
    expect(check(evaluation, 'resolves').fix).toContain(`为 ${HOST} 添加指向服务器公网 IP 的 A 记录`);
    expect(check(evaluation, 'reachable').status).toBe('info');
    for (const id of ['tls12', 'trusted', 'chainComplete', 'hostname', 'notExpired', 'consistent'] as const) {
      expect(check(evaluation, id)).toMatchObject({ status: 'info', fix: null, explanation: '没有连上服务器，这一项无法检查。' });
    }
    expect(evaluation.summary).toBe('无法连接服务器：域名无法解析');
  });

  test('resolving only to refused addresses fails and names them', () => {
    const result = probe([], { resolveError: { kind: 'refusedOnly', detail: 'only private addresses' }, refused: [{ address: '10.0.0.8', addressClass: 'private' }, { address: '169.254.169.254', addressClass: 'metadata' }] });
    const resolves = check(evaluate(result), 'resolves');
    expect(resolves).toMatchObject({ status: 'fail', detail: '10.0.0.8：内网地址，不会连接；169.254.169.254：云服务器元数据地址，不会连接' });
  });

  test('a DNS failure fails resolves with its own advice', () => {
    const resolves = check(evaluate(probe([], { resolveError: { kind: 'failed', detail: 'queryA ESERVFAIL' } })), 'resolves');
    expect(resolves.status).toBe('fail');
    expect(resolves.fix).toContain('DNSSEC');
  });

  test('a public and a private address: a warning naming the private one', () => {
    const evaluation = evaluate(probe([address()], { refused: [{ address: '192.168.1.5', addressClass: 'private' }] }));
    expect(check(evaluation, 'resolves')).toMatchObject({ status: 'warn', blocksWechat: false, detail: `解析到 ${V4}；192.168.1.5：内网地址，不会连接` });
    expect(evaluation.verdict).toBe('warning');
  });

  test('one of two addresses refuses connections: reachable fails naming it, the other is still judged', () => {
    const evaluation = evaluate(probe([address(), failed('connect', V4_B)]));
    expect(check(evaluation, 'reachable')).toMatchObject({ status: 'fail', blocksWechat: true, detail: `${V4_B}：连接失败（connect ECONNREFUSED ${V4_B}:443）` });
    expect(check(evaluation, 'trusted').status).toBe('pass');
    expect(evaluation.verdict).toBe('notReady');
    expect(evaluation.summary).toBe('小程序无法访问：服务器连接失败');
  });

  test('no address completes a handshake: unreachable', () => {
    const evaluation = evaluate(probe([failed('timeout'), failed('connect', V4_B)]));
    expect(evaluation.verdict).toBe('unreachable');
    expect(check(evaluation, 'reachable').detail).toBe(`${V4}：连接超时（no answer within 10000 ms）；${V4_B}：连接失败（connect ECONNREFUSED ${V4_B}:443）`);
    expect(evaluation.summary).toBe('无法连接服务器：服务器连接失败');
  });

  test('a port that does not speak TLS (every version refused) is unreachable', () => {
    const plain: AddressProbe = { ...failed('handshake'), versions: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false } };
    expect(evaluate(probe([plain])).verdict).toBe('unreachable');
  });
});

describe('TLS versions', () => {
  test('TLS 1.0/1.1 only (what the probe reports for an old OpenSSL server): tls12 blocks, legacy warns', () => {
    const old = address({ protocol: 'TLSv1.1', cipher: 'ECDHE-RSA-AES256-SHA', versions: { TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': false, 'TLSv1.3': false } });
    const evaluation = evaluate(probe([old]));
    expect(check(evaluation, 'tls12')).toMatchObject({ status: 'fail', blocksWechat: true, detail: `${V4}：接受 TLS 1.0、TLS 1.1` });
    expect(check(evaluation, 'tls12').fix).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    expect(check(evaluation, 'legacyTls')).toMatchObject({ status: 'warn', blocksWechat: false });
    expect(evaluation.verdict).toBe('notReady');
  });

  test('legacy versions still accepted beside 1.2: a warning only', () => {
    const evaluation = evaluate(probe([address({ versions: { TLSv1: true, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true } })]));
    expect(check(evaluation, 'tls12').status).toBe('pass');
    expect(check(evaluation, 'legacyTls')).toMatchObject({ status: 'warn', detail: `${V4}：接受 TLS 1.0` });
    expect(check(evaluation, 'legacyTls').explanation).toContain('RFC 8996');
    expect(evaluation).toMatchObject({ verdict: 'warning', wechatReady: true, summary: '小程序可以访问，但需要注意：仍接受 TLS 1.0/1.1' });
  });

  test('TLS 1.3 only: meets the rule, warns about older phones', () => {
    const tls12 = check(evaluate(probe([address({ versions: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': true } })])), 'tls12');
    expect(tls12).toMatchObject({ status: 'warn', blocksWechat: false });
    expect(tls12.explanation).toContain('Android 9');
  });

  test('versions not tried: judged from the negotiated protocol, legacy undetermined', () => {
    const evaluation = evaluate(probe([address({ versions: NOT_TRIED })]));
    expect(check(evaluation, 'tls12').status).toBe('pass');
    expect(check(evaluation, 'legacyTls')).toMatchObject({ status: 'info', fix: null });
    const legacy = evaluate(probe([address({ protocol: null, versions: { ...NOT_TRIED, TLSv1: true } })]));
    expect(check(legacy, 'tls12').status).toBe('info');
  });

  test('one address weaker than the other: the rule fails and names that address', () => {
    const evaluation = evaluate(probe([address(), address({ address: V4_B, protocol: 'TLSv1', versions: { TLSv1: true, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false } })]));
    expect(check(evaluation, 'tls12')).toMatchObject({ status: 'fail', detail: `${V4_B}：接受 TLS 1.0` });
  });
});

describe('trust and chain', () => {
  test('leaf only (Android does not fetch intermediates): chainComplete blocks, trust undetermined', () => {
    for (const trustError of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'] as const) {
      const evaluation = evaluate(probe([address({ chain: [leafCert()], trusted: false, trustError })]));
      const chain = check(evaluation, 'chainComplete');
      expect(chain).toMatchObject({ status: 'fail', blocksWechat: true, detail: `${V4}：服务器发送了 1 张证书，缺少签发者 “C=US, O=Let's Encrypt, CN=R11” 的中间证书` });
      expect(chain.fix).toContain('在 nginx 的 ssl_certificate 中使用 fullchain.pem（证书+中间证书），不要只用单个证书文件');
      expect(chain.explanation).toContain('安卓');
      expect(check(evaluation, 'trusted')).toMatchObject({ status: 'info', blocksWechat: false });
      expect(evaluation).toMatchObject({ verdict: 'notReady', summary: '小程序无法访问：证书链不完整' });
    }
  });

  test('a missing second intermediate names the certificate whose issuer was not sent', () => {
    const intermediate = { ...R11, subject: 'CN=Example Issuing CA 2', issuer: 'CN=Example Policy CA', subjectKeyId: 'AA', authorityKeyId: 'BB' };
    const evaluation = evaluate(probe([address({ chain: [leafCert({ issuer: 'CN=Example Issuing CA 2' }), intermediate], trusted: false, trustError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' })]));
    expect(check(evaluation, 'chainComplete').detail).toContain('缺少签发者 “CN=Example Policy CA”');
  });

  test('self-signed leaf: untrusted (iOS refuses), the chain itself is complete', () => {
    const self = leafCert({ issuer: `CN=${HOST}`, selfSigned: true, authorityKeyId: null });
    const evaluation = evaluate(probe([address({ chain: [self], trusted: false, trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT' })]));
    expect(check(evaluation, 'trusted')).toMatchObject({ status: 'fail', blocksWechat: true });
    expect(check(evaluation, 'trusted').explanation).toContain('自签名');
    expect(check(evaluation, 'trusted').detail).toContain('（自签名证书）');
    expect(check(evaluation, 'chainComplete').status).toBe('pass');
  });

  test('unknown root (staging or private CA), with and without the root served', () => {
    const stagingRoot: ServedCertificate = { ...X1_ROOT, subject: 'C=US, O=(STAGING) Internet Security Research Group, CN=(STAGING) Pretend Pear X1', fingerprintSha256: fingerprint() };
    const stagingIntermediate = { ...R11, subject: "C=US, O=(STAGING) Let's Encrypt, CN=(STAGING) Wannabe Watercress R11", issuer: stagingRoot.subject };
    const served = evaluate(probe([address({ chain: [leafCert({ issuer: stagingIntermediate.subject }), stagingIntermediate, stagingRoot], trusted: false, trustError: 'SELF_SIGNED_CERT_IN_CHAIN' })]));
    expect(check(served, 'trusted')).toMatchObject({ status: 'fail', blocksWechat: true });
    expect(check(served, 'trusted').fix).toContain('staging');
    expect(check(served, 'trusted').detail).toContain('Pretend Pear X1');
    expect(check(served, 'chainComplete').status).toBe('pass');
  });

  test('a signature that does not verify, and any other refusal', () => {
    expect(check(evaluate(probe([address({ trusted: false, trustError: 'CERT_SIGNATURE_FAILURE' })])), 'trusted')).toMatchObject({ status: 'fail', blocksWechat: true });
    const other = check(evaluate(probe([address({ trusted: false, trustError: 'OTHER' })])), 'trusted');
    expect(other.status).toBe('fail');
    expect(other.fix).toContain(`openssl s_client -connect ${HOST}:443 -servername ${HOST}`);
  });

  test('[leaf, root, intermediate]: trusted, complete, out of order (a warning)', () => {
    const evaluation = evaluate(probe([address({ chain: [leafCert(), X1_ROOT, R11], ordered: false })]));
    expect(check(evaluation, 'chainOrder')).toMatchObject({ status: 'warn', blocksWechat: false });
    expect(check(evaluation, 'chainOrder').detail).toBe(`${V4}：发送顺序：“CN=${HOST}” → “C=US, O=Internet Security Research Group, CN=ISRG Root X1” → “C=US, O=Let's Encrypt, CN=R11”`);
    expect(check(evaluation, 'chainComplete').status).toBe('pass');
    expect(evaluation.verdict).toBe('warning');
  });

  test('a full chain ending in a served root is complete whatever the verifier said', () => {
    const evaluation = evaluate(probe([address({ chain: [leafCert({ notAfter: NOW - DAY }), R11, X1_ROOT], trusted: false, trustError: 'CERT_HAS_EXPIRED' })]));
    expect(check(evaluation, 'chainComplete').status).toBe('pass');
  });
});

describe('host name', () => {
  test('a certificate for other names fails and lists them', () => {
    const evaluation = evaluate(probe([address({ chain: [leafCert({ dnsNames: ['www.example.com', 'example.com'] }), R11] })]));
    const hostname = check(evaluation, 'hostname');
    expect(hostname).toMatchObject({ status: 'fail', blocksWechat: true, detail: `${V4}：证书包含 www.example.com、example.com` });
    expect(hostname.explanation).toContain(`证书里没有 ${HOST}`);
    expect(evaluation.verdict).toBe('notReady');
  });

  test('a wildcard covers one label, the long list is cut', () => {
    expect(statusFor('hostname', probe([address({ chain: [leafCert({ dnsNames: ['*.example.com'] }), R11] })]))).toBe('pass');
    const many = Array.from({ length: 14 }, (_, i) => `n${i}.example.org`);
    const detail = check(evaluate(probe([address({ chain: [leafCert({ dnsNames: many }), R11] })])), 'hostname').detail;
    expect(detail).toContain('n9.example.org 等 14 个域名');
    expect(detail).not.toContain('n10.example.org');
  });

  test('no SAN at all', () => {
    expect(check(evaluate(probe([address({ chain: [leafCert({ dnsNames: [] }), R11] })])), 'hostname').explanation).toContain('SAN');
  });

  test('an IDN host matches its A-label SAN', () => {
    const idn = address({ chain: [leafCert({ dnsNames: ['xn--bcher-kva.example'] }), R11] });
    expect(statusFor('hostname', probe([idn]), { url: { host: 'Bücher.example', port: 443, portExplicit: false } })).toBe('pass');
  });
});

describe('hostnameMatches', () => {
  test.each([
    ['api.example.com', 'api.example.com', true],
    ['API.Example.COM.', 'api.example.com', true],
    ['api.example.com', 'API.EXAMPLE.COM', true],
    ['a.example.com', '*.example.com', true],
    ['xn--bcher-kva.example.com', '*.example.com', true],
    ['example.com', '*.example.com', false],
    ['a.b.example.com', '*.example.com', false],
    ['.example.com', '*.example.com', false],
    ['a.com', '*.com', false],
    ['www.example.com', 'w*.example.com', false],
    ['www.example.com', '*.*.com', false],
    ['a.example.com', '*', false],
    ['*.example.com', '*.example.com', false],
    ['bücher.example', 'xn--bcher-kva.example', true],
    ['a.bücher.example', '*.xn--bcher-kva.example', true],
    ['xn--bcher-kva.example', '*.bücher.example', false],
    ['api.example.com', 'api.example.co', false],
    ['', '', false],
  ])('%s against %s → %s', (host, pattern, expected) => {
    expect(hostnameMatches(host, pattern)).toBe(expected);
  });

  test('normalizes and recognises hosts', () => {
    expect(normalizeHostname(' Bücher.Example. ')).toBe('xn--bcher-kva.example');
    expect(normalizeHostname('[2402:4E00::1]')).toBe('2402:4e00::1');
    expect([V4, '::1', '[::1]', '127.1', '2130706433'].map(isIpHost)).toEqual([true, true, true, true, true]);
    expect(['api.example.com', 'localhost', 'a1.b2'].map(isIpHost)).toEqual([false, false, false]);
  });
});

describe('dates', () => {
  test('an expired leaf blocks; chain and trust are undetermined, not guessed', () => {
    const evaluation = evaluate(probe([address({ chain: [leafCert({ notBefore: NOW - 90 * DAY, notAfter: NOW - 2 * DAY }), R11], trusted: false, trustError: 'CERT_HAS_EXPIRED' })]));
    expect(check(evaluation, 'notExpired')).toMatchObject({ status: 'fail', blocksWechat: true, detail: `${V4}：服务器证书 “CN=${HOST}” 已于 2026年05月30日 过期` });
    expect(check(evaluation, 'trusted').status).toBe('info');
    expect(check(evaluation, 'chainComplete').status).toBe('info');
    expect(check(evaluation, 'expiresSoon')).toMatchObject({ status: 'info', fix: null });
    expect(evaluation.served?.daysLeft).toBe(-2);
  });

  test('an expired intermediate fails with its own advice; an expired served root is ignored', () => {
    const old = { ...R11, notAfter: NOW - DAY };
    expect(check(evaluate(probe([address({ chain: [leafCert(), old], trusted: false, trustError: 'CERT_HAS_EXPIRED' })])), 'notExpired').explanation).toContain('中间证书已经过期');
    const expiredRoot = { ...X1_ROOT, subject: 'O=Digital Signature Trust Co., CN=DST Root CA X3', notAfter: NOW - 600 * DAY };
    const crossSigned = { ...R11, issuer: expiredRoot.subject };
    expect(statusFor('notExpired', probe([address({ chain: [leafCert(), crossSigned, expiredRoot] })]))).toBe('pass');
  });

  test('the verifier saw an expiry the served dates do not explain', () => {
    const notExpired = check(evaluate(probe([address({ trusted: false, trustError: 'CERT_HAS_EXPIRED' })])), 'notExpired');
    expect(notExpired).toMatchObject({ status: 'fail', detail: `${V4}：系统校验结果：有证书已过期` });
  });

  test('not yet valid', () => {
    const future = check(evaluate(probe([address({ chain: [leafCert({ notBefore: NOW + DAY, notAfter: NOW + 91 * DAY }), R11], trusted: false, trustError: 'CERT_NOT_YET_VALID' })])), 'notYetValid');
    expect(future).toMatchObject({ status: 'fail', blocksWechat: true, detail: `${V4}：服务器证书 “CN=${HOST}” 要到 2026年06月02日 才生效` });
    expect(statusFor('notYetValid', probe([address({ trusted: false, trustError: 'CERT_NOT_YET_VALID' })]))).toBe('fail');
  });

  test.each([
    [60, 'pass', false, 'ready'],
    [31, 'pass', false, 'ready'],
    [30, 'warn', false, 'warning'],
    [8, 'warn', false, 'warning'],
    [7, 'fail', false, 'warning'],
    [1, 'fail', false, 'warning'],
  ] as const)('%i days left: %s', (days, status, blocks, verdict) => {
    const evaluation = evaluate(probe([address({ chain: [leafCert({ notAfter: NOW + days * DAY }), R11] })]));
    expect(check(evaluation, 'expiresSoon')).toMatchObject({ status, blocksWechat: blocks });
    expect(evaluation.verdict).toBe(verdict);
  });

  test('a critical expiry says so; an intermediate expiring first counts', () => {
    const critical = evaluate(probe([address({ chain: [leafCert({ notAfter: NOW + 3 * DAY }), R11] })]));
    expect(check(critical, 'expiresSoon').explanation).toContain('7 天内');
    expect(critical.summary).toBe('小程序可以访问，但需要注意：证书即将到期');
    const shortIntermediate = { ...R11, notAfter: NOW + 20 * DAY };
    const chain = check(evaluate(probe([address({ chain: [leafCert(), shortIntermediate] })])), 'expiresSoon');
    expect(chain).toMatchObject({ status: 'warn', detail: `${V4}：中间证书 “C=US, O=Let's Encrypt, CN=R11” 还有 20 天到期（2026年06月21日）` });
  });
});

describe('keys and signatures', () => {
  test.each([
    ['rsa', 1024, null, 'fail'],
    ['rsa', 2048, null, 'pass'],
    ['rsa', 4096, null, 'pass'],
    ['ec', 224, 'secp224r1', 'fail'],
    ['ec', 256, 'prime256v1', 'pass'],
    ['ec', 384, 'secp384r1', 'pass'],
    ['ec', 256, 'secp256k1', 'warn'],
    ['ec', 256, 'SM2', 'warn'],
    ['ed25519', 256, null, 'warn'],
    ['dsa', 2048, null, 'fail'],
    ['other', null, null, 'warn'],
  ] as const)('%s %s %s: %s', (keyType, keyBits, curve, status) => {
    const evaluation = evaluate(probe([address({ chain: [leafCert({ keyType, keyBits, curve }), R11] })]));
    expect(check(evaluation, 'keyStrength')).toMatchObject({ status, blocksWechat: status === 'fail' });
  });

  test('RSA 1024 (the handshake completes, OpenSSL trusts it): blocks, because iOS refuses it', () => {
    const evaluation = evaluate(probe([address({ chain: [leafCert({ keyType: 'rsa', keyBits: 1024, curve: null }), R11] })]));
    const key = check(evaluation, 'keyStrength');
    expect(key.explanation).toContain('iOS 13');
    expect(key.detail).toBe(`${V4}：服务器证书 “CN=${HOST}” 使用 RSA 1024 位 密钥`);
    expect(key.fix).toContain('ECDSA P-256');
    expect(evaluation.verdict).toBe('notReady');
  });

  test('a weak intermediate key is named', () => {
    const weak = { ...R11, keyBits: 1024 };
    expect(check(evaluate(probe([address({ chain: [leafCert(), weak] })])), 'keyStrength').detail).toContain('中间证书 “C=US, O=Let\'s Encrypt, CN=R11” 使用 RSA 1024 位 密钥');
  });

  test.each([
    ['sha1WithRSAEncryption', 'fail'],
    ['ecdsa-with-SHA1', 'fail'],
    ['md5WithRSAEncryption', 'fail'],
    ['dsaWithSHA1', 'fail'],
    ['sha256WithRSAEncryption', 'pass'],
    ['ecdsa-with-SHA384', 'pass'],
    ['sha512WithRSAEncryption', 'pass'],
    ['rsassaPss', 'pass'],
  ] as const)('leaf signed with %s: %s', (signatureAlgorithm, status) => {
    expect(check(evaluate(probe([address({ chain: [leafCert({ signatureAlgorithm }), R11] })])), 'signature')).toMatchObject({ status, blocksWechat: status === 'fail' });
  });

  test('SHA-1 on an intermediate fails; on a served root it does not matter', () => {
    const sha1Intermediate = { ...R11, signatureAlgorithm: 'sha1WithRSAEncryption' };
    expect(check(evaluate(probe([address({ chain: [leafCert(), sha1Intermediate] })])), 'signature').detail).toBe(`${V4}：中间证书 “C=US, O=Let's Encrypt, CN=R11” 使用 sha1WithRSAEncryption 签名`);
    const sha1Root = { ...X1_ROOT, signatureAlgorithm: 'sha1WithRSAEncryption' };
    expect(statusFor('signature', probe([address({ chain: [leafCert(), R11, sha1Root] })]))).toBe('pass');
  });
});

describe('several addresses', () => {
  test('different certificates behind one name: consistent warns and names each address', () => {
    const v6 = address({ address: V6, family: 6, chain: [leafCert({ notAfter: NOW + 10 * DAY }), R11] });
    const evaluation = evaluate(probe([address(), v6]));
    const consistent = check(evaluation, 'consistent');
    expect(consistent).toMatchObject({ status: 'warn', blocksWechat: false });
    expect(consistent.detail).toMatch(new RegExp(`^${V4}：证书 SHA-256 [0-9A-F]{16}…，有效期至 2026年07月31日；${V6}：证书 SHA-256 [0-9A-F]{16}…，有效期至 2026年06月11日$`));
    expect(evaluation.fingerprints).toHaveLength(2);
    expect(check(evaluation, 'expiresSoon')).toMatchObject({ status: 'warn', detail: expect.stringMatching(new RegExp(`^${V6}：`)) });
  });

  test('the same fact on several addresses is one line naming them all', () => {
    const shared = leafCert({ dnsNames: ['other.example.com'] });
    const evaluation = evaluate(probe([address({ chain: [shared, R11] }), address({ address: V6, family: 6, chain: [shared, R11] })]));
    expect(check(evaluation, 'hostname').detail).toBe(`${V4}、${V6}：证书包含 other.example.com`);
    expect(check(evaluation, 'consistent').status).toBe('pass');
  });

  test('long details are cut', () => {
    const addresses = Array.from({ length: 11 }, (_, i) => failed('connect', `43.136.10.${30 + i}`));
    expect(check(evaluate(probe([address(), ...addresses])), 'reachable').detail).toMatch(/；另有 3 项$/);
  });
});

describe('deployed vs issued', () => {
  const issuedLeaf = leafCert();
  const issued = { fingerprintSha256: issuedLeaf.fingerprintSha256, notAfter: NOW + 89 * DAY, issuedAt: NOW - DAY };

  test('serving CertKeeper’s latest certificate passes (fingerprints compared however written)', () => {
    const colons = issuedLeaf.fingerprintSha256.toLowerCase().replace(/(..)(?!$)/g, '$1:');
    const evaluation = evaluate(probe([address({ chain: [issuedLeaf, R11] })]), { issued: { ...issued, fingerprintSha256: colons } });
    expect(evaluation.deployedIsIssued).toBe(true);
    expect(check(evaluation, 'deployedIsIssued')).toMatchObject({ status: 'pass', fix: null });
  });

  test('an older CertKeeper version: "服务器还在使用旧证书", export the full chain and reload', () => {
    const old = leafCert({ notAfter: NOW + 12 * DAY });
    const evaluation = evaluate(probe([address({ chain: [old, R11] })]), { issued, previousIssued: ['0000', old.fingerprintSha256] });
    const deployed = check(evaluation, 'deployedIsIssued');
    expect(evaluation.deployedIsIssued).toBe(false);
    expect(deployed).toMatchObject({ status: 'warn', blocksWechat: false });
    expect(deployed.explanation).toBe('服务器还在使用旧证书：证书管家已经签发了新证书（有效期至 2026年08月29日），但服务器没有换上。');
    expect(deployed.fix).toContain('完整证书链');
    expect(deployed.fix).toContain('重新加载服务器');
    expect(deployed.detail).toMatch(/，证书管家签发的旧版本；证书管家最新的证书签发于 2026年05月31日，有效期至 2026年08月29日$/);
  });

  test('one address updated, the other still old: oldVersion names only the stale one', () => {
    const old = leafCert();
    const evaluation = evaluate(probe([address({ chain: [issuedLeaf, R11] }), address({ address: V4_B, chain: [old, R11] })]), { issued, previousIssued: [old.fingerprintSha256] });
    expect(check(evaluation, 'deployedIsIssued').detail).toMatch(new RegExp(`^${V4_B}：`));
    expect(check(evaluation, 'consistent').status).toBe('warn');
  });

  test('a certificate CertKeeper never issued, or nothing issued', () => {
    const other = evaluate(probe([address()]), { issued, previousIssued: [] });
    expect(other.deployedIsIssued).toBe(false);
    expect(check(other, 'deployedIsIssued').explanation).toContain('不是证书管家签发的');
    const none = evaluate(probe([address()]));
    expect(none.deployedIsIssued).toBeNull();
    expect(check(none, 'deployedIsIssued')).toMatchObject({ status: 'info', fix: null });
    const unreachable = evaluate(probe([failed('timeout')]), { issued });
    expect(unreachable.deployedIsIssued).toBeNull();
  });
});

describe('verdict', () => {
  test('unreachable beats every other outcome, even a broken URL rule', () => {
    const evaluation = evaluate(probe([failed('connect')]), { url: { host: HOST, port: 443, portExplicit: true } });
    expect(evaluation).toMatchObject({ verdict: 'unreachable', wechatReady: false });
    expect(failing(evaluation)).toEqual(['port', 'reachable']);
    expect(evaluation.summary).toBe('无法连接服务器：服务器连接失败');
  });

  test('notReady lists the blocking problems; warnings alone give warning', () => {
    const broken = evaluate(probe([address({ chain: [leafCert({ dnsNames: ['x.example.com'], keyType: 'rsa', keyBits: 1024, curve: null })], trusted: false, trustError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })]));
    expect(broken.verdict).toBe('notReady');
    expect(broken.summary).toBe('小程序无法访问：证书链不完整等 3 个问题');
    expect(broken.checks.filter((c) => c.blocksWechat).map((c) => c.id)).toEqual(['chainComplete', 'hostname', 'keyStrength']);
  });

  test('blocksWechat is set exactly on failed WeChat rules', () => {
    const evaluation = evaluate(probe([address({ chain: [leafCert({ notAfter: NOW + 2 * DAY, dnsNames: ['x.example.com'] }), R11] })]));
    for (const c of evaluation.checks) expect([c.id, c.blocksWechat]).toEqual([c.id, c.status === 'fail' && WECHAT_RULES.has(c.id)]);
    expect(check(evaluation, 'expiresSoon')).toMatchObject({ status: 'fail', blocksWechat: false });
  });
});

describe('messages', () => {
  const context = { host: HOST, port: 443, issued: null };
  const everyReason = CHECK_IDS.flatMap((id) => Object.keys(REASON_STATUS[id]).map((reason) => ({ id, reason, notes: [] }) as Finding));

  test.each(everyReason.map((f) => [f.id, f.reason, f] as const))('%s / %s has a Chinese title and explanation, and a fix when it is a problem', (_id, _reason, finding) => {
    const text = describeCheck(finding, context);
    const status = statusOf(finding);
    expect(text.title).toMatch(HAN);
    expect(text.explanation).toMatch(HAN);
    if (status === 'fail' || status === 'warn') expect(text.fix).toMatch(HAN);
    if (status === 'pass') expect(text.fix).toBeNull();
    expect(text.detail).toBeUndefined();
  });

  test('every check has a distinct title and a problem phrase', () => {
    const titles = CHECK_IDS.map((id) => CHECK_TEXT[id].title);
    expect(new Set(titles).size).toBe(CHECK_IDS.length);
    for (const id of CHECK_IDS) expect(CHECK_TEXT[id].problem).toMatch(HAN);
  });

  test('every WeChat rule but https (true by construction) can fail', () => {
    const canFail = [...WECHAT_RULES].filter((id) => Object.values(REASON_STATUS[id]).includes('fail'));
    expect(canFail).toEqual([...WECHAT_RULES].filter((id) => id !== 'https'));
  });

  test('an IPv6 host is written in brackets in the port advice', () => {
    const text = describeCheck({ id: 'port', reason: 'custom', notes: [] }, { host: '2402:4e00::1', port: 8443, issued: null });
    expect(text.fix).toContain('https://[2402:4e00::1]:8443');
  });
});

describe('evaluationChanges', () => {
  const steady = leafCert();
  const serving = (overrides: Partial<AddressProbe> = {}) => evaluate(probe([address({ chain: [steady, R11], ...overrides })]));
  const ready = serving();
  const renewedLeaf = leafCert({ notAfter: NOW + 90 * DAY });
  const renewed = evaluate(probe([address({ chain: [renewedLeaf, R11] })]));
  const leafOnly = evaluate(probe([address({ chain: [renewedLeaf], trusted: false, trustError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })]));
  const unreachable = evaluate(probe([failed('timeout')]));
  const legacy = serving({ versions: { TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': true } });
  const tls10Only = serving({ protocol: 'TLSv1', versions: { TLSv1: true, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false } });
  const secondAddress = evaluate(probe([address({ chain: [steady, R11] }), address({ address: V6, family: 6, chain: [renewedLeaf, R11] })]));

  test.each<[string, EndpointEvaluation | null, EndpointEvaluation, ChangeKind[]]>([
    ['first check, ready', null, ready, []],
    ['first check, not ready', null, leafOnly, ['notReady']],
    ['first check, unreachable', null, unreachable, ['becameUnreachable']],
    ['nothing changed', ready, serving(), []],
    ['a second address serves another certificate', ready, secondAddress, ['newCertificate']],
    ['the stale address is updated (nothing new appears)', secondAddress, renewed, []],
    ['a renewal deployed', ready, renewed, ['newCertificate']],
    ['the renewal deployed without its intermediate', ready, leafOnly, ['newCertificate', 'chainBroken', 'notReady']],
    ['chain fixed', leafOnly, renewed, ['recovered']],
    ['server went away', ready, unreachable, ['becameUnreachable']],
    ['still away', unreachable, unreachable, []],
    ['back, with the same certificate', unreachable, ready, ['recovered']],
    ['back, but with a broken chain', unreachable, leafOnly, ['notReady']],
    ['legacy TLS switched on', ready, legacy, ['tlsWeakened']],
    ['TLS 1.2 switched off', legacy, tls10Only, ['tlsWeakened', 'notReady']],
    ['TLS hardened', tls10Only, ready, ['recovered']],
  ])('%s', (_name, previous, next, expected) => {
    expect(evaluationChanges(previous, next)).toEqual(expected);
  });

  test('kinds come in CHANGE_KINDS order', () => {
    expect(CHANGE_KINDS).toEqual(['newCertificate', 'chainBroken', 'tlsWeakened', 'becameUnreachable', 'recovered', 'notReady']);
  });

  test('every change reads as a Chinese notice; problems carry their fix', () => {
    const nexts: Record<ChangeKind, EndpointEvaluation> = { newCertificate: renewed, chainBroken: leafOnly, tlsWeakened: legacy, becameUnreachable: unreachable, recovered: ready, notReady: leafOnly };
    for (const kind of CHANGE_KINDS) {
      const notice = describeChange(kind, nexts[kind]);
      expect(notice.title).toMatch(HAN);
      expect(notice.text).toMatch(HAN);
      expect(notice.text).toContain(nexts[kind].summary);
    }
    expect(describeChange('chainBroken', leafOnly).fix).toContain('fullchain.pem');
    expect(describeChange('tlsWeakened', legacy).fix).toContain('ssl_protocols');
    expect(describeChange('becameUnreachable', unreachable).fix).toContain('安全组');
    expect(describeChange('recovered', ready).fix).toBeNull();
    expect(describeChange('newCertificate', renewed).text).toContain('有效期至 2026年08月30日');
  });
});
