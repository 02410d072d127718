/**
 * What a server really serves: the TLS facts a probe collects per address, for the domain's
 * evaluation (`domain/tls-evaluation.ts`) to judge. The adapter (`adapters/probe/`) resolves the
 * host itself, refuses addresses the product may not connect to, connects to each checked address
 * (no second resolution) with SNI, and never fetches anything (no AIA, no OCSP), so the chain is
 * judged exactly as an Android phone would see it.
 */

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** One certificate as served, parsed. */
export interface ServedCertificate {
  /** RFC 4514-ish one-line subject, e.g. `CN=example.com`. */
  subject: string;
  issuer: string;
  /** DNS names of the subjectAltName extension (lower-case A-labels), then IP addresses. */
  dnsNames: string[];
  ipAddresses: string[];
  serialNumber: string;
  notBefore: number;
  notAfter: number;
  /** SHA-256 of the DER, upper-case hex without separators. */
  fingerprintSha256: string;
  keyType: 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'other';
  /** RSA/DSA modulus bits, EC curve bits; null when unknown. */
  keyBits: number | null;
  /** e.g. `prime256v1`; null for non-EC keys. */
  curve: string | null;
  /** e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`. */
  signatureAlgorithm: string;
  isCa: boolean;
  /** Subject equals issuer and the certificate verifies with its own key. */
  selfSigned: boolean;
  /** Hex, upper-case; null when the extension is absent. */
  authorityKeyId: string | null;
  subjectKeyId: string | null;
}

/** Why a TLS client would not trust the served chain, as OpenSSL names it (Node's `authorizationError`). */
export type TrustError =
  | 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
  | 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
  | 'SELF_SIGNED_CERT_IN_CHAIN'
  | 'DEPTH_ZERO_SELF_SIGNED_CERT'
  | 'CERT_HAS_EXPIRED'
  | 'CERT_NOT_YET_VALID'
  | 'CERT_SIGNATURE_FAILURE'
  | 'OTHER';

export interface AddressProbe {
  address: string;
  family: 4 | 6;
  /**
   * Set when no handshake completed at all; the fields below are then empty, except `versions`.
   * `connect`: TCP refused or unreachable; `timeout`: no TCP connection or no handshake within the
   * limits; `handshake`: the server answered but no TLS session came of it (alert, reset, not TLS).
   * Refused addresses are never probed: they are listed in `ProbeResult.refused` instead.
   */
  failure: { kind: 'connect' | 'timeout' | 'handshake' | 'refusedAddress'; detail: string } | null;
  /**
   * What the default handshake (the client's best offer, TLS 1.2–1.3) negotiated; when that failed
   * but a pinned legacy version worked, the newest such version (and the facts below come from it).
   */
  protocol: TlsVersion | null;
  /** IANA name of the negotiated suite, e.g. `TLS_AES_128_GCM_SHA256`. */
  cipher: string | null;
  /** The chain exactly as served (read from the handshake itself, not rebuilt), leaf first. */
  chain: ServedCertificate[];
  /**
   * Whether a handshake pinned to each version succeeded (the default handshake stands for the
   * version it negotiated). false: the server was reached and no session came of it; null: not
   * known (not tried because the address failed to connect or timed out, or that attempt could not
   * connect). Legacy versions are tried with the client's security level lowered, so that a server
   * that still accepts TLS 1.0 is found out.
   */
  versions: Record<TlsVersion, boolean | null>;
  /**
   * OpenSSL's verdict on the served certificates against the trust store only (nothing fetched), at
   * the real time of the probe. Not included: the host name (check `dnsNames`) and key sizes or
   * digests (facts per certificate).
   */
  trusted: boolean;
  trustError: TrustError | null;
  /** The served chain is in order: each certificate is issued by the next one. */
  ordered: boolean;
}

export interface ProbeTarget {
  host: string;
  port: number;
}

export interface ProbeResult {
  /**
   * The host as probed: the target's host read as a URL parser reads it (lower-case A-labels;
   * IPv4 shorthands such as `2130706433` canonicalised; IPv6 without brackets).
   */
  host: string;
  port: number;
  /** When the probe started, epoch ms. */
  at: number;
  /**
   * Set when the name did not resolve (`notFound`, or `failed` for resolver errors and targets that
   * are no host name and port), or resolved only to refused addresses (`refusedOnly`).
   */
  resolveError: { kind: 'notFound' | 'refusedOnly' | 'failed'; detail: string } | null;
  /** The addresses that were refused (private, metadata, …) with their class, never connected to. */
  refused: { address: string; addressClass: string }[];
  addresses: AddressProbe[];
  /** How long the whole probe took. */
  elapsedMs: number;
}

export interface TlsProbe {
  probe(target: ProbeTarget): Promise<ProbeResult>;
}
