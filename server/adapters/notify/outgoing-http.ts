/**
 * POSTing a JSON body to a URL a user gave (WeCom robot, webhook): the host is resolved and
 * checked here and the request goes to the checked address (`../outgoing-address.ts`); redirects
 * are not followed; certificates are verified against the URL's name. Failures become
 * `DeliveryError`s whose messages name the host only, never the path or query, which may hold
 * a key.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TargetPolicy } from '../../domain/address';
import { DeliveryError } from '../../ports/notify';
import { bareHost, checkHost, errorText, parseUrl, pinnedRequestOptions, withDeadline, type Resolve } from '../outgoing-address';

export interface PostOptions {
  policy: TargetPolicy;
  /** The whole exchange: resolving, connecting, answer. Default 10 s. */
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Default: the system resolver. */
  resolve?: Resolve;
  /** Extra trusted roots for https (tests, private deployments). */
  ca?: string;
}

export interface PostAnswer {
  status: number;
  /** At most 64 KiB of the answer. */
  body: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_ANSWER_BYTES = 64 * 1024;

/** POSTs `body` (JSON text); resolves with a 2xx answer, throws `DeliveryError` otherwise. */
export async function postJson(target: string, body: string, options: PostOptions): Promise<PostAnswer> {
  const url = parseUrl(target);
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new DeliveryError('bad_url', 'not an http(s) URL', false);
  const host = bareHost(url);
  const deadlineAt = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const checked = await withDeadline(checkHost(host, options.policy, options.resolve), deadlineAt);
  if (checked === 'deadline') throw new DeliveryError('timeout', `resolving ${host} did not finish in time`, true);
  if (checked.kind === 'unresolvable') throw new DeliveryError('unresolvable', checked.detail, true);
  if (checked.kind === 'refused') throw new DeliveryError('address_refused', `${checked.detail}; not sent`, false);
  const answer = await exchange(url, checked.address, body, options, deadlineAt);
  const { status } = answer;
  if (status >= 200 && status < 300) return answer;
  const retryable = status >= 500 || status === 408 || status === 429;
  throw new DeliveryError(`http_${status}`, `${host} answered HTTP ${status}`, retryable);
}

function exchange(url: URL, address: string, body: string, options: PostOptions, deadlineAt: number): Promise<PostAnswer> {
  const https = url.protocol === 'https:';
  const port = url.port === '' ? (https ? 443 : 80) : Number(url.port);
  const pinned = pinnedRequestOptions(url, address, port);
  const payload = Buffer.from(body, 'utf8');
  return new Promise((resolve, reject) => {
    const request = (https ? httpsRequest : httpRequest)({
      ...pinned,
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'CertKeeper/1',
        ...options.headers,
        ...pinned.headers,
        'Content-Length': String(payload.length),
        Connection: 'close',
      },
      agent: false,
      ...(https && options.ca !== undefined ? { ca: options.ca } : {}),
    });
    let settled = false;
    const finish = (outcome: PostAnswer | DeliveryError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      if (outcome instanceof DeliveryError) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(
      () => finish(new DeliveryError('timeout', `${url.host} did not answer within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`, true)),
      Math.max(0, deadlineAt - Date.now()),
    );
    request.on('error', (error) => finish(new DeliveryError('connect_failed', `${url.host} (${address}): ${errorText(error)}`, true)));
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size >= MAX_ANSWER_BYTES) return;
        size += chunk.length;
        chunks.push(chunk);
      });
      response.on('end', () => finish({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8') }));
      response.on('error', (error) => finish(new DeliveryError('connect_failed', `reading the answer of ${url.host}: ${errorText(error)}`, true)));
    });
    request.end(payload);
  });
}
