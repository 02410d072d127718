/**
 * Self-checks of a challenge before the CA is asked to validate it: is the TXT record visible at
 * the domain's authoritative name servers, is the http-01 file served. A check never throws for
 * an answer it did not like; it returns a result naming precisely what is wrong. It throws only
 * for programming errors (malformed input).
 */
import type { AddressClass } from '../domain/address';

export interface TxtCheckRequest {
  /** Fully qualified record name without trailing dot, e.g. `_acme-challenge.example.com`. */
  recordName: string;
  /** Every value that must be present (apex and wildcard share one name and need both). */
  expectedValues: string[];
}

/** Where a TXT answer came from: an authoritative server, by name and address. */
export interface TxtServerAnswer {
  server: string;
  address: string;
  /** The values it returned (after following CNAMEs), or null when it could not be asked. */
  values: string[] | null;
  /** The name that was finally queried when CNAMEs were followed, else the record name. */
  queriedName: string;
  error?: string;
}

export type TxtCheckProblem =
  /** No authoritative server returned any TXT value at the name. */
  | 'absent'
  /** Values are there, but none of the expected ones. */
  | 'wrongValue'
  /** Some expected values are there, others missing (typical for apex + wildcard). */
  | 'missingSome'
  /** Some authoritative servers have every value, others not yet. */
  | 'propagating'
  /** The zone's name servers could not be found or asked. */
  | 'lookupFailed';

export type TxtCheckResult =
  | { ok: true; answers: TxtServerAnswer[] }
  | { ok: false; problem: TxtCheckProblem; missingValues: string[]; unexpectedValues: string[]; answers: TxtServerAnswer[]; detail: string };

export interface HttpCheckRequest {
  /** `http://<name>/.well-known/acme-challenge/<token>`. */
  url: string;
  /** The key authorization the file must contain (surrounding whitespace is ignored). */
  expectedBody: string;
}

/** One request in the chain of redirects. */
export interface HttpHop {
  url: string;
  address?: string;
  status?: number;
  /** Set when the hop was refused before connecting: why its address may not be used. */
  refusedAs?: AddressClass;
}

export type HttpCheckProblem =
  | 'notFound'
  | 'wrongContent'
  | 'httpStatus'
  | 'refusedAddress'
  | 'unresolvable'
  | 'connectFailed'
  | 'timeout'
  | 'tooManyRedirects'
  | 'badRedirect';

export type HttpCheckResult =
  | { ok: true; hops: HttpHop[] }
  | { ok: false; problem: HttpCheckProblem; hops: HttpHop[]; detail: string };

export interface ChallengeSelfCheck {
  checkTxt(request: TxtCheckRequest): Promise<TxtCheckResult>;
  checkHttp(request: HttpCheckRequest): Promise<HttpCheckResult>;
}
