/**
 * Keys, CSRs and certificates: generation and inspection. Pure policy (which keys are weak, do a
 * CSR's names match an order) lives in the domain; this port only does the cryptography.
 */

export type KeyType = 'ec-p256' | 'ec-p384' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096';

export interface GeneratedKey {
  /** PKCS#8 PEM. Seal it with the Cipher before it is stored. */
  privateKeyPem: string;
  /** PKCS#10 PEM for exactly the given names (first name also as CN). */
  csrPem: string;
}

export interface PublicKeyInfo {
  algorithm: 'ec' | 'rsa' | 'ed25519' | 'ed448' | 'other';
  /** RSA modulus bits, or the curve's bits for EC (256, 384, 521). */
  bits: number;
  /** EC curve name, e.g. `P-256`. */
  curve?: string;
}

export interface CsrInfo {
  /** Every DNS name (CN and SANs), lower-cased, in order, without duplicates. */
  names: string[];
  publicKey: PublicKeyInfo;
  /** The CSR's self-signature verifies with its own public key. */
  signatureValid: boolean;
  /** e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`. */
  signatureAlgorithm: string;
}

export interface CertificateInfo {
  /** Upper-case hex, no separators, as Node prints it. */
  serialNumber: string;
  notBefore: number;
  notAfter: number;
  /** DNS names from subjectAltName (IP SANs excluded). */
  dnsNames: string[];
  subject: string;
  issuer: string;
  /** Common name of the issuer, for display ("Let's Encrypt R11"). */
  issuerCommonName: string | null;
  publicKey: PublicKeyInfo;
  signatureAlgorithm: string;
  /** SHA-256 of the DER certificate, lower-case hex. */
  sha256: string;
  /** SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex (stable across renewals with the same key). */
  spkiSha256: string;
  isCa: boolean;
  /** Authority Key Identifier keyIdentifier, lower-case hex (ARI needs it). */
  authorityKeyId: string | null;
}

export interface ChainInfo {
  certificates: CertificateInfo[];
  /** Each certificate is signed by the next one. */
  ordered: boolean;
}

export interface KeyService {
  /** A new ACME account key (ECDSA P-256, PKCS#8 PEM). */
  generateAccountKey(): Promise<string>;
  /** A new key of `keyType` and a CSR for `names`. */
  generate(keyType: KeyType, names: string[]): Promise<GeneratedKey>;
  /** Parses a PEM CSR; throws `InvalidInputError` when it is not one. */
  inspectCsr(csrPem: string): Promise<CsrInfo>;
  /** Parses a PEM chain (leaf first); throws `InvalidInputError` when it holds no certificate. */
  inspectChain(chainPem: string): ChainInfo;
  /** True when `privateKeyPem` is the key of the chain's leaf certificate. */
  keyMatchesCertificate(privateKeyPem: string, certificatePem: string): boolean;
  /**
   * A PKCS#12 (PFX) file with the key and the chain, protected by `password`, that Windows (IIS),
   * Java (Tomcat) and OpenSSL import.
   */
  createPfx(input: { privateKeyPem: string; chainPem: string; password: string; friendlyName: string }): Uint8Array;
}

/** Input that is not what it claims to be (not a CSR, not a certificate). */
export class InvalidInputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidInputError';
  }
}
