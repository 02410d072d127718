/**
 * dns-01 self-check: is every expected TXT value at `recordName` on every authoritative server?
 *
 * Asking the authoritative servers directly sees a new record at once (recursive resolvers cache
 * the old answer) and shows when one server of several has not caught up.
 *
 * - Discovery: walk up the name's labels asking a recursive resolver for NS records; the first
 *   name that has some is the zone. Each name server's address comes from the same resolver (A,
 *   else AAAA) and must pass the address rules (`server/domain/address.ts`).
 * - Each server is asked for CNAME and TXT at the name. A CNAME (e.g. `_acme-challenge` delegated
 *   to a DNS service) restarts the check at its target, with discovery for the target's zone;
 *   chains are bounded and loops stopped.
 * - Local mode (`authoritativeServers`): challtestsrv answers neither NS nor SOA (NOTIMP), so the
 *   given servers are asked for every name, CNAME targets included.
 */
import { promises as dns } from 'node:dns';
import { isAllowedTarget, classifyAddress } from '../../domain/address';
import type { TxtCheckProblem, TxtCheckRequest, TxtCheckResult, TxtServerAnswer } from '../../ports/self-check';

export interface DnsTxtCheckOptions {
  /** Recursive resolvers (`host` or `host:port`) for NS discovery. Default: the system's. */
  recursiveServers?: string[];
  /** Servers (`host:port`) treated as authoritative for every name; discovery is skipped (local mode). */
  authoritativeServers?: string[];
  /** Port on which discovered name servers are asked. Default 53; tests use a loopback server's port. */
  authoritativePort?: number;
  /** Discovered name servers may be on loopback (local runtime and tests only). */
  allowLoopback?: boolean;
  /** Per-query attempt timeout. Default 2 s. */
  queryTimeoutMs?: number;
  /** Attempts per query. Default 2. */
  tries?: number;
  /** The whole check, discovery and CNAMEs included. Default 10 s. */
  deadlineMs?: number;
  /** Longest CNAME chain followed. Default 8. */
  maxCnameHops?: number;
}

interface NameServer {
  /** Host name from the NS record, or the configured `host:port`. */
  name: string;
  address: string;
  /** `address:port` for `Resolver.setServers`; absent when the server cannot be asked. */
  endpoint?: string;
  error?: string;
}

type ServerReply = { kind: 'values'; values: string[] } | { kind: 'cname'; target: string } | { kind: 'error'; error: string };

/** DNS trouble that leaves nothing to ask: reported as `lookupFailed`. */
class LookupError extends Error {}

const NO_DATA = new Set(['ENODATA', 'ENOTFOUND']);

export class DnsTxtCheck {
  constructor(private readonly options: DnsTxtCheckOptions = {}) {}

  async checkTxt(request: TxtCheckRequest): Promise<TxtCheckResult> {
    const name = normaliseName(request.recordName);
    if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(name) || name.length > 253) {
      throw new TypeError(`checkTxt: "${request.recordName}" is not a fully qualified record name`);
    }
    if (request.expectedValues.length === 0) throw new TypeError('checkTxt: expectedValues is empty');

    const run = new CheckRun(this.options);
    const deadlineMs = this.options.deadlineMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), deadlineMs);
    });
    try {
      const answers = await Promise.race([run.answersAt(name, 0, new Set()), deadline]);
      if (answers === 'deadline') {
        return failure('lookupFailed', request.expectedValues, [], [], `DNS lookups did not finish within ${deadlineMs} ms`);
      }
      return evaluate(request.expectedValues, answers);
    } catch (error) {
      if (error instanceof LookupError) return failure('lookupFailed', request.expectedValues, [], [], error.message);
      throw error;
    } finally {
      clearTimeout(timer);
      run.cancel();
    }
  }
}

/** The state of one check: its resolvers (cancelled at the end) and the zones found so far. */
class CheckRun {
  private readonly resolvers: dns.Resolver[] = [];
  private readonly zones = new Map<string, Promise<NameServer[]>>();
  private readonly recursive: dns.Resolver;
  private cancelled = false;

  constructor(private readonly options: DnsTxtCheckOptions) {
    this.recursive = this.resolver(options.recursiveServers);
  }

  /** Ends every outstanding query; queries asked for later fail at once. */
  cancel(): void {
    this.cancelled = true;
    for (const resolver of this.resolvers) resolver.cancel();
  }

  /** The answers of the servers responsible for `name`, with CNAMEs followed. */
  async answersAt(name: string, depth: number, seen: Set<string>): Promise<TxtServerAnswer[]> {
    const maxHops = this.options.maxCnameHops ?? 8;
    if (seen.has(name) || depth > maxHops) {
      const why = seen.has(name) ? 'CNAME loop' : `CNAME chain longer than ${maxHops}`;
      return [{ server: '-', address: '-', values: null, queriedName: name, error: `${why} at ${name}` }];
    }
    const servers = await this.nameServersFor(name);
    const replies = await Promise.all(servers.map((server) => this.ask(server, name)));
    const answers: TxtServerAnswer[] = [];
    const targets = new Set<string>();
    replies.forEach((reply, index) => {
      const server = servers[index];
      if (!server) return;
      const base = { server: server.name, address: server.address, queriedName: name };
      if (reply.kind === 'cname') targets.add(reply.target);
      else if (reply.kind === 'values') answers.push({ ...base, values: reply.values });
      else answers.push({ ...base, values: null, error: reply.error });
    });
    const next = new Set([...seen, name]);
    for (const target of targets) answers.push(...(await this.answersAt(target, depth + 1, next)));
    return answers;
  }

  private async ask(server: NameServer, name: string): Promise<ServerReply> {
    if (server.endpoint === undefined) return { kind: 'error', error: server.error ?? 'cannot be asked' };
    const resolver = this.resolver([server.endpoint]);
    const [cname, txt] = await Promise.allSettled([resolver.resolveCname(name), resolver.resolveTxt(name)]);
    const target = cname.status === 'fulfilled' ? cname.value[0] : undefined;
    if (target !== undefined) return { kind: 'cname', target: normaliseName(target) };
    if (txt.status === 'fulfilled') return { kind: 'values', values: txt.value.map((chunks) => chunks.join('')) };
    if (NO_DATA.has(codeOf(txt.reason))) return { kind: 'values', values: [] };
    return { kind: 'error', error: `TXT query failed: ${codeOf(txt.reason)}` };
  }

  private nameServersFor(name: string): Promise<NameServer[]> {
    const fixed = this.options.authoritativeServers;
    if (fixed !== undefined) {
      return Promise.resolve(fixed.map((endpoint) => ({ name: endpoint, address: hostOf(endpoint), endpoint })));
    }
    return this.discover(name);
  }

  /** Walks up from `name` to the closest name with NS records (never a single-label TLD). */
  private async discover(name: string): Promise<NameServer[]> {
    const labels = name.split('.');
    for (let i = 0; i < labels.length - 1; i++) {
      const candidate = labels.slice(i).join('.');
      let zone = this.zones.get(candidate);
      if (zone === undefined) {
        zone = this.zoneServers(candidate);
        this.zones.set(candidate, zone);
      }
      const servers = await zone;
      if (servers.length > 0) return servers;
    }
    throw new LookupError(`no name servers found for ${name} or any parent domain: is the domain registered and delegated?`);
  }

  /** The name servers of `candidate` if it is a zone; [] when it is not. */
  private async zoneServers(candidate: string): Promise<NameServer[]> {
    let hosts: string[];
    try {
      hosts = await this.recursive.resolveNs(candidate);
    } catch (error) {
      if (NO_DATA.has(codeOf(error))) return [];
      throw new LookupError(`NS lookup for ${candidate} failed: ${codeOf(error)}`, { cause: error });
    }
    const unique = [...new Set(hosts.map(normaliseName))].sort();
    return Promise.all(unique.map((host) => this.locate(host)));
  }

  private async locate(host: string): Promise<NameServer> {
    let address: string | undefined;
    for (const lookup of [() => this.recursive.resolve4(host), () => this.recursive.resolve6(host)]) {
      address = await lookup().then((list) => list[0], () => undefined);
      if (address !== undefined) break;
    }
    if (address === undefined) return { name: host, address: '', error: 'cannot resolve the name server’s address' };
    if (!isAllowedTarget(address, { allowLoopback: this.options.allowLoopback ?? false })) {
      return { name: host, address, error: `address ${address} refused (${classifyAddress(address)})` };
    }
    const port = this.options.authoritativePort ?? 53;
    return { name: host, address, endpoint: address.includes(':') ? `[${address}]:${port}` : `${address}:${port}` };
  }

  private resolver(servers?: string[]): dns.Resolver {
    if (this.cancelled) throw new LookupError('check cancelled');
    const resolver = new dns.Resolver({ timeout: this.options.queryTimeoutMs ?? 2_000, tries: this.options.tries ?? 2 });
    if (servers !== undefined) resolver.setServers(servers);
    this.resolvers.push(resolver);
    return resolver;
  }
}

function evaluate(expected: string[], answers: TxtServerAnswer[]): TxtCheckResult {
  const answered = answers.flatMap((answer) => (answer.values === null ? [] : [{ answer, values: answer.values }]));
  if (answered.length === 0) {
    const reasons = answers.map((a) => `${a.server} (${a.address}): ${a.error ?? 'no answer'}`).join('; ');
    return failure('lookupFailed', expected, [], answers, `no authoritative server answered: ${reasons || 'none found'}`);
  }
  const seen = new Set(answered.flatMap((a) => a.values));
  const missing = expected.filter((value) => answered.some((a) => !a.values.includes(value)));
  const complete = answered.filter((a) => expected.every((value) => a.values.includes(value)));
  if (complete.length === answered.length) return { ok: true, answers };

  const where = [...new Set(answered.map((a) => a.answer.queriedName))].join(', ');
  if (complete.length > 0) {
    const behind = answered.filter((a) => !complete.includes(a)).map((a) => `${a.answer.server} (${a.answer.address})`);
    return failure('propagating', expected, missing, answers,
      `${complete.length} of ${answered.length} authoritative servers have every value at ${where}; not yet: ${behind.join(', ')}`);
  }
  if (seen.size === 0) return failure('absent', expected, missing, answers, `no TXT record at ${where} on any authoritative server`);
  if (expected.some((value) => seen.has(value))) {
    return failure('missingSome', expected, missing, answers, `${where} lacks ${missing.length} of ${expected.length} expected values: ${missing.join(', ')}`);
  }
  return failure('wrongValue', expected, missing, answers, `${where} has only other values: ${[...seen].join(', ')}`);
}

function failure(problem: TxtCheckProblem, expected: string[], missing: string[], answers: TxtServerAnswer[], detail: string): TxtCheckResult {
  const seen = new Set(answers.flatMap((a) => a.values ?? []));
  return {
    ok: false,
    problem,
    missingValues: missing,
    unexpectedValues: [...seen].filter((value) => !expected.includes(value)),
    answers,
    detail,
  };
}

function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** `host` of `host:port`, `[v6]:port`, a bare IPv6 address or a bare host. */
function hostOf(endpoint: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(endpoint);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  const parts = endpoint.split(':');
  return parts.length === 2 && parts[0] !== undefined ? parts[0] : endpoint;
}

/** The DNS error code (`ENODATA`, `ETIMEOUT`, …); duck-typed, as errors may come from another realm. */
function codeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    if ('code' in error && typeof error.code === 'string') return error.code;
    if ('message' in error && typeof error.message === 'string') return error.message;
  }
  return String(error);
}
