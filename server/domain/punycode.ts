/**
 * Punycode (RFC 3492): the Bootstring parameters IDNA uses to spell a Unicode label in ASCII.
 *
 * This is the bare codec, without the `xn--` prefix and without any IDNA rules (those live in
 * `names.ts`). It works on Unicode code points, not UTF-16 units, so characters outside the BMP
 * count once. Pure TypeScript with no imports, so the Mini Program can ship it too.
 */

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 0x80;
const DELIMITER = '-';
/** Largest value any intermediate may reach (2^31 - 1, as in the RFC's sample code). */
const MAX_INT = 0x7fffffff;
const MAX_CODE_POINT = 0x10ffff;

/** RFC 3492 §6.1: the bias for the next delta. */
function adapt(delta: number, numPoints: number, firstTime: boolean): number {
  let d = firstTime ? Math.floor(delta / DAMP) : Math.floor(delta / 2);
  d += Math.floor(d / numPoints);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

/** The threshold t for digit position k (RFC 3492 §6.2 / §6.3). */
function threshold(k: number, bias: number): number {
  if (k <= bias) return T_MIN;
  if (k >= bias + T_MAX) return T_MAX;
  return k - bias;
}

/** Digit value 0..35 → `a`..`z`, `0`..`9` (lower case). */
function digitChar(d: number): string {
  return String.fromCharCode(d < 26 ? 0x61 + d : 0x30 + d - 26);
}

/** `a`..`z` or `A`..`Z` → 0..25, `0`..`9` → 26..35; anything else → -1. */
function digitValue(code: number): number {
  if (code >= 0x61 && code <= 0x7a) return code - 0x61;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41;
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 26;
  return -1;
}

function codePoints(text: string): number[] {
  const points: number[] = [];
  for (const ch of text) points.push(ch.codePointAt(0) ?? 0);
  return points;
}

/**
 * Encodes a string (any code points) to Punycode, e.g. `bücher` → `bcher-kva`. Basic (ASCII) code
 * points are copied as they are, case included; digits are written in lower case.
 *
 * Throws RangeError on arithmetic overflow, which needs thousands of code points — far beyond any
 * DNS label — so callers that bound their input first never see it.
 */
export function encode(input: string): string {
  const points = codePoints(input);
  let output = '';
  for (const p of points) if (p < INITIAL_N) output += String.fromCharCode(p);
  const basicCount = output.length;
  let handled = basicCount;
  if (basicCount > 0) output += DELIMITER;

  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  while (handled < points.length) {
    // The smallest code point not yet handled.
    let m = MAX_INT;
    for (const p of points) if (p >= n && p < m) m = p;
    if (m - n > Math.floor((MAX_INT - delta) / (handled + 1))) throw new RangeError('punycode: overflow');
    delta += (m - n) * (handled + 1);
    n = m;
    for (const p of points) {
      if (p < n) {
        delta++;
        if (delta > MAX_INT) throw new RangeError('punycode: overflow');
      }
      if (p !== n) continue;
      let q = delta;
      for (let k = BASE; ; k += BASE) {
        const t = threshold(k, bias);
        if (q < t) break;
        output += digitChar(t + ((q - t) % (BASE - t)));
        q = Math.floor((q - t) / (BASE - t));
      }
      output += digitChar(q);
      bias = adapt(delta, handled + 1, handled === basicCount);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return output;
}

/**
 * Decodes Punycode to a string, e.g. `bcher-kva` → `bücher`. Digits are read in either case;
 * basic code points keep their case.
 *
 * Returns null when the input is not valid Punycode: a non-ASCII character, a character that is
 * not a digit after the last delimiter, a truncated number, overflow, or a decoded value that is a
 * basic code point, a surrogate or beyond U+10FFFF. It does not check that re-encoding gives the
 * same text back; IDNA callers must (`names.ts` does).
 */
export function decode(input: string): string | null {
  for (let i = 0; i < input.length; i++) if (input.charCodeAt(i) >= INITIAL_N) return null;

  const lastDelimiter = input.lastIndexOf(DELIMITER);
  const basicEnd = lastDelimiter < 0 ? 0 : lastDelimiter;
  const output = codePoints(input.slice(0, basicEnd));

  let n = INITIAL_N;
  let i = 0;
  let bias = INITIAL_BIAS;
  for (let pos = basicEnd > 0 ? basicEnd + 1 : 0; pos < input.length; ) {
    const oldI = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (pos >= input.length) return null;
      const digit = digitValue(input.charCodeAt(pos++));
      if (digit < 0 || digit > Math.floor((MAX_INT - i) / w)) return null;
      i += digit * w;
      const t = threshold(k, bias);
      if (digit < t) break;
      if (w > Math.floor(MAX_INT / (BASE - t))) return null;
      w *= BASE - t;
    }
    const length = output.length + 1;
    bias = adapt(i - oldI, length, oldI === 0);
    if (Math.floor(i / length) > MAX_INT - n) return null;
    n += Math.floor(i / length);
    i %= length;
    if (n < INITIAL_N || n > MAX_CODE_POINT || (n >= 0xd800 && n <= 0xdfff)) return null;
    output.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...output);
}
