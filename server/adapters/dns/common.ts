/**
 * Plain helpers the DNS adapters share: DNS names, the zone that holds a name, a record's name
 * inside its zone, TXT values, reading a vendor's JSON without trusting its shape, redacting
 * credentials, and the hashing and percent-encoding the signers build on. Nothing here talks to a
 * vendor: error messages start with the provider name they are given.
 */
import { createHash } from 'node:crypto';
import { DnsProviderError, type DnsZone } from '../../ports/dns-provider';

/** A JSON object as parsed; every field still to be checked. */
export type JsonObject = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Names and zones

/** Lower case and trimmed, without the trailing dot of a fully qualified name. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Lower case and trimmed, without any trailing dots; an empty name is `zoneNotFound` at once
 * (for adapters that send the name itself, where `normalizeName` leaves that to the zone lookup).
 */
export function normalizeNonEmptyName(provider: string, name: string): string {
  const normalized = name.trim().toLowerCase().replace(/\.+$/, '');
  if (normalized === '') throw new DnsProviderError('zoneNotFound', `${provider}: an empty name has no zone`);
  return normalized;
}

/**
 * Of `zones`, the one whose name (by `zoneName`, normalized) is the longest suffix of `name` in
 * whole labels, or null when none is; between two of the same name the first listed wins.
 */
export function longestSuffixZone<T>(name: string, zones: readonly T[], zoneName: (zone: T) => string): T | null {
  let best: T | null = null;
  let bestLength = -1;
  for (const zone of zones) {
    const candidate = zoneName(zone);
    const holds = name === candidate || name.endsWith(`.${candidate}`);
    if (holds && candidate.length > bestLength) {
      best = zone;
      bestLength = candidate.length;
    }
  }
  return best;
}

/** A zone that record calls name by itself, matched against names by its ASCII form. */
export interface AsciiZone extends DnsZone {
  /** Lower-case ASCII (the punycode form for IDN zones), for matching names. */
  ascii: string;
}

/** The zone that holds `name` (the longest suffix); `zoneNotFound` when no zone of the account does. */
export function pickZone<T extends AsciiZone>(provider: string, name: string, zones: readonly T[]): T {
  const zone = longestSuffixZone(name, zones, (candidate) => candidate.ascii);
  if (zone === null) {
    throw new DnsProviderError('zoneNotFound', `${provider}: no zone of this account holds ${name} (${zones.length} zones seen)`);
  }
  return zone;
}

/** The record's name inside its zone (DNSPod's SubDomain, Alibaba Cloud's RR); `@` for the zone's apex. */
export function relativeName(name: string, zoneAscii: string): string {
  return name === zoneAscii ? '@' : name.slice(0, -(zoneAscii.length + 1));
}

/** `"abc"` and `abc` are the same TXT value; a long value may be several quoted strings. */
export function unquoteTxt(content: string): string {
  const trimmed = content.trim();
  if (!/^"(?:[^"\\]|\\.)*"(?:\s+"(?:[^"\\]|\\.)*")*$/.test(trimmed)) return trimmed;
  const parts = trimmed.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
  return parts.map((part) => part.slice(1, -1).replace(/\\(.)/g, '$1')).join('');
}

// ---------------------------------------------------------------------------------------------
// Vendor answers

/** The parsed JSON, or null when the text is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field when it is a string, else null. */
export function stringField(record: object, key: string): string | null {
  const value = (record as JsonObject)[key];
  return typeof value === 'string' ? value : null;
}

/** The field when it is a finite number (as every number parsed from JSON is), else null. */
export function numberField(record: object, key: string): number | null {
  const value = (record as JsonObject)[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The `RecordId` a create call answered (DNSPod: a number, Alibaba Cloud: a string) as a string; none is a `vendor` error. */
export function readRecordId(provider: string, action: string, answer: JsonObject): string {
  const recordId = answer.RecordId;
  if (typeof recordId !== 'number' && typeof recordId !== 'string') {
    throw new DnsProviderError('vendor', `${provider}: ${action} answered without a RecordId`);
  }
  return String(recordId);
}

/** Whether `error` is a `DnsProviderError` carrying one of the vendor's `codes`. */
export function hasVendorCode(error: unknown, codes: ReadonlySet<string>): boolean {
  return error instanceof DnsProviderError && error.vendorCode !== null && codes.has(error.vendorCode);
}

/** Vendor messages go into logs: every non-empty secret becomes `[redacted]`, and the text stops at 300 characters. */
export function redact(message: string, secrets: readonly string[]): string {
  let text = message;
  for (const secret of secrets) {
    if (secret) text = text.split(secret).join('[redacted]');
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

// ---------------------------------------------------------------------------------------------
// For the signers

/** Lower-case hex SHA-256 of the UTF-8 text. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** RFC 3986: only `A-Z a-z 0-9 - _ . ~` stay as they are; UTF-8 bytes are `%XX` (upper case). */
export function rfc3986Encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
