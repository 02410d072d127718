/**
 * The ACME protocol (RFC 8555, https://www.rfc-editor.org/rfc/rfc8555) as the engine needs it:
 * single-shot calls that each do one bounded exchange with the CA and never sleep. Waiting is
 * the caller's business: it records when to look again and returns.
 *
 * Every method throws `AcmeError` and nothing else: CA problem documents (RFC 7807) keep their
 * type, HTTP status, `Retry-After` and subproblems; transport failures (timeout, refused, DNS,
 * TLS) get a kind of their own.
 */

import type { RenewalWindow } from '../domain/ari';

/** How to reach one CA: its directory plus per-CA network settings. */
export interface CaEndpoint {
  /** The directory URL (a configured mirror replaces the CA's own). */
  directoryUrl: string;
  /** Extra PEM roots to trust for the CA's HTTPS (the local Pebble's throwaway CA). */
  trustPem?: string;
  /** An HTTP(S) proxy to tunnel through, e.g. `http://proxy.internal:3128`. */
  proxyUrl?: string;
  /** Per-request timeout. */
  timeoutMs: number;
}

/** An endpoint plus the account that signs requests. */
export interface AcmeSession extends CaEndpoint {
  accountKeyPem: string;
  accountUrl: string;
}

/** https://www.rfc-editor.org/rfc/rfc8555#section-7.1.1 plus RFC 9773 `renewalInfo` and profiles. */
export interface AcmeDirectoryInfo {
  termsOfService: string | null;
  externalAccountRequired: boolean;
  /** ARI endpoint (RFC 9773), when the CA offers it. */
  renewalInfo: string | null;
  /** ACME profiles the CA advertises (`meta.profiles`): name → description. */
  profiles: Record<string, string>;
}

export interface ExternalAccountBinding {
  kid: string;
  /** base64url HMAC key as the CA shows it. */
  hmacKey: string;
}

/** https://www.rfc-editor.org/rfc/rfc8555#section-7.1.3 */
export type AcmeOrderStatus = 'pending' | 'ready' | 'processing' | 'valid' | 'invalid';

export interface AcmeOrderView {
  url: string;
  status: AcmeOrderStatus;
  expiresAt: number | null;
  names: string[];
  authorizationUrls: string[];
  finalizeUrl: string;
  certificateUrl: string | null;
  error: AcmeProblem | null;
}

/** https://www.rfc-editor.org/rfc/rfc8555#section-7.1.4 */
export type AcmeAuthorizationStatus = 'pending' | 'valid' | 'invalid' | 'deactivated' | 'expired' | 'revoked';

export interface AcmeChallengeView {
  type: string;
  url: string;
  status: 'pending' | 'processing' | 'valid' | 'invalid';
  token: string;
  /**
   * What must be published: for http-01 the file content (the key authorization, RFC 8555 §8.3);
   * for dns-01 the TXT value (base64url SHA-256 of it, §8.4).
   */
  proof: string;
  error: AcmeProblem | null;
}

export interface AcmeAuthorizationView {
  url: string;
  status: AcmeAuthorizationStatus;
  /** The identifier value; for a wildcard order this is the base name, with `wildcard: true`. */
  name: string;
  wildcard: boolean;
  expiresAt: number | null;
  challenges: AcmeChallengeView[];
}

/** RFC 8555 §6.7 error types, by their last URN segment, plus kinds for transport failures. */
export type AcmeErrorKind =
  | 'accountDoesNotExist'
  | 'alreadyReplaced'
  | 'alreadyRevoked'
  | 'badCSR'
  | 'badNonce'
  | 'badPublicKey'
  | 'badRevocationReason'
  | 'badSignatureAlgorithm'
  | 'caa'
  | 'compound'
  | 'connection'
  | 'dns'
  | 'externalAccountRequired'
  | 'incorrectResponse'
  | 'invalidContact'
  | 'malformed'
  | 'orderNotReady'
  | 'rateLimited'
  | 'rejectedIdentifier'
  | 'serverInternal'
  | 'tls'
  | 'unauthorized'
  | 'unsupportedContact'
  | 'unsupportedIdentifier'
  | 'userActionRequired'
  /** A problem type this list does not know. */
  | 'otherProblem'
  /** The CA did not answer in time. */
  | 'timeout'
  /** Connection refused or reset: the CA (or proxy) is down or unreachable. */
  | 'unreachable'
  /** The CA's host name does not resolve. */
  | 'caDnsFailure'
  /** The CA's HTTPS certificate is not trusted or the handshake failed. */
  | 'caTlsFailure'
  /** An HTTP error without an ACME problem document (a proxy's 502, a CDN page). */
  | 'httpError'
  /** Anything else, e.g. a response that is not ACME at all. */
  | 'unexpected';

export interface AcmeProblem {
  /** The full type URN, e.g. `urn:ietf:params:acme:error:rateLimited`. */
  type: string;
  kind: AcmeErrorKind;
  detail: string;
  status: number | null;
  /** The identifier a subproblem is about (RFC 8555 §6.7.1). */
  identifier: string | null;
  subproblems: AcmeProblem[];
}

export class AcmeError extends Error {
  constructor(
    readonly kind: AcmeErrorKind,
    message: string,
    readonly details: {
      status?: number | null;
      problem?: AcmeProblem | null;
      /** How long the CA asked us to wait (`Retry-After`), in ms. */
      retryAfterMs?: number | null;
      /** The CA operation, e.g. `newOrder`, for logs. */
      operation?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'AcmeError';
  }

  /** Worth retrying the same step later: rate limits, nonces, CA-side and network trouble. */
  get transient(): boolean {
    return TRANSIENT_KINDS.has(this.kind) || (this.kind === 'httpError' && (this.details.status ?? 0) >= 500);
  }
}

const TRANSIENT_KINDS: ReadonlySet<AcmeErrorKind> = new Set<AcmeErrorKind>([
  'rateLimited',
  'badNonce',
  'serverInternal',
  'timeout',
  'unreachable',
  'caDnsFailure',
]);

export interface AcmeGateway {
  /** Reads the directory: terms, EAB requirement, ARI, profiles. */
  directory(endpoint: CaEndpoint): Promise<AcmeDirectoryInfo>;
  /**
   * Registers (or finds, RFC 8555 §7.3.1: same key → same account) the account of `accountKeyPem`
   * and agrees to the terms of service. Idempotent for one key.
   */
  createAccount(
    endpoint: CaEndpoint,
    request: { accountKeyPem: string; externalAccountBinding?: ExternalAccountBinding; contact?: string[] },
  ): Promise<{ accountUrl: string }>;
  /** Creates an order (§7.4); `profile` and `replaces` are sent only when given. */
  createOrder(session: AcmeSession, request: { names: string[]; profile?: string; replaces?: string }): Promise<AcmeOrderView>;
  getOrder(session: AcmeSession, orderUrl: string): Promise<AcmeOrderView>;
  getAuthorization(session: AcmeSession, authorizationUrl: string): Promise<AcmeAuthorizationView>;
  /** Tells the CA the challenge is ready to be validated (§7.5.1). */
  respondToChallenge(session: AcmeSession, challengeUrl: string): Promise<void>;
  /** Gives up an authorization (§7.5.2), e.g. when an order is cancelled. */
  deactivateAuthorization(session: AcmeSession, authorizationUrl: string): Promise<void>;
  /** Submits the CSR (§7.4); usually answers `processing`. */
  finalize(session: AcmeSession, order: { url: string; finalizeUrl: string }, csrPem: string): Promise<AcmeOrderView>;
  /** Downloads the PEM chain, leaf first (§7.4.2). */
  downloadCertificate(session: AcmeSession, certificateUrl: string): Promise<string>;
  /** Revokes with an RFC 5280 reason code, signed by the account key (§7.6). */
  revoke(session: AcmeSession, certificatePem: string, reason: number): Promise<void>;
  /**
   * The CA's suggested renewal window for a certificate (RFC 9773 §4,
   * https://www.rfc-editor.org/rfc/rfc9773), from the directory's `renewalInfo` URL.
   */
  renewalInfo(endpoint: CaEndpoint, renewalInfoUrl: string, certificateId: string): Promise<RenewalWindow>;
}
