/**
 * Reading a certificate's renewal information (ARI, RFC 9773 §4.2,
 * https://www.rfc-editor.org/rfc/rfc9773#section-4.2): an unauthenticated GET of
 * `<renewalInfo URL>/<certID>` answered with `{ suggestedWindow: { start, end }, explanationURL? }`
 * and a `Retry-After` header.
 *
 * One bounded exchange, never a sleep: `Retry-After` is handed back for the caller to schedule the
 * next poll. Plain node:https rather than acme-client's axios, with the endpoint's extra trusted
 * roots and its timeout as a deadline for the whole exchange. `proxyUrl` is not supported: the
request goes direct, and a CA reachable only through a proxy fails as `timeout` or `unreachable`.
 *
 * Errors are `AcmeError`s, like the gateway's:
 * - HTTP 404 means the CA does not know the certificate (or not by this identifier): kind
 *   `otherProblem` with status 404, so callers can tell it apart by the status and fall back to
 *   their own renewal schedule;
 * - other HTTP errors carry the problem document's kind when there is one, else `httpError`, with
 *   the status and `Retry-After`;
 * - transport failures are `timeout`, `unreachable`, `caDnsFailure` or `caTlsFailure`;
 * - anything that is not a valid window (bad JSON, missing or invalid dates, start ≥ end,
 *   a redirect or another non-200 success) is `unexpected`.
 */
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import type { RenewalWindow } from '../../domain/ari';
import { AcmeError, type CaEndpoint } from '../../ports/acme';
import { problemFromBody, retryAfterMs, transportKind } from './problems';

const OPERATION = 'renewalInfo';
/** A renewalInfo answer is a few hundred bytes; anything much larger is not one. */
const MAX_BODY_BYTES = 64 * 1024;

/** Built once per set of extra roots: passing `ca` per request would re-parse all of Node's roots. */
const secureContexts = new Map<string, SecureContext>();

function secureContextFor(trustPem: string): SecureContext {
  let secureContext = secureContexts.get(trustPem);
  if (!secureContext) {
    secureContext = createSecureContext({ ca: [...rootCertificates, trustPem] });
    secureContexts.set(trustPem, secureContext);
  }
  return secureContext;
}

/** The URL to GET: the renewalInfo URL, a slash (not doubled) and the certificate identifier. */
export function renewalInfoRequestUrl(renewalInfoUrl: string, certId: string): string {
  return `${renewalInfoUrl.endsWith('/') ? renewalInfoUrl : `${renewalInfoUrl}/`}${certId}`;
}

export async function fetchRenewalInfo(
  endpoint: CaEndpoint,
  renewalInfoUrl: string,
  certId: string,
): Promise<RenewalWindow> {
  let url: URL;
  try {
    url = new URL(renewalInfoRequestUrl(renewalInfoUrl, certId));
  } catch (error) {
    throw new AcmeError('unexpected', `${OPERATION}: invalid URL ${renewalInfoUrl}`, { operation: OPERATION, cause: error });
  }
  if (url.protocol !== 'https:') {
    throw new AcmeError('unexpected', `${OPERATION}: ${renewalInfoUrl} is not an https URL`, { operation: OPERATION });
  }
  const response = await get(url, endpoint);
  const retryAfter = retryAfterMs(response.retryAfter);
  if (response.status === 404) {
    throw new AcmeError('otherProblem', `${OPERATION}: the CA does not know certificate ${certId} (HTTP 404)`, {
      status: 404,
      problem: problemFromBody(response.body, 404),
      retryAfterMs: retryAfter,
      operation: OPERATION,
    });
  }
  if (response.status >= 400) {
    const problem = problemFromBody(response.body, response.status);
    const message = problem ? `${OPERATION}: ${problem.detail}` : `${OPERATION}: HTTP ${response.status}`;
    throw new AcmeError(problem ? problem.kind : 'httpError', message, { status: response.status, problem, retryAfterMs: retryAfter, operation: OPERATION });
  }
  if (response.status !== 200) {
    throw new AcmeError('unexpected', `${OPERATION}: HTTP ${response.status} instead of a renewal window`, { status: response.status, operation: OPERATION });
  }
  return { ...parseWindow(response.body), retryAfterMs: retryAfter };
}

function parseWindow(body: string): Omit<RenewalWindow, 'retryAfterMs'> {
  const invalid = (why: string) => new AcmeError('unexpected', `${OPERATION}: ${why}`, { status: 200, operation: OPERATION });
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    throw new AcmeError('unexpected', `${OPERATION}: the answer is not JSON`, { status: 200, operation: OPERATION, cause: error });
  }
  if (typeof data !== 'object' || data === null) throw invalid('the answer is not a JSON object');
  const { suggestedWindow, explanationURL } = data as { suggestedWindow?: unknown; explanationURL?: unknown };
  if (typeof suggestedWindow !== 'object' || suggestedWindow === null) throw invalid('no suggestedWindow');
  const { start, end } = suggestedWindow as { start?: unknown; end?: unknown };
  const startMs = rfc3339(start);
  const endMs = rfc3339(end);
  if (startMs === null || endMs === null) throw invalid('suggestedWindow.start and .end must be RFC 3339 dates');
  if (!(startMs < endMs)) throw invalid('suggestedWindow.end is not after .start');
  return { start: startMs, end: endMs, explanationUrl: webUrl(explanationURL) };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function rfc3339(value: unknown): number | null {
  if (typeof value !== 'string' || !RFC3339.test(value)) return null;
  const ms = Date.parse(value.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : ms;
}

/** An optional link shown to users: kept only when it is an http(s) URL, otherwise dropped. */
function webUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : null;
  } catch {
    return null;
  }
}

interface RawResponse {
  status: number;
  body: string;
  retryAfter: string | null;
}

/** One GET with a deadline for the whole exchange (connect, TLS, headers and body). */
function get(url: URL, endpoint: CaEndpoint): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: AcmeError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    const req = request(url, {
      method: 'GET',
      headers: { accept: 'application/json' },
      // A fresh connection: ARI is polled hours apart, and it keeps per-CA trust out of a shared pool.
      agent: false,
      ...(endpoint.trustPem ? { secureContext: secureContextFor(endpoint.trustPem) } : {}),
    });
    const timer = setTimeout(() => {
      fail(new AcmeError('timeout', `${OPERATION}: no answer within ${endpoint.timeoutMs} ms`, { operation: OPERATION }));
    }, endpoint.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = typeof error.code === 'string' ? error.code : null;
      fail(new AcmeError(code ? transportKind(code) : 'unexpected', `${OPERATION}: ${code ?? error.message}`, { operation: OPERATION, cause: error }));
    });
    req.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          fail(new AcmeError('unexpected', `${OPERATION}: the answer is larger than ${MAX_BODY_BYTES} bytes`, { status: response.statusCode ?? null, operation: OPERATION }));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', (error: NodeJS.ErrnoException) => {
        const code = typeof error.code === 'string' ? error.code : null;
        fail(new AcmeError(code ? transportKind(code) : 'unreachable', `${OPERATION}: ${code ?? error.message}`, { operation: OPERATION, cause: error }));
      });
      response.on('close', () => {
        fail(new AcmeError('unreachable', `${OPERATION}: the connection closed before the answer was complete`, { operation: OPERATION }));
      });
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const retryAfter = response.headers['retry-after'];
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), retryAfter: typeof retryAfter === 'string' ? retryAfter : null });
      });
    });
    req.end();
  });
}
