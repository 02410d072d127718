/**
 * Domain names as users type them, and the rules a name must pass before it goes to a CA.
 *
 * One module for every layer: the api validates with it and the Mini Program will validate inline
 * with it, so it is pure TypeScript with no imports beyond `./punycode` (no Node, no clock).
 * Refusals name a rule (`NameRule`) and never carry text; `names.messages.zh.ts` words them.
 *
 * Decisions on inputs people actually type:
 * - Surrounding whitespace is trimmed and one trailing dot (`example.com.`) is dropped.
 * - Text is NFKC-normalised and lower-cased, and the ideographic / full-width dots `。．｡` become
 *   `.`, so `ＥＸＡＭＰＬＥ。com` is `example.com`.
 * - A URL (`https://example.com/a`, `example.com/`, `example.com:8443`) is refused as `urlOrPath`
 *   rather than silently cut down: the user should see what we will certify. When the host part
 *   is a valid name, it comes back as `params.suggestion` for the UI to offer.
 * - IPv4 is whatever a browser's URL parser (WHATWG URL) would read as IPv4: every label a decimal
 *   or `0x` hex number, so the short and odd forms `127.1`, `0x7f.1`, `2130706433` are
 *   `ipAddress` too. A name whose last label is such a number is `numericTld`.
 * - Non-ASCII labels may hold letters, marks and digits (Unicode L, M, N) and may not start with a
 *   mark. This approximates IDNA2008's PVALID set (RFC 5892) without shipping its tables; a CA's
 *   own check remains the last word on rare code points.
 */
import { decode as punycodeDecode, encode as punycodeEncode } from './punycode';

/** Every rule: those of one name, then those of a list. */
export const NAME_RULES = [
  'empty', 'tooLong', 'ipAddress', 'urlOrPath', 'emptyLabel', 'wildcardPosition', 'invalidCharacter',
  'hyphenPosition', 'invalidPunycode', 'labelTooLong', 'localhost', 'wildcardOnPublicSuffixOnly',
  'singleLabel', 'numericTld', 'reservedName', 'duplicate', 'coveredByWildcard', 'tooManyNames', 'noNames',
] as const;
export type NameRule = (typeof NAME_RULES)[number];

export interface NamePolicy {
  /**
   * Allow the reserved and internal suffixes in `RESERVED_SUFFIXES` (test, example, invalid, local,
   * internal, lan, home.arpa, onion, …) — only the local Pebble CA sets this, for `.test` names.
   * `localhost` stays refused either way: it resolves to loopback, no CA can validate it.
   * Default false.
   */
  allowReservedNames?: boolean;
  /** Most names one certificate may hold. Default 100 (`DEFAULT_MAX_NAMES`). */
  maxNames?: number;
}

export interface DomainName {
  /** Lower-case ASCII (A-label) form, e.g. `*.xn--fiqs8s.cn`. What goes to the CA. */
  ascii: string;
  /** Unicode (U-label) form for display, e.g. `*.中国.cn`. */
  unicode: string;
  wildcard: boolean;
  /** The ASCII name without a leading `*.` (the ACME identifier value and the base of the TXT name). */
  base: string;
}

export interface NameViolation {
  /** The input as given. Empty for the list rules `noNames` and `tooManyNames`. */
  input: string;
  rule: NameRule;
  /**
   * Details for the message: `other` / `otherIndex` (duplicate, coveredByWildcard), `char` / `code`
   * (invalidCharacter), `label` (label rules), `length` / `max`, `count` / `max` (tooManyNames),
   * `tld`, `suffix`, `suggestion` (urlOrPath, when the host part is a valid name).
   */
  params?: Record<string, string | number>;
  /** Position in the list given to `parseNames`; absent from `parseName` and the list rules. */
  index?: number;
}

export type ParseNameResult = { ok: true; name: DomainName } | { ok: false; violation: NameViolation };
export type ParseNamesResult = { ok: true; names: DomainName[] } | { ok: false; violations: NameViolation[] };

/** Whole name, in A-label form including any `*.` (RFC 1035 §2.3.4, as text without the root dot). */
export const MAX_NAME_LENGTH = 253;
/** One label, in A-label form (RFC 1035 §2.3.4). */
export const MAX_LABEL_LENGTH = 63;
export const DEFAULT_MAX_NAMES = 100;
/** Longer input is refused before any work: no valid name comes close (guards against huge strings). */
const MAX_INPUT_LENGTH = 1024;

/**
 * Suffixes no public CA will certify: reserved for testing and documentation, or used only on
 * private networks. A name equal to one or ending in `.<suffix>` is `reservedName`.
 * `example.com` / `.net` / `.org` (RFC 2606 §3) are real registered names and are left to the CA.
 */
export const RESERVED_SUFFIXES: readonly { suffix: string; source: string }[] = [
  { suffix: 'test', source: 'RFC 6761 §6.2, RFC 2606 §2' },
  { suffix: 'example', source: 'RFC 6761 §6.5, RFC 2606 §2' },
  { suffix: 'invalid', source: 'RFC 6761 §6.4, RFC 2606 §2' },
  { suffix: 'local', source: 'RFC 6762 (Multicast DNS)' },
  { suffix: 'onion', source: 'RFC 7686' },
  { suffix: 'alt', source: 'RFC 9476' },
  { suffix: 'home.arpa', source: 'RFC 8375' },
  { suffix: 'arpa', source: 'RFC 3172 (infrastructure domain)' },
  { suffix: 'internal', source: 'ICANN resolution 2024.07.29.06 (private use)' },
  { suffix: 'intranet', source: 'RFC 6762 Appendix G' },
  { suffix: 'private', source: 'RFC 6762 Appendix G' },
  { suffix: 'corp', source: 'RFC 6762 Appendix G' },
  { suffix: 'home', source: 'RFC 6762 Appendix G' },
  { suffix: 'lan', source: 'RFC 6762 Appendix G' },
];

type Params = Record<string, string | number>;
type Checked<T> = { ok: true; value: T } | { ok: false; rule: NameRule; params?: Params };

function fail(rule: NameRule, params?: Params): { ok: false; rule: NameRule; params?: Params } {
  return params ? { ok: false, rule, params } : { ok: false, rule };
}

/** NFKC, lower case, the ideographic and full-width dots as `.`. */
function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFKC').replace(/[\u3002\uff0e\uff61]/g, '.');
}

/** A label a WHATWG URL parser reads as an IPv4 part: decimal (octal too) or `0x` hex. */
function isIpv4Part(label: string): boolean {
  return /^(?:\d+|0x[0-9a-f]*)$/.test(label);
}

/** `::1`, `2001:db8::1`, `fe80::1%eth0`, with or without `[ ]` (and a `:port` after them). */
function looksLikeIpv6(text: string): boolean {
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(text);
  const address = (bracketed ? (bracketed[1] ?? '') : text).split('%')[0] ?? '';
  return /^[0-9a-f:.]+$/.test(address) && address.split(':').length >= 3;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//;

function looksLikeUrl(text: string): boolean {
  return SCHEME.test(text) || /[/?#\\]/.test(text) || /:\d*$/.test(text);
}

/** The host of a URL-like input: scheme, user info, path, query and port removed. */
function hostOf(text: string): string {
  const authority = text.replace(SCHEME, '').split(/[/?#\\]/)[0] ?? '';
  return authority.slice(authority.lastIndexOf('@') + 1).replace(/:\d*$/, '');
}

function hasNonAscii(text: string): boolean {
  return /[\u0080-\uffff]/.test(text);
}

function codeOf(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** ASCII: letters, digits, hyphen. Beyond ASCII: Unicode letters, marks and digits. */
function firstBadCharacter(label: string): string | undefined {
  for (const ch of label) {
    const allowed = ch < '\u0080' ? /^[a-z0-9-]$/.test(ch) : /^[\p{L}\p{M}\p{N}]$/u.test(ch);
    if (!allowed) return ch;
  }
  return /^\p{M}/u.test(label) ? label.slice(0, 1) : undefined;
}

/** One normalised, non-wildcard label → its A-label and U-label. */
function checkLabel(label: string): Checked<{ ascii: string; unicode: string }> {
  if (label === '') return fail('emptyLabel');
  const bad = firstBadCharacter(label);
  if (bad !== undefined) return fail('invalidCharacter', { char: bad, code: codeOf(bad) });
  const aLabel = !hasNonAscii(label) && label.startsWith('xn--');
  // RFC 5891 §4.2.3.1: no hyphen first or last; `--` at positions 3–4 only in an A-label.
  if (label.startsWith('-') || label.endsWith('-') || (label.slice(2, 4) === '--' && !aLabel)) {
    return fail('hyphenPosition', { label });
  }
  let ascii = label;
  let unicode = label;
  if (hasNonAscii(label)) {
    ascii = `xn--${punycodeEncode(label)}`;
  } else if (aLabel) {
    const decoded = decodeALabel(label);
    if (decoded === null) return fail('invalidPunycode', { label });
    unicode = decoded;
  }
  if (ascii.length > MAX_LABEL_LENGTH) return fail('labelTooLong', { label: ascii, length: ascii.length, max: MAX_LABEL_LENGTH });
  return { ok: true, value: { ascii, unicode } };
}

/**
 * The U-label of an `xn--` label, or null unless it is a valid A-label: it decodes to a non-ASCII,
 * already normalised label that passes the label rules and encodes back to the same text.
 */
function decodeALabel(label: string): string | null {
  const decoded = punycodeDecode(label.slice(4));
  if (decoded === null || !hasNonAscii(decoded) || decoded !== normalize(decoded)) return null;
  const again = checkLabel(decoded);
  return again.ok && again.value.ascii === label ? decoded : null;
}

function checkName(input: string, policy: NamePolicy): Checked<DomainName> {
  const trimmed = input.trim();
  if (trimmed.length > MAX_INPUT_LENGTH) return fail('tooLong', { length: trimmed.length, max: MAX_NAME_LENGTH });
  const text = normalize(trimmed);
  if (looksLikeIpv6(text)) return fail('ipAddress');
  if (looksLikeUrl(text)) {
    const host = hostOf(text);
    const suggested = host === '' ? null : checkName(host, policy);
    if (suggested && !suggested.ok && suggested.rule === 'ipAddress') return suggested;
    return fail('urlOrPath', suggested?.ok ? { suggestion: suggested.value.unicode } : undefined);
  }
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (name === '') return fail('empty');

  const labels = name.split('.');
  const wildcard = labels[0] === '*';
  const baseLabels = wildcard ? labels.slice(1) : labels;
  if (baseLabels.every(isIpv4Part)) return fail(baseLabels.length > 0 ? 'ipAddress' : 'wildcardOnPublicSuffixOnly');
  // `*` only as the whole leftmost label, once.
  if (baseLabels.some((label) => label.includes('*'))) return fail('wildcardPosition');
  const ascii: string[] = [];
  const unicode: string[] = [];
  for (const label of baseLabels) {
    const checked = checkLabel(label);
    if (!checked.ok) return checked;
    ascii.push(checked.value.ascii);
    unicode.push(checked.value.unicode);
  }

  const base = ascii.join('.');
  const full = wildcard ? `*.${base}` : base;
  if (full.length > MAX_NAME_LENGTH) return fail('tooLong', { length: full.length, max: MAX_NAME_LENGTH });
  const tld = ascii[ascii.length - 1] ?? '';
  if (tld === 'localhost') return fail('localhost');
  // A full Public Suffix List is out of scope: a wildcard is refused only when its base is a
  // single label (`*.com`), not for multi-label public suffixes (`*.com.cn`); the CA refuses those.
  if (ascii.length === 1) return fail(wildcard ? 'wildcardOnPublicSuffixOnly' : 'singleLabel');
  if (isIpv4Part(tld)) return fail('numericTld', { tld });
  if (policy.allowReservedNames !== true) {
    const reserved = RESERVED_SUFFIXES.find(({ suffix }) => base === suffix || base.endsWith(`.${suffix}`));
    if (reserved) return fail('reservedName', { suffix: reserved.suffix });
  }
  return { ok: true, value: { ascii: full, unicode: (wildcard ? '*.' : '') + unicode.join('.'), wildcard, base } };
}

/** Checks and normalises one name; refuses it with the first rule it breaks. */
export function parseName(input: string, policy: NamePolicy = {}): ParseNameResult {
  const checked = checkName(input, policy);
  if (checked.ok) return { ok: true, name: checked.value };
  const violation: NameViolation = { input, rule: checked.rule };
  if (checked.params) violation.params = checked.params;
  return { ok: false, violation };
}

/**
 * Checks the names of one certificate. Refuses with every violation found, in input order (the
 * list rules first): each invalid name's first broken rule, then among the valid ones each later
 * copy of a name (`duplicate`) and each name a wildcard in the list already covers
 * (`coveredByWildcard`: `www.example.com` under `*.example.com`, but not `example.com` itself
 * nor `a.b.example.com`, which a wildcard does not match).
 */
export function parseNames(inputs: readonly string[], policy: NamePolicy = {}): ParseNamesResult {
  const maxNames = policy.maxNames ?? DEFAULT_MAX_NAMES;
  const violations: NameViolation[] = [];
  if (inputs.length === 0) violations.push({ input: '', rule: 'noNames' });
  if (inputs.length > maxNames) {
    violations.push({ input: '', rule: 'tooManyNames', params: { count: inputs.length, max: maxNames } });
  }

  const parsed = inputs.map((input, index) => {
    const result = parseName(input, policy);
    if (!result.ok) violations.push({ ...result.violation, index });
    return result.ok ? result.name : null;
  });
  const wildcardIndexByBase = new Map<string, number>();
  parsed.forEach((name, index) => {
    if (name?.wildcard && !wildcardIndexByBase.has(name.base)) wildcardIndexByBase.set(name.base, index);
  });

  const names: DomainName[] = [];
  const firstIndexByAscii = new Map<string, number>();
  parsed.forEach((name, index) => {
    if (!name) return;
    const refuse = (rule: NameRule, otherIndex: number): void => {
      const other = (inputs[otherIndex] ?? '').trim();
      violations.push({ input: inputs[index] ?? '', rule, params: { other, otherIndex }, index });
    };
    const first = firstIndexByAscii.get(name.ascii);
    if (first !== undefined) return refuse('duplicate', first);
    firstIndexByAscii.set(name.ascii, index);
    // A wildcard matches exactly one label: `www.example.com` under `*.example.com`.
    const parent = name.ascii.slice(name.ascii.indexOf('.') + 1);
    const wildcardIndex = name.wildcard ? undefined : wildcardIndexByBase.get(parent);
    if (wildcardIndex !== undefined) return refuse('coveredByWildcard', wildcardIndex);
    names.push(name);
  });

  if (violations.length > 0) return { ok: false, violations: violations.sort((a, b) => (a.index ?? -1) - (b.index ?? -1)) };
  return { ok: true, names };
}

/** `_acme-challenge.<base>` — apex and wildcard share it (RFC 8555 §8.4). */
export function challengeRecordName(name: DomainName): string {
  return `_acme-challenge.${name.base}`;
}
