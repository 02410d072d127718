/**
 * The `acmehttp` function: answers CAs fetching delegated http-01 challenges
 * (`domain/http-delegation.ts`) through CloudBase's HTTP access service.
 *
 * The event is CloudBase's "integrated request" (`{ path, httpMethod, headers,
 * queryStringParameters, requestContext, body, isBase64Encoded }`) and the result its "integrated
 * response" (`{ statusCode, headers, body, isBase64Encoded }`). Only
 * `GET|HEAD …/<delegation key>/.well-known/acme-challenge/<token>` is ever answered with content:
 * 200 and the key authorization as text/plain. Everything else gets a fixed status and a fixed
 * body: 404 (unknown, expired, another owner's, malformed), 405 (other methods), 503 (the store
 * failed; logged). Nothing from the request is echoed back.
 */
import { parseDelegatedChallengePath } from '../domain/http-delegation';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { Store } from '../ports/store';
import { answerFor } from '../usecases/http-tokens';

export interface HttpAccessResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

export interface AcmeHttpDependencies {
  /** Built on first use, so a request that is refused before any lookup touches no database. */
  store: () => Store;
  clock: Clock;
  logger: Logger;
}

const BASE_HEADERS = {
  'content-type': 'text/plain; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function respond(statusCode: number, body: string, head: boolean, extra: Record<string, string> = {}): HttpAccessResponse {
  return { statusCode, headers: { ...BASE_HEADERS, ...extra }, body: head ? '' : body, isBase64Encoded: false };
}

/** The fields of an integrated request this function reads, or null when the event is not one. */
function requestLine(event: unknown): { method: string; path: string } | null {
  if (typeof event !== 'object' || event === null) return null;
  const { httpMethod, path } = event as { httpMethod?: unknown; path?: unknown };
  if (typeof httpMethod !== 'string' || typeof path !== 'string') return null;
  return { method: httpMethod.toUpperCase(), path: path.split('?')[0] ?? '' };
}

export async function handleAcmeHttp(event: unknown, deps: AcmeHttpDependencies): Promise<HttpAccessResponse> {
  const request = requestLine(event);
  const head = request?.method === 'HEAD';
  if (request === null) return respond(404, 'Not Found\n', false);
  if (request.method !== 'GET' && !head) return respond(405, 'Method Not Allowed\n', false, { allow: 'GET, HEAD' });
  const target = parseDelegatedChallengePath(request.path);
  if (target === null) return respond(404, 'Not Found\n', head);
  let answer: string | null;
  try {
    answer = await answerFor({ store: deps.store() }, target.token, deps.clock.now(), target.delegationKey);
  } catch (error) {
    deps.logger.error('acmehttp.store.failed', { token: target.token, error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown' });
    return respond(503, 'Service Unavailable\n', head, { 'retry-after': '5' });
  }
  deps.logger.info('acmehttp.request', { token: target.token, found: answer !== null, method: request.method });
  if (answer === null) return respond(404, 'Not Found\n', head);
  return respond(200, answer, head);
}
