/**
 * Which keys CertKeeper generates, and which CSRs it passes to a CA. Pure: no Node, no clock.
 * Refusals name a rule (`CsrRule`) and carry no text; `keys.messages.zh.ts` words them.
 *
 * The CSR policy is the strictest public CA's, so a CSR that passes here is not refused later:
 * Let's Encrypt's CP/CPS (Boulder `goodkey`) accepts RSA 2048, 3072 and 4096 bits exactly and
 * ECDSA P-256 and P-384; not P-521, not Ed25519 (no public CA issues for Ed25519 keys yet).
 * Boulder's `csr` package accepts CSR signatures with SHA-256/384/512 over RSA (PKCS #1 v1.5) or
 * ECDSA only: no SHA-1, no RSA-PSS.
 */
import type { CsrInfo, KeyType, PublicKeyInfo } from '../ports/keys';

export interface KeyTypeDescriptor {
  id: KeyType;
  /** Shown as is in every language, e.g. `ECDSA P-256`. */
  label: string;
  algorithm: 'ec' | 'rsa';
  /** RSA modulus bits or EC curve bits. */
  bits: number;
  /** Chinese, one line for the key picker. */
  description: string;
  recommended: boolean;
}

export const DEFAULT_KEY_TYPE: KeyType = 'ec-p256';

/** In display order, the recommended one first. */
export const KEY_TYPES: readonly KeyTypeDescriptor[] = [
  { id: 'ec-p256', label: 'ECDSA P-256', algorithm: 'ec', bits: 256, recommended: true, description: '推荐：签发和握手最快，证书小，兼容所有现代浏览器和系统' },
  { id: 'ec-p384', label: 'ECDSA P-384', algorithm: 'ec', bits: 384, recommended: false, description: '更高强度的 ECDSA，速度略慢于 P-256' },
  { id: 'rsa-2048', label: 'RSA 2048', algorithm: 'rsa', bits: 2048, recommended: false, description: '兼容性最好：适合很旧的客户端或只支持 RSA 的设备' },
  { id: 'rsa-3072', label: 'RSA 3072', algorithm: 'rsa', bits: 3072, recommended: false, description: '比 RSA 2048 更强，握手更慢' },
  { id: 'rsa-4096', label: 'RSA 4096', algorithm: 'rsa', bits: 4096, recommended: false, description: '最高强度的 RSA，握手明显更慢，生成密钥需要数秒' },
];

export function isKeyType(value: string): value is KeyType {
  return KEY_TYPES.some((type) => type.id === value);
}

/** RSA sizes public CAs accept (Let's Encrypt CP/CPS; Baseline Requirements §6.1.5 allow ≥ 2048). */
export const ACCEPTED_RSA_BITS: readonly number[] = [2048, 3072, 4096];
export const MIN_RSA_BITS = 2048;
/** EC curves public CAs accept for certificate keys. */
export const ACCEPTED_EC_CURVES: readonly string[] = ['P-256', 'P-384'];
/** CSR signature algorithms Let's Encrypt accepts, in OpenSSL's names. */
export const ACCEPTED_CSR_SIGNATURE_ALGORITHMS: readonly string[] = [
  'sha256WithRSAEncryption', 'sha384WithRSAEncryption', 'sha512WithRSAEncryption',
  'ecdsa-with-SHA256', 'ecdsa-with-SHA384', 'ecdsa-with-SHA512',
];

export type CsrViolation =
  /** The CSR was not signed by its own key (damaged or edited). */
  | { rule: 'signatureInvalid' }
  /** Signed with SHA-1, RSA-PSS, DSA, …. */
  | { rule: 'signatureAlgorithmNotAccepted'; algorithm: string }
  | { rule: 'rsaKeyTooSmall'; bits: number; min: number }
  /** At least 2048 bits, but not one of 2048 / 3072 / 4096 (e.g. 8192). */
  | { rule: 'rsaKeySizeNotAccepted'; bits: number; accepted: readonly number[] }
  /** P-521, secp256k1, brainpool, …. */
  | { rule: 'ecCurveNotAccepted'; curve: string; accepted: readonly string[] }
  /** Ed25519, Ed448, DSA, RSA-PSS-only keys, …. */
  | { rule: 'keyAlgorithmNotAccepted'; algorithm: PublicKeyInfo['algorithm'] }
  /** An order name the CSR does not hold. */
  | { rule: 'nameMissing'; name: string }
  /** A CSR name (CN or SAN) that is not in the order. */
  | { rule: 'nameExtra'; name: string };

export type CsrRule = CsrViolation['rule'];

/**
 * Everything that would make a CA refuse this CSR for an order of `orderNames` (lower-case
 * A-labels, as `parseNames` returns them). Empty when it may be sent. Names compare as sets,
 * case-insensitively; missing and extra names are reported one by one, in their lists' order.
 * `signatureInvalid` is reported only for accepted signature algorithms: for the others the
 * algorithm is the problem, and the adapter may not be able to check them at all. A refused
 * signature algorithm is reported only for RSA and EC keys; for other keys the key rule says it.
 */
export function checkCsr(info: CsrInfo, orderNames: string[]): CsrViolation[] {
  const violations: CsrViolation[] = [];
  const signatureAccepted = ACCEPTED_CSR_SIGNATURE_ALGORITHMS.includes(info.signatureAlgorithm);
  // An Ed25519 (or DSA, …) key implies its signature algorithm: the key rule alone says what to fix.
  const keyFamilyAccepted = info.publicKey.algorithm === 'rsa' || info.publicKey.algorithm === 'ec';
  if (!signatureAccepted && keyFamilyAccepted) violations.push({ rule: 'signatureAlgorithmNotAccepted', algorithm: info.signatureAlgorithm });
  if (signatureAccepted && !info.signatureValid) violations.push({ rule: 'signatureInvalid' });

  const key = keyViolation(info.publicKey);
  if (key) violations.push(key);

  const csrNames = new Set(info.names.map((name) => name.toLowerCase()));
  const wanted = [...new Set(orderNames.map((name) => name.toLowerCase()))];
  const wantedSet = new Set(wanted);
  for (const name of wanted) if (!csrNames.has(name)) violations.push({ rule: 'nameMissing', name });
  for (const name of csrNames) if (!wantedSet.has(name)) violations.push({ rule: 'nameExtra', name });
  return violations;
}

function keyViolation(key: PublicKeyInfo): CsrViolation | null {
  switch (key.algorithm) {
    case 'rsa':
      if (key.bits < MIN_RSA_BITS) return { rule: 'rsaKeyTooSmall', bits: key.bits, min: MIN_RSA_BITS };
      return ACCEPTED_RSA_BITS.includes(key.bits) ? null : { rule: 'rsaKeySizeNotAccepted', bits: key.bits, accepted: ACCEPTED_RSA_BITS };
    case 'ec': {
      const curve = key.curve ?? 'unknown';
      return ACCEPTED_EC_CURVES.includes(curve) ? null : { rule: 'ecCurveNotAccepted', curve, accepted: ACCEPTED_EC_CURVES };
    }
    default:
      return { rule: 'keyAlgorithmNotAccepted', algorithm: key.algorithm };
  }
}

// The use cases import the wording from here next to the rule; the text itself lives in one place.
export { describeCsrViolation } from './keys.messages.zh';
