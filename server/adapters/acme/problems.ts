/**
 * Reading RFC 7807 problem documents (https://www.rfc-editor.org/rfc/rfc7807) as ACME uses them
 * (https://www.rfc-editor.org/rfc/rfc8555#section-6.7), and naming transport failures.
 */
import type { AcmeErrorKind, AcmeProblem } from '../../ports/acme';

const ACME_ERROR_PREFIX = 'urn:ietf:params:acme:error:';

const PROBLEM_KINDS: ReadonlySet<string> = new Set<AcmeErrorKind>([
  'accountDoesNotExist', 'alreadyReplaced', 'alreadyRevoked', 'badCSR', 'badNonce', 'badPublicKey',
  'badRevocationReason', 'badSignatureAlgorithm', 'caa', 'compound', 'connection', 'dns',
  'externalAccountRequired', 'incorrectResponse', 'invalidContact', 'malformed', 'orderNotReady',
  'rateLimited', 'rejectedIdentifier', 'serverInternal', 'tls', 'unauthorized', 'unsupportedContact',
  'unsupportedIdentifier', 'userActionRequired',
]);

/** The problem in a response body or an `error` field, or null when it is not one. */
export function problemFromBody(body: unknown, status: number | null): AcmeProblem | null {
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { type, detail, subproblems, identifier } = parsed as Record<string, unknown>;
  if (typeof type !== 'string') return null;
  const name = type.startsWith(ACME_ERROR_PREFIX) ? type.slice(ACME_ERROR_PREFIX.length) : '';
  return {
    type,
    kind: PROBLEM_KINDS.has(name) ? (name as AcmeErrorKind) : 'otherProblem',
    detail: typeof detail === 'string' ? detail : type,
    status: typeof (parsed as { status?: unknown }).status === 'number' ? ((parsed as { status: number }).status) : status,
    identifier: identifierValue(identifier),
    subproblems: Array.isArray(subproblems)
      ? subproblems.flatMap((sub) => {
          const problem = problemFromBody(sub, status);
          return problem ? [problem] : [];
        })
      : [],
  };
}

function identifierValue(identifier: unknown): string | null {
  if (typeof identifier !== 'object' || identifier === null) return null;
  const value = (identifier as { value?: unknown }).value;
  return typeof value === 'string' ? value : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now; null if absent. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Node/axios error codes → what went wrong reaching the CA. */
export function transportKind(code: string): AcmeErrorKind {
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return 'timeout';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'caDnsFailure';
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'unreachable';
  if (/CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_(GET|VERIFY)/i.test(code)) return 'caTlsFailure';
  return 'unexpected';
}
