/**
 * Will `wx.request` accept this server? The probe's facts (`ports/tls-probe.ts`) judged against
 * WeChat's server-domain rules (服务器域名: https, no IP, no localhost, the port rule), what phones
 * demand of a TLS server (TLS ≥ 1.2, a trusted and complete chain, host name, dates, key and
 * signature), and what a certificate owner wants to know (legacy TLS, chain order, expiry, one
 * certificate on every address, the deployed certificate vs CertKeeper's). Pure: the time is
 * passed in. Rules choose a reason; `tls-evaluation.messages.zh.ts` words it.
 *
 * Every rule is judged on every address: it fails when it fails on any one, and its notes name
 * the addresses. Certificate rules judge the leaf and the intermediates, never a served root:
 * clients use their own copy of a root, and serving an expired one is harmless (Let's Encrypt
 * served the expired DST Root CA X3 on purpose, for old Android).
 *
 * Node reports one verification error per handshake, the last one OpenSSL met, and OpenSSL checks
 * dates after building the chain: an expired certificate hides whether the chain was complete and
 * its root trusted. Those two rules are then `info` (undetermined) rather than a guess.
 */
import type { AddressProbe, ProbeResult, ServedCertificate, TlsVersion, TrustError } from '../ports/tls-probe';
import { parseIpv4, parseIpv6 } from './address';
import { hostnameMatches, isIpHost, normalizeHostname } from './hostname';
import { daysLeft } from './reminders';
import { describeCheck, summarizeEvaluation } from './tls-evaluation.messages.zh';

/** The checklist, in the order the app shows it. */
export const CHECK_IDS = [
  'https', 'noIp', 'noLocalhost', 'port', 'resolves', 'reachable', 'tls12', 'legacyTls', 'trusted', 'chainComplete', 'chainOrder',
  'hostname', 'notExpired', 'notYetValid', 'expiresSoon', 'keyStrength', 'signature', 'consistent', 'deployedIsIssued', 'icp',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'info';
export type Verdict = 'ready' | 'warning' | 'notReady' | 'unreachable';

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** This result is a failure that makes `wx.request` fail (on all phones, or on iPhones, or on Android). */
  blocksWechat: boolean;
  title: string;
  explanation: string;
  /** What to do; null when there is nothing to do. */
  fix: string | null;
  /** Which addresses, which certificates, numbers. */
  detail?: string;
}

export type ServedSummary = Pick<ServedCertificate, 'fingerprintSha256' | 'subject' | 'issuer' | 'dnsNames' | 'notBefore' | 'notAfter' | 'keyType' | 'keyBits'> & {
  daysLeft: number;
  protocol: TlsVersion | null;
  chainLength: number;
};

export interface EndpointEvaluation {
  verdict: Verdict;
  /** No result blocks WeChat. */
  wechatReady: boolean;
  /** Always every `CHECK_IDS` entry, in that order; a rule that could not be judged is `info`. */
  checks: CheckResult[];
  /** The leaf of the first address that completed a handshake; null when none did. */
  served: ServedSummary | null;
  /** Whether every address serves CertKeeper's latest certificate; null when unknown. */
  deployedIsIssued: boolean | null;
  /** One Chinese line. */
  summary: string;
  /** SHA-256 of every distinct leaf served, in address order (`evaluationChanges` compares them). */
  fingerprints: string[];
}

export interface IssuedCertificate { fingerprintSha256: string; notAfter: number; issuedAt: number }

export interface EvaluationInput {
  result: ProbeResult;
  /** What the user would write in 服务器域名. */
  url: { host: string; port: number; portExplicit: boolean };
  now: number;
  /** CertKeeper's latest certificate for this name; null when it issued none. */
  issued: IssuedCertificate | null;
  /** Fingerprints of CertKeeper's earlier versions. */
  previousIssued?: readonly string[];
}

/**
 * Every reason a rule can give, and its status. `critical` expiry is a `fail` that does not block
 * WeChat yet: the app shows it red, the verdict is `warning`. Weak keys and SHA-1/MD5 signatures
 * do block: since iOS 13 Apple no longer trusts TLS certificates with RSA keys under 2048 bits or
 * SHA-1 signatures (support.apple.com/HT210176), ATS demands ECC keys of at least 256 bits, and
 * Chrome's and Android's verifiers refuse SHA-1 below the root — on those phones `wx.request`
 * fails whatever the rest of the chain is.
 */
export const REASON_STATUS = {
  https: { pass: 'pass' },
  noIp: { pass: 'pass', ipLiteral: 'fail' },
  noLocalhost: { pass: 'pass', localhost: 'fail' },
  port: { default: 'pass', explicitDefault: 'fail', custom: 'info' },
  resolves: { pass: 'pass', someRefused: 'warn', notFound: 'fail', privateOnly: 'fail', failed: 'fail' },
  reachable: { pass: 'pass', failed: 'fail', notChecked: 'info' },
  tls12: { pass: 'pass', tls13Only: 'warn', legacyOnly: 'fail', undetermined: 'info', notChecked: 'info' },
  legacyTls: { pass: 'pass', accepted: 'warn', undetermined: 'info', notChecked: 'info' },
  trusted: { pass: 'pass', selfSignedLeaf: 'fail', untrustedRoot: 'fail', badSignature: 'fail', rejected: 'fail', undetermined: 'info', notChecked: 'info' },
  chainComplete: { pass: 'pass', incomplete: 'fail', undetermined: 'info', notChecked: 'info' },
  chainOrder: { pass: 'pass', outOfOrder: 'warn', notChecked: 'info' },
  hostname: { pass: 'pass', mismatch: 'fail', noSan: 'fail', notChecked: 'info' },
  notExpired: { pass: 'pass', leafExpired: 'fail', chainExpired: 'fail', notChecked: 'info' },
  notYetValid: { pass: 'pass', notYetValid: 'fail', notChecked: 'info' },
  expiresSoon: { pass: 'pass', soon: 'warn', critical: 'fail', expired: 'info', notChecked: 'info' },
  keyStrength: { pass: 'pass', rsaTooSmall: 'fail', ecTooSmall: 'fail', unsupportedAlgorithm: 'fail', limitedSupport: 'warn', notChecked: 'info' },
  signature: { pass: 'pass', weakHash: 'fail', notChecked: 'info' },
  consistent: { pass: 'pass', different: 'warn', notChecked: 'info' },
  deployedIsIssued: { pass: 'pass', oldVersion: 'warn', otherCertificate: 'warn', nothingIssued: 'info', notChecked: 'info' },
  icp: { reminder: 'info' },
} as const satisfies Record<CheckId, Record<string, CheckStatus>>;
export type CheckReasons = { [K in CheckId]: keyof (typeof REASON_STATUS)[K] & string };
const STATUS: { [K in CheckId]: Record<CheckReasons[K], CheckStatus> } = REASON_STATUS;
export const SEVERITY: Record<CheckStatus, number> = { pass: 0, info: 1, warn: 2, fail: 3 };

/** The rules whose failure makes `wx.request` fail (WeChat's own, and what phones refuse). */
export const WECHAT_RULES: ReadonlySet<CheckId> = new Set<CheckId>([
  'https', 'noIp', 'noLocalhost', 'port', 'resolves', 'reachable', 'tls12', 'trusted', 'chainComplete', 'hostname',
  'notExpired', 'notYetValid', 'keyStrength', 'signature',
]);

export const EXPIRY_WARNING_DAYS = 30;
export const EXPIRY_CRITICAL_DAYS = 7;
export const MIN_RSA_BITS = 2048;
export const MIN_EC_BITS = 256;
/** The curves every phone verifies (OpenSSL names); secp256k1, brainpool, SM2 … are not. */
const COMMON_CURVES: readonly string[] = ['prime256v1', 'secp384r1', 'secp521r1'];
const WEAK_SIGNATURE = /(?:sha1|md[245])(?!\d)/;
const LEGACY_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1'];
const ALL_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const ISSUER_MISSING: readonly (TrustError | null)[] = ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'];
const DATE_ERRORS: readonly (TrustError | null)[] = ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'];
const MAX_NAMES_SHOWN = 10;

export type CertificateRole = 'leaf' | 'intermediate';
type Cert = { role: CertificateRole; subject: string };

/** One observation behind a result, for its `detail`. */
export type NoteFact =
  | { kind: 'resolved'; addresses: string[] }
  | { kind: 'refused'; addressClass: string }
  | { kind: 'failure'; failure: NonNullable<AddressProbe['failure']>['kind']; detail: string }
  | { kind: 'versions'; accepted: TlsVersion[] }
  | { kind: 'chainEnd'; subject: string; issuer: string; error: TrustError | null }
  | { kind: 'missingIssuer'; issuer: string; served: number }
  | { kind: 'order'; subjects: string[] }
  | { kind: 'matched'; name: string }
  | { kind: 'names'; names: string[]; total: number }
  | ({ kind: 'expired'; notAfter: number } & Cert)
  | ({ kind: 'notYetValid'; notBefore: number } & Cert)
  | ({ kind: 'expires'; notAfter: number; days: number } & Cert)
  | ({ kind: 'key'; keyType: ServedCertificate['keyType']; keyBits: number | null; curve: string | null } & Cert)
  | ({ kind: 'signature'; algorithm: string } & Cert)
  | { kind: 'verifier'; error: TrustError }
  | { kind: 'served'; fingerprintSha256: string; notAfter: number; version: 'latest' | 'previous' | 'other' | null }
  | { kind: 'issued'; notAfter: number; issuedAt: number };

/** A fact and the addresses it was seen on (none when it is not about an address). */
export interface Note { addresses: string[]; fact: NoteFact }
export interface Finding<K extends CheckId = CheckId> { id: K; reason: CheckReasons[K]; notes: Note[] }
type AnyFinding = { [K in CheckId]: Finding<K> }[CheckId];
type Judgement<K extends CheckId> = { reason: CheckReasons[K]; facts: NoteFact[] } | null;
type JudgedCertificate = ServedCertificate & { role: CertificateRole };

export function evaluateEndpoint(input: EvaluationInput): EndpointEvaluation {
  const { result, url, now } = input;
  const host = normalizeHostname(url.host);
  const isIp = isIpHost(host);
  const shook = result.addresses.filter((a) => a.failure === null && a.chain.length > 0);
  const fingerprints = [...new Set(shook.map((p) => fingerprintKey(leafOf(p).fingerprintSha256)))];
  const onShook = <K extends CheckId>(id: K, judge: (p: AddressProbe) => Judgement<K>, none: CheckReasons[K]) => acrossAddresses(id, shook, judge, none);
  const findings: AnyFinding[] = [
    { id: 'https', reason: 'pass', notes: [] },
    { id: 'noIp', reason: isIp ? 'ipLiteral' : 'pass', notes: [] },
    { id: 'noLocalhost', reason: host === 'localhost' || host.endsWith('.localhost') ? 'localhost' : 'pass', notes: [] },
    { id: 'port', reason: url.port !== 443 ? 'custom' : url.portExplicit ? 'explicitDefault' : 'default', notes: [] },
    resolvesFinding(result),
    reachableFinding(result),
    acrossAddresses('tls12', result.addresses, judgeTls12, 'notChecked'),
    acrossAddresses('legacyTls', result.addresses, judgeLegacyTls, 'notChecked'),
    onShook('trusted', judgeTrusted, 'notChecked'),
    onShook('chainComplete', judgeChainComplete, 'notChecked'),
    onShook('chainOrder', (p) => (p.chain.length > 1 && !p.ordered ? { reason: 'outOfOrder', facts: [{ kind: 'order', subjects: p.chain.map((c) => c.subject) }] } : { reason: 'pass', facts: [] }), 'notChecked'),
    onShook('hostname', (p) => judgeHostname(leafOf(p), host, isIp), 'notChecked'),
    onShook('notExpired', (p) => judgeExpired(p, now), 'notChecked'),
    onShook('notYetValid', (p) => judgeNotYetValid(p, now), 'notChecked'),
    onShook('expiresSoon', (p) => judgeExpiresSoon(p, now), 'notChecked'),
    onShook('keyStrength', judgeKey, 'notChecked'),
    onShook('signature', judgeSignature, 'notChecked'),
    fingerprints.length > 1
      ? { id: 'consistent', reason: 'different', notes: mergeNotes(shook.map((p) => ({ address: p.address, fact: servedFact(leafOf(p), null) }))) }
      : { id: 'consistent', reason: shook.length > 0 ? 'pass' : 'notChecked', notes: [] },
    deployedFinding(shook, input.issued, input.previousIssued ?? []),
    { id: 'icp', reason: 'reminder', notes: [] },
  ];
  const context = { host: url.host, port: url.port, issued: input.issued };
  const checks = findings.map((finding): CheckResult => {
    const status = statusOf(finding);
    return { id: finding.id, status, blocksWechat: status === 'fail' && WECHAT_RULES.has(finding.id), ...describeCheck(finding, context) };
  });
  // "Could be probed": some address spoke TLS, even if only a pinned legacy handshake succeeded.
  const probed = result.addresses.some((a) => a.failure === null || acceptedVersions(a).length > 0);
  const wechatReady = !checks.some((check) => check.blocksWechat);
  const flagged = checks.some((c) => c.status === 'fail' || c.status === 'warn');
  const verdict: Verdict = !probed ? 'unreachable' : !wechatReady ? 'notReady' : flagged ? 'warning' : 'ready';
  const served = shook[0] === undefined ? null : summarizeServed(shook[0], now);
  const deployed = findings.find((f) => f.id === 'deployedIsIssued')?.reason;
  const deployedIsIssued = deployed === 'pass' ? true : deployed === 'oldVersion' || deployed === 'otherCertificate' ? false : null;
  return { verdict, wechatReady, checks, served, deployedIsIssued, summary: summarizeEvaluation(verdict, checks, served), fingerprints };
}

export function statusOf<K extends CheckId>(finding: Finding<K>): CheckStatus {
  const table: Record<CheckReasons[K], CheckStatus> = STATUS[finding.id];
  return table[finding.reason];
}

/** The worst judgement over the addresses; notes from the addresses that were not fine (all, when all were). */
function acrossAddresses<K extends CheckId>(id: K, probes: readonly AddressProbe[], judge: (p: AddressProbe) => Judgement<K>, none: CheckReasons[K]): Finding<K> {
  const judged = probes.flatMap((probe) => [judge(probe)].flatMap((j) => (j === null ? [] : [{ address: probe.address, ...j }])));
  const rank = (reason: CheckReasons[K]): number => SEVERITY[statusOf<K>({ id, reason, notes: [] })];
  const worst = judged.reduce<(typeof judged)[number] | null>((w, j) => (w === null || rank(j.reason) > rank(w.reason) ? j : w), null);
  if (worst === null) return { id, reason: none, notes: [] };
  const shown = rank(worst.reason) === 0 ? judged : judged.filter((j) => rank(j.reason) > 0);
  return { id, reason: worst.reason, notes: mergeNotes(shown.flatMap((j) => j.facts.map((fact) => ({ address: j.address, fact })))) };
}

/** One note per distinct fact, naming every address it was seen on, in first-seen order. */
function mergeNotes(items: readonly { address: string | null; fact: NoteFact }[]): Note[] {
  const byFact = new Map<string, Note>();
  for (const { address, fact } of items) {
    const note = byFact.get(JSON.stringify(fact)) ?? { addresses: [], fact };
    if (address !== null && !note.addresses.includes(address)) note.addresses.push(address);
    byFact.set(JSON.stringify(fact), note);
  }
  return [...byFact.values()];
}

function resolvesFinding(result: ProbeResult): Finding<'resolves'> {
  const { resolveError, addresses } = result;
  const refused = mergeNotes(result.refused.map((r) => ({ address: r.address, fact: { kind: 'refused', addressClass: r.addressClass } })));
  if (resolveError?.kind === 'failed') return { id: 'resolves', reason: 'failed', notes: [] };
  if (resolveError?.kind === 'refusedOnly' || (addresses.length === 0 && refused.length > 0)) return { id: 'resolves', reason: 'privateOnly', notes: refused };
  if (resolveError !== null || addresses.length === 0) return { id: 'resolves', reason: 'notFound', notes: [] };
  const resolved: Note = { addresses: [], fact: { kind: 'resolved', addresses: addresses.map((a) => a.address) } };
  return { id: 'resolves', reason: refused.length > 0 ? 'someRefused' : 'pass', notes: [resolved, ...refused] };
}

function reachableFinding(result: ProbeResult): Finding<'reachable'> {
  if (result.addresses.length === 0) return { id: 'reachable', reason: 'notChecked', notes: [] };
  const failed = result.addresses.flatMap((a) => (a.failure === null ? [] : [{ address: a.address, fact: { kind: 'failure', failure: a.failure.kind, detail: a.failure.detail } satisfies NoteFact }]));
  return { id: 'reachable', reason: failed.length > 0 ? 'failed' : 'pass', notes: mergeNotes(failed) };
}

/** Versions a handshake succeeded with: the pinned ones, and the one the default handshake chose. */
function acceptedVersions(probe: AddressProbe): TlsVersion[] {
  return ALL_VERSIONS.filter((v) => probe.versions[v] === true || probe.protocol === v);
}

function judgeTls12(probe: AddressProbe): Judgement<'tls12'> {
  const accepted = acceptedVersions(probe);
  if (accepted.length === 0) return null;
  const facts: NoteFact[] = [{ kind: 'versions', accepted }];
  if (accepted.includes('TLSv1.2')) return { reason: 'pass', facts };
  if (accepted.includes('TLSv1.3')) return { reason: probe.versions['TLSv1.2'] === false ? 'tls13Only' : 'pass', facts };
  // Only TLS 1.0/1.1 worked: settled when the client's best offer agreed on one, or 1.2 and 1.3 were both refused.
  const settled = probe.protocol !== null || (probe.versions['TLSv1.2'] === false && probe.versions['TLSv1.3'] === false);
  return { reason: settled ? 'legacyOnly' : 'undetermined', facts };
}

function judgeLegacyTls(probe: AddressProbe): Judgement<'legacyTls'> {
  const accepted = acceptedVersions(probe).filter((v) => LEGACY_VERSIONS.includes(v));
  if (accepted.length > 0) return { reason: 'accepted', facts: [{ kind: 'versions', accepted }] };
  if (LEGACY_VERSIONS.every((v) => probe.versions[v] === false)) return { reason: 'pass', facts: [] };
  return acceptedVersions(probe).length > 0 ? { reason: 'undetermined', facts: [] } : null;
}

function leafOf(probe: AddressProbe): ServedCertificate {
  if (probe.chain[0] === undefined) throw new Error('an address without a served chain has no leaf');
  return probe.chain[0];
}

/** The chain ends in a root (self-signed) and each certificate is issued by the next: nothing to fetch. */
function endsInRoot(probe: AddressProbe): boolean {
  return probe.ordered && probe.chain[probe.chain.length - 1]?.selfSigned === true;
}

function judgeTrusted(probe: AddressProbe): Judgement<'trusted'> {
  if (probe.trusted) return { reason: 'pass', facts: [] };
  const error = probe.trustError;
  const last = probe.chain[probe.chain.length - 1] ?? leafOf(probe);
  const facts: NoteFact[] = [{ kind: 'chainEnd', subject: last.subject, issuer: last.issuer, error }];
  if (leafOf(probe).selfSigned) return { reason: 'selfSignedLeaf', facts };
  if (error === 'SELF_SIGNED_CERT_IN_CHAIN' || (ISSUER_MISSING.includes(error) && endsInRoot(probe))) return { reason: 'untrustedRoot', facts };
  // A missing intermediate (the chainComplete rule) or a date error hides whether the root is trusted.
  if (ISSUER_MISSING.includes(error) || DATE_ERRORS.includes(error)) return { reason: 'undetermined', facts };
  return { reason: error === 'CERT_SIGNATURE_FAILURE' ? 'badSignature' : 'rejected', facts };
}

function judgeChainComplete(probe: AddressProbe): Judgement<'chainComplete'> {
  const error = probe.trustError;
  if (probe.trusted || endsInRoot(probe) || error === 'SELF_SIGNED_CERT_IN_CHAIN' || error === 'DEPTH_ZERO_SELF_SIGNED_CERT') return { reason: 'pass', facts: [] };
  if (!ISSUER_MISSING.includes(error)) return { reason: 'undetermined', facts: [] };
  // The first certificate whose issuer was not sent; in an ordered chain, the last one.
  const subjects = new Set(probe.chain.map((c) => c.subject));
  const orphan = probe.chain.find((c) => !c.selfSigned && !subjects.has(c.issuer)) ?? probe.chain[probe.chain.length - 1] ?? leafOf(probe);
  return { reason: 'incomplete', facts: [{ kind: 'missingIssuer', issuer: orphan.issuer, served: probe.chain.length }] };
}

/** Leaf and intermediates with their role; served roots are left out (see the module comment). */
function judgedCertificates(probe: AddressProbe): JudgedCertificate[] {
  return probe.chain.flatMap((c, i): JudgedCertificate[] => (i === 0 ? [{ ...c, role: 'leaf' }] : c.selfSigned ? [] : [{ ...c, role: 'intermediate' }]));
}

function judgeHostname(leaf: ServedCertificate, host: string, isIp: boolean): Judgement<'hostname'> {
  const matched = isIp ? leaf.ipAddresses.find((ip) => sameIp(ip, host)) : leaf.dnsNames.find((name) => hostnameMatches(host, name));
  if (matched !== undefined) return { reason: 'pass', facts: [{ kind: 'matched', name: matched }] };
  const names = [...leaf.dnsNames, ...leaf.ipAddresses];
  if (names.length === 0) return { reason: 'noSan', facts: [] };
  return { reason: 'mismatch', facts: [{ kind: 'names', names: names.slice(0, MAX_NAMES_SHOWN), total: names.length }] };
}

function judgeExpired(probe: AddressProbe, now: number): Judgement<'notExpired'> {
  const expired = judgedCertificates(probe).filter((c) => c.notAfter < now);
  const facts: NoteFact[] = expired.map((c) => ({ kind: 'expired', role: c.role, subject: c.subject, notAfter: c.notAfter }));
  if (expired.length > 0) return { reason: expired.some((c) => c.role === 'leaf') ? 'leafExpired' : 'chainExpired', facts };
  // The verifier met an expired certificate the served dates do not explain (its own copy of a root).
  if (probe.trustError === 'CERT_HAS_EXPIRED') return { reason: 'chainExpired', facts: [{ kind: 'verifier', error: 'CERT_HAS_EXPIRED' }] };
  return { reason: 'pass', facts: [] };
}

function judgeNotYetValid(probe: AddressProbe, now: number): Judgement<'notYetValid'> {
  const early = judgedCertificates(probe).filter((c) => c.notBefore > now);
  if (early.length > 0) return { reason: 'notYetValid', facts: early.map((c) => ({ kind: 'notYetValid', role: c.role, subject: c.subject, notBefore: c.notBefore })) };
  if (probe.trustError === 'CERT_NOT_YET_VALID') return { reason: 'notYetValid', facts: [{ kind: 'verifier', error: 'CERT_NOT_YET_VALID' }] };
  return { reason: 'pass', facts: [] };
}

/** The certificate of the chain that expires first (intermediates count: the chain dies with them). */
function judgeExpiresSoon(probe: AddressProbe, now: number): Judgement<'expiresSoon'> {
  if (leafOf(probe).notAfter < now) return { reason: 'expired', facts: [] };
  const first = judgedCertificates(probe).filter((c) => c.notAfter >= now).reduce((a, b) => (b.notAfter < a.notAfter ? b : a));
  const days = daysLeft(first.notAfter, now);
  const facts: NoteFact[] = [{ kind: 'expires', role: first.role, subject: first.subject, notAfter: first.notAfter, days }];
  return { reason: days <= EXPIRY_CRITICAL_DAYS ? 'critical' : days <= EXPIRY_WARNING_DAYS ? 'soon' : 'pass', facts };
}

/** Ed25519/Ed448, unknown keys and rare curves: no public CA issues them and few TLS clients verify them. */
function keyReason(c: ServedCertificate): CheckReasons['keyStrength'] {
  if (c.keyType === 'rsa') return c.keyBits !== null && c.keyBits < MIN_RSA_BITS ? 'rsaTooSmall' : 'pass';
  if (c.keyType === 'dsa') return 'unsupportedAlgorithm';
  if (c.keyType !== 'ec') return 'limitedSupport';
  if (c.keyBits !== null && c.keyBits < MIN_EC_BITS) return 'ecTooSmall';
  return c.curve === null || COMMON_CURVES.includes(c.curve) ? 'pass' : 'limitedSupport';
}

function judgeKey(probe: AddressProbe): Judgement<'keyStrength'> {
  const judged = judgedCertificates(probe).map((c) => ({ c, reason: keyReason(c) }));
  const rank = (reason: CheckReasons['keyStrength']) => SEVERITY[REASON_STATUS.keyStrength[reason]];
  const worst = judged.reduce((a, b) => (rank(b.reason) > rank(a.reason) ? b : a));
  const shown = worst.reason === 'pass' ? judged.slice(0, 1) : judged.filter((j) => j.reason !== 'pass');
  return { reason: worst.reason, facts: shown.map(({ c }) => ({ kind: 'key', role: c.role, subject: c.subject, keyType: c.keyType, keyBits: c.keyBits, curve: c.curve })) };
}

function judgeSignature(probe: AddressProbe): Judgement<'signature'> {
  const judged = judgedCertificates(probe);
  const weak = judged.filter((c) => WEAK_SIGNATURE.test(c.signatureAlgorithm.toLowerCase().replace(/[-_]/g, '')));
  const facts: NoteFact[] = (weak.length > 0 ? weak : judged.slice(0, 1)).map((c) => ({ kind: 'signature', role: c.role, subject: c.subject, algorithm: c.signatureAlgorithm }));
  return { reason: weak.length > 0 ? 'weakHash' : 'pass', facts };
}

/** Upper-case hex without separators, however the fingerprint was written. */
function fingerprintKey(fingerprint: string): string {
  return fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

function servedFact(leaf: ServedCertificate, version: 'latest' | 'previous' | 'other' | null): NoteFact {
  return { kind: 'served', fingerprintSha256: fingerprintKey(leaf.fingerprintSha256), notAfter: leaf.notAfter, version };
}

function deployedFinding(probes: readonly AddressProbe[], issued: IssuedCertificate | null, previous: readonly string[]): Finding<'deployedIsIssued'> {
  if (issued === null) return { id: 'deployedIsIssued', reason: 'nothingIssued', notes: [] };
  if (probes.length === 0) return { id: 'deployedIsIssued', reason: 'notChecked', notes: [] };
  const older = new Set(previous.map(fingerprintKey));
  const seen = probes.map((p) => {
    const fingerprint = fingerprintKey(leafOf(p).fingerprintSha256);
    const version = fingerprint === fingerprintKey(issued.fingerprintSha256) ? 'latest' : older.has(fingerprint) ? 'previous' : 'other';
    return { address: p.address, fact: servedFact(leafOf(p), version), version };
  });
  const reason = seen.some((s) => s.version === 'previous') ? 'oldVersion' : seen.some((s) => s.version === 'other') ? 'otherCertificate' : 'pass';
  if (reason === 'pass') return { id: 'deployedIsIssued', reason, notes: [] };
  const issuedNote: Note = { addresses: [], fact: { kind: 'issued', notAfter: issued.notAfter, issuedAt: issued.issuedAt } };
  return { id: 'deployedIsIssued', reason, notes: [...mergeNotes(seen.filter((s) => s.version !== 'latest')), issuedNote] };
}

function summarizeServed(probe: AddressProbe, now: number): ServedSummary {
  const { subject, issuer, dnsNames, notBefore, notAfter, keyType, keyBits, fingerprintSha256 } = leafOf(probe);
  const rest = { daysLeft: daysLeft(notAfter, now), protocol: probe.protocol, chainLength: probe.chain.length };
  return { fingerprintSha256: fingerprintKey(fingerprintSha256), subject, issuer, dnsNames, notBefore, notAfter, keyType, keyBits, ...rest };
}

function sameIp(a: string, b: string): boolean {
  const v4 = parseIpv4(a);
  return v4 !== null ? v4 === parseIpv4(b) : parseIpv6(a) !== null && parseIpv6(a) === parseIpv6(b);
}
