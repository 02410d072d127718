/**
 * ACME Renewal Information (ARI, RFC 9773, https://www.rfc-editor.org/rfc/rfc9773): the
 * certificate identifier a client sends, and when to renew inside the window the CA suggests.
 *
 * Pure TypeScript with no imports (no Node, no clock, no randomness): the caller passes the
 * current time and a random number.
 */

/** A CA's suggested renewal window (RFC 9773 §4.2), as read from its renewalInfo resource. */
export interface RenewalWindow {
  /** Start of the suggested window, ms since the epoch. */
  start: number;
  /** End of the suggested window, ms since the epoch; always after `start`. */
  end: number;
  /** The CA's `explanationURL`, when it gave one. */
  explanationUrl: string | null;
  /** How long the CA asked us to wait before asking again (`Retry-After`), in ms; null if absent. */
  retryAfterMs: number | null;
}

/**
 * The ARI certificate identifier (RFC 9773 §4.1):
 * `base64url(AKI keyIdentifier) "." base64url(serial number INTEGER content octets)`, unpadded.
 *
 * `authorityKeyIdHex` is the keyIdentifier of the certificate's Authority Key Identifier
 * extension; `serialHex` is the serial as Node prints `X509Certificate.serialNumber` (upper-case,
 * possibly odd length, no sign byte). Colons and whitespace are ignored in both, case too. The
 * serial is DER-encoded as a positive INTEGER: redundant leading zero bytes are dropped and one
 * 0x00 is put back when the first byte has its high bit set.
 */
export function ariCertificateId(authorityKeyIdHex: string, serialHex: string): string {
  const keyId = hexToBytes(authorityKeyIdHex, 'authority key identifier');
  if (keyId.length === 0) throw new RangeError('ARI: the authority key identifier is empty');
  return `${base64url(keyId)}.${base64url(serialContentOctets(hexToBytes(serialHex, 'serial number')))}`;
}

function serialContentOctets(bytes: number[]): number[] {
  if (bytes.length === 0) throw new RangeError('ARI: the serial number is empty');
  let first = 0;
  // A leading zero byte is redundant unless it is the last byte or the next one has its high bit set.
  while (first < bytes.length - 1 && bytes[first] === 0 && (bytes[first + 1] ?? 0) < 0x80) first += 1;
  const trimmed = bytes.slice(first);
  return (trimmed[0] ?? 0) >= 0x80 ? [0, ...trimmed] : trimmed;
}

function hexToBytes(text: string, what: string): number[] {
  let hex = text.replace(/[\s:]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError(`ARI: the ${what} is not hexadecimal`);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
  return bytes;
}

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** RFC 4648 §5 base64url without padding. */
function base64url(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    const chunk = (b0 << 16) | (b1 << 8) | b2;
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2;
    for (let c = 0; c < chars; c += 1) out += BASE64URL_ALPHABET.charAt((chunk >> (18 - 6 * c)) & 0x3f);
  }
  return out;
}

/**
 * When to renew (RFC 9773 §4.2): a uniformly random time inside the window, picked with `random`
 * (0 ≤ random < 1; values outside are clamped, NaN counts as 0). If that time has already passed
 * (including a window wholly in the past), renew now: the result is never before `now`.
 * Whole milliseconds.
 */
export function chooseRenewalTime(window: RenewalWindow, random: number, now: number): number {
  const r = Number.isNaN(random) ? 0 : Math.min(1, Math.max(0, random));
  const span = Math.max(0, window.end - window.start);
  const chosen = Math.floor(window.start + r * span);
  return Math.max(Math.min(chosen, window.end), now);
}
