/**
 * http-01 self-check: fetch the challenge URL the way a CA does, redirects included, and compare
 * the body with the key authorization.
 *
 * Every hop is resolved here, each resolved address must pass the address rules
 * (`server/domain/address.ts`) before anything connects, and the request then goes to that very
 * address (connect by IP, `Host` header and SNI carry the name), so a second resolution cannot
 * swap in an internal address. Like CAs: at most 10 redirects, http and https only, ports 80 and
 * 443 only, any certificate accepted on https hops, redirects to IP addresses not followed.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isAllowedTarget, isIpLiteral } from '../../domain/address';
import { bareHost, checkHost, errorText, parseUrl, pinnedRequestOptions, withDeadline, type Resolve } from '../outgoing-address';
import type { HttpCheckProblem, HttpCheckRequest, HttpCheckResult, HttpHop } from '../../ports/self-check';

export interface HttpCheckOptions {
  /** Loopback addresses may be fetched (local runtime and tests only). */
  allowLoopback?: boolean;
  /** Name → addresses. Default: the system resolver (`dns.lookup`, all addresses). */
  resolve?: Resolve;
  /** Port for `http://` URLs without one. Default 80; tests point it at a loopback server. */
  httpPort?: number;
  /** Port for `https://` URLs without one. Default 443. */
  httpsPort?: number;
  /** Ports a URL may name explicitly. Default 80 and 443. */
  allowedPorts?: number[];
  /** Per hop, until the TCP (and TLS) connection is up. Default 5 s. */
  connectTimeoutMs?: number;
  /** The whole check, all hops and bodies. Default 10 s. */
  timeoutMs?: number;
  /** Larger bodies are not read. Default 8 KiB. */
  maxBodyBytes?: number;
  /** Default 10, as Let's Encrypt. */
  maxRedirects?: number;
}

type HopResult =
  | { kind: 'failed'; problem: HttpCheckProblem; detail: string }
  | { kind: 'response'; status: number; location?: string; body?: string; tooLarge?: boolean };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class HttpCheck {
  constructor(private readonly options: HttpCheckOptions = {}) {}

  async checkHttp(request: HttpCheckRequest): Promise<HttpCheckResult> {
    let url = parseUrl(request.url);
    if (url?.protocol !== 'http:') throw new TypeError(`checkHttp: "${request.url}" is not an http:// URL`);
    if (!this.portAllowed(url)) throw new TypeError(`checkHttp: "${request.url}" names a port other than ${this.allowedPorts().join(', ')}`);
    const deadlineAt = Date.now() + (this.options.timeoutMs ?? 10_000);
    const maxRedirects = this.options.maxRedirects ?? 10;
    const hops: HttpHop[] = [];
    const fail = (problem: HttpCheckProblem, detail: string): HttpCheckResult => ({ ok: false, problem, hops, detail });

    for (;;) {
      const hop: HttpHop = { url: url.href };
      hops.push(hop);
      const result = await this.fetchHop(url, hop, deadlineAt);
      if (result.kind === 'failed') return fail(result.problem, result.detail);
      hop.status = result.status;
      const status = result.status;
      if (REDIRECTS.has(status) && result.location !== undefined) {
        if (hops.length > maxRedirects) return fail('tooManyRedirects', `more than ${maxRedirects} redirects, last to ${result.location}`);
        const next = parseUrl(result.location, url);
        const refusal = next === null ? `unparsable Location "${result.location}"` : this.redirectRefusal(next);
        if (refusal !== null || next === null) return fail('badRedirect', `${url.href} redirects to ${result.location}: ${refusal ?? ''}`);
        url = next;
        continue;
      }
      if (status === 404) return fail('notFound', `${url.href} answered 404 Not Found`);
      if (status < 200 || status > 299) return fail('httpStatus', `${url.href} answered ${status}`);
      if (result.tooLarge === true) {
        return fail('wrongContent', `${url.href} answered a body larger than ${this.maxBodyBytes()} bytes`);
      }
      const body = (result.body ?? '').trim();
      if (body !== request.expectedBody.trim()) {
        const shown = body.length > 80 ? `${body.slice(0, 80)}…` : body;
        return fail('wrongContent', `${url.href} answered ${JSON.stringify(shown)} instead of the key authorization`);
      }
      return { ok: true, hops };
    }
  }

  /** Resolves, applies the address rules, then fetches from the checked address. */
  private async fetchHop(url: URL, hop: HttpHop, deadlineAt: number): Promise<HopResult> {
    const host = bareHost(url);
    const policy = { allowLoopback: this.options.allowLoopback ?? false };
    const checked = await withDeadline(checkHost(host, policy, this.options.resolve), deadlineAt);
    if (checked === 'deadline') return { kind: 'failed', problem: 'timeout', detail: `resolving ${host} did not finish in time` };
    if (checked.kind === 'unresolvable') return { kind: 'failed', problem: 'unresolvable', detail: checked.detail };
    hop.address = checked.address;
    if (checked.kind === 'refused') {
      hop.refusedAs = checked.class;
      return { kind: 'failed', problem: 'refusedAddress', detail: `${checked.detail}; not fetched` };
    }
    return this.send(url, checked.address, deadlineAt);
  }

  private send(url: URL, address: string, deadlineAt: number): Promise<HopResult> {
    const https = url.protocol === 'https:';
    const port = this.portOf(url);
    const target = `${address.includes(':') ? `[${address}]` : address}:${port}`;
    return new Promise((resolve) => {
      const pinned = pinnedRequestOptions(url, address, port);
      const request = (https ? httpsRequest : httpRequest)({
        ...pinned,
        method: 'GET',
        headers: { ...pinned.headers, 'User-Agent': 'CertKeeper-SelfCheck/1', Accept: '*/*', Connection: 'close' },
        agent: false,
        ...(https ? { rejectUnauthorized: false } : {}),
      });
      let settled = false;
      const finish = (result: HopResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(totalTimer);
        request.destroy();
        resolve(result);
      };
      const connectMs = Math.max(0, Math.min(this.options.connectTimeoutMs ?? 5_000, deadlineAt - Date.now()));
      const connectTimer = setTimeout(
        () => finish({ kind: 'failed', problem: 'timeout', detail: `connecting to ${target} took longer than ${connectMs} ms` }),
        connectMs,
      );
      const totalTimer = setTimeout(
        () => finish({ kind: 'failed', problem: 'timeout', detail: `${url.href} (${target}) did not answer in time` }),
        Math.max(0, deadlineAt - Date.now()),
      );
      request.on('socket', (socket) => socket.once(https ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer)));
      request.on('error', (error) =>
        finish({ kind: 'failed', problem: 'connectFailed', detail: `${url.href} (${target}): ${errorText(error)}` }),
      );
      request.on('response', (response) => this.readResponse(response, finish));
      request.end();
    });
  }

  private readResponse(response: IncomingMessage, finish: (result: HopResult) => void): void {
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status < 200 || status > 299) {
      finish({ kind: 'response', status, ...(location === undefined ? {} : { location }) });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.maxBodyBytes()) finish({ kind: 'response', status, tooLarge: true });
      else chunks.push(chunk);
    });
    response.on('end', () => finish({ kind: 'response', status, body: Buffer.concat(chunks).toString('utf8') }));
    response.on('error', (error) => finish({ kind: 'failed', problem: 'connectFailed', detail: `reading the body: ${errorText(error)}` }));
  }

  /** Why a redirect target is not followed, or null. Refused addresses are reported by the next hop. */
  private redirectRefusal(next: URL): string | null {
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return `scheme ${next.protocol} is not http or https`;
    if (!this.portAllowed(next)) return `port ${next.port} is not one of ${this.allowedPorts().join(', ')}`;
    const host = bareHost(next);
    const allowedIp = isIpLiteral(host) && isAllowedTarget(host, { allowLoopback: this.options.allowLoopback ?? false });
    if (allowedIp) return 'CAs follow redirects to domain names only, not to IP addresses';
    return null;
  }

  private portOf(url: URL): number {
    if (url.port !== '') return Number(url.port);
    return url.protocol === 'https:' ? (this.options.httpsPort ?? 443) : (this.options.httpPort ?? 80);
  }

  private portAllowed(url: URL): boolean {
    return url.port === '' || this.allowedPorts().includes(Number(url.port));
  }

  private allowedPorts(): number[] {
    return this.options.allowedPorts ?? [80, 443];
  }

  private maxBodyBytes(): number {
    return this.options.maxBodyBytes ?? 8 * 1024;
  }
}
