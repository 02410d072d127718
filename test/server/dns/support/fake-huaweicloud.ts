/**
 * A stand-in for Huawei Cloud DNS v2 behind its API gateway, on 127.0.0.1 (a free port).
 *
 * Every request's "SDK-HMAC-SHA256" signature is checked here as the gateway would, by code
 * written separately from the adapter's signer (byte-wise percent-encoding, its own header and
 * query handling), so a bug shared by the two cannot pass unnoticed; `verifyApigAuthorization` is
 * exported so it can be held to Huawei's published example too.
 *
 * Zones and record sets live in memory; lists page with `limit` / `offset` and
 * `metadata.total_count`. Answers use the documented shapes: gateway errors
 * `{ error_code: 'APIGW.xxxx', error_msg, request_id }` (0301 bad AK/SK or signature, 0302 not
 * authorized, 0308 throttled), DNS errors `{ code: 'DNS.xxxx', message }` (0302 zone missing,
 * 0312 record set exists, 0313 record set missing, 0314 not in a steady state, 0308 bad value).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { hexId, parseObject, percentEncodeBytes, serveOnLoopback } from './common';

/** Test key pairs; none of them is real. */
export const HUAWEI_KEYS = {
  /** An IAM user with DNS FullAccess. */
  full: { accessKeyId: 'CKTESTFULLACCESS0001', secretAccessKey: 'CkTestFullSecret0123456789abcdefghijABCD' },
  /** An IAM user that may read zones and record sets but not change them. */
  readOnly: { accessKeyId: 'CKTESTREADONLY000002', secretAccessKey: 'CkTestReadOnlySecret0123456789abcdefghij' },
} as const;

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface ApigCheckInput {
  method: string;
  /** Path and query exactly as received (`request.url`). */
  target: string;
  headers: IncomingHttpHeaders | Record<string, string>;
  body: Buffer | string;
}

export type ApigCheck = { ok: true; accessKeyId: string; signedHeaders: string[] } | { ok: false; reason: string };

/** Checks an `Authorization: SDK-HMAC-SHA256 …` header the way the API gateway does. */
export function verifyApigAuthorization(input: ApigCheckInput, secretOf: (accessKeyId: string) => string | null, nowMs: number): ApigCheck {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(input.headers)) {
    if (value === undefined) continue;
    headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(',') : value);
  }
  const authorization = headers.get('authorization');
  if (authorization === undefined) return { ok: false, reason: 'authorization header not found' };
  const parsed = /^SDK-HMAC-SHA256 Access=([^,\s]+), SignedHeaders=([^,\s]+), Signature=([0-9a-f]{64})$/.exec(authorization);
  if (parsed === null) return { ok: false, reason: 'malformed authorization header' };
  const [, accessKeyId = '', signedList = '', signature = ''] = parsed;
  const secret = secretOf(accessKeyId);
  if (secret === null) return { ok: false, reason: 'ak not found' };

  const signed = signedList.split(';');
  const sortedAndLower = signed.every((name, index) => name === name.toLowerCase() && (index === 0 || (signed[index - 1] ?? '') < name));
  if (!sortedAndLower) return { ok: false, reason: 'signed headers are not sorted lower-case names' };
  if (!signed.includes('host') || !signed.includes('x-sdk-date')) return { ok: false, reason: 'host and x-sdk-date must be signed' };
  const lines: string[] = [];
  for (const name of signed) {
    const value = headers.get(name);
    if (value === undefined) return { ok: false, reason: `signed header ${name} is missing` };
    lines.push(`${name}:${value.trim()}`);
  }

  const sdkDate = headers.get('x-sdk-date') ?? '';
  const when = parseSdkDate(sdkDate);
  if (when === null) return { ok: false, reason: 'x-sdk-date is malformed' };
  if (Math.abs(nowMs - when) > MAX_CLOCK_SKEW_MS) return { ok: false, reason: 'x-sdk-date is out of the 15 minute window' };

  const question = input.target.indexOf('?');
  const rawPath = question < 0 ? input.target : input.target.slice(0, question);
  const rawQuery = question < 0 ? '' : input.target.slice(question + 1);
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;

  let uri = rawPath.split('/').map((segment) => percentEncodeBytes(percentDecode(segment))).join('/');
  if (!uri.endsWith('/')) uri += '/';
  const pairs: string[][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    const name = at === -1 ? part : part.substring(0, at);
    const value = at === -1 ? '' : part.substring(at + 1);
    pairs.push([percentEncodeBytes(percentDecode(name)), percentEncodeBytes(percentDecode(value))]);
  }
  pairs.sort((left, right) => byCodePoint(left[0] ?? '', right[0] ?? '') || byCodePoint(left[1] ?? '', right[1] ?? ''));
  const query = pairs.map((pair) => `${pair[0] ?? ''}=${pair[1] ?? ''}`).join('&');

  const canonical = `${input.method}\n${uri}\n${query}\n${lines.join('\n')}\n\n${signed.join(';')}\n${hex(createHash('sha256').update(body))}`;
  const toSign = `SDK-HMAC-SHA256\n${sdkDate}\n${hex(createHash('sha256').update(canonical, 'utf8'))}`;
  const expected = Buffer.from(hex(createHmac('sha256', Buffer.from(secret, 'utf8')).update(toSign, 'utf8')), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: `verify aksk signature fail, canonicalRequest:${canonical.replace(/\n/g, '|')}` };
  }
  return { ok: true, accessKeyId, signedHeaders: signed };
}

export interface FakeRecordSet {
  id: string;
  zoneId: string;
  name: string;
  type: string;
  ttl: number;
  records: string[];
  status: string;
}

export interface FakeHuaweiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The signed header names, when the signature was good. */
  signedHeaders: string[] | null;
  accessKeyId: string | null;
}

export interface ProgrammedHuaweiFailure {
  method?: string;
  path?: RegExp;
  status: number;
  body: Record<string, unknown>;
  /** How many matching requests get this answer; default 1. */
  times?: number;
}

export interface FakeHuaweicloud {
  /** The base URL, for `DnsProviderOptions.endpoint`. */
  readonly endpoint: string;
  readonly requests: FakeHuaweiRequest[];
  addZone(name: string): string;
  addRecordSet(zoneName: string, set: { name: string; type: string; records: string[]; ttl?: number }): string;
  recordSets(name?: string): FakeRecordSet[];
  failNext(failure: ProgrammedHuaweiFailure): void;
  /** The next `times` writes to existing record sets answer DNS.0314 (not in a steady state). */
  notSteadyFor(times: number): void;
  close(): Promise<void>;
}

interface Zone {
  id: string;
  /** With the trailing dot, as Huawei names zones. */
  name: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export async function startFakeHuaweicloud(options: { pageSize?: number; now?: () => number } = {}): Promise<FakeHuaweicloud> {
  const pageSize = options.pageSize ?? 500;
  const now = options.now ?? Date.now;
  const zones: Zone[] = [];
  const sets: FakeRecordSet[] = [];
  const requests: FakeHuaweiRequest[] = [];
  const failures: (ProgrammedHuaweiFailure & { left: number })[] = [];
  let unsteadyWrites = 0;

  const secretOf = (accessKeyId: string): string | null => {
    for (const key of Object.values(HUAWEI_KEYS)) if (key.accessKeyId === accessKeyId) return key.secretAccessKey;
    return null;
  };

  const route = (method: string, path: string, query: URLSearchParams, accessKeyId: string, body: string): Answer => {
    const failure = failures.find((item) => item.left > 0 && (item.method ?? method) === method && (item.path?.test(path) ?? true));
    if (failure !== undefined) {
      failure.left -= 1;
      return { status: failure.status, body: failure.body };
    }
    const mayWrite = accessKeyId === HUAWEI_KEYS.full.accessKeyId;

    if (path === '/v2/zones' && method === 'GET') {
      const type = query.get('type');
      const name = query.get('name');
      const matching = zones.filter((zone) => (type === null || type === 'public') && (name === null || zone.name.includes(name.toLowerCase())));
      return list(
        'zones',
        matching.map((zone) => ({ id: zone.id, name: zone.name, status: 'ACTIVE', zone_type: 'public', record_num: sets.filter((set) => set.zoneId === zone.id).length })),
        query,
        pageSize,
        path,
      );
    }

    const match = /^\/v2\/zones\/([^/]+)\/recordsets(?:\/([^/]+))?$/.exec(path);
    if (match === null) return gatewayError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment.');
    const [, zoneId, setId] = match;
    const zone = zones.find((item) => item.id === zoneId);
    if (zone === undefined) return dnsError(404, 'DNS.0302', 'This zone does not exist.');
    if (method !== 'GET' && !mayWrite) return gatewayError(403, 'APIGW.0302', 'The IAM user is not authorized to access the API.');

    if (setId === undefined && method === 'GET') {
      const type = query.get('type');
      const name = query.get('name');
      const matching = sets.filter((set) => set.zoneId === zone.id && (type === null || set.type === type) && (name === null || set.name.includes(name.toLowerCase())));
      return list('recordsets', matching.map(setView), query, pageSize, path);
    }

    if (setId === undefined && method === 'POST') {
      const input = parseObject(body);
      if (input === null) return dnsError(400, 'DNS.0002', 'Invalid request.');
      const name = typeof input.name === 'string' ? input.name.toLowerCase() : '';
      if (!name.endsWith('.') || !(name === zone.name || name.endsWith(`.${zone.name}`))) return dnsError(400, 'DNS.0304', 'Invalid record set name.');
      if (input.type !== 'TXT') return dnsError(400, 'DNS.0307', 'Invalid record set type.');
      const records = validTxtRecords(input.records);
      if (records === null) return dnsError(400, 'DNS.0308', 'Invalid record set value.');
      const ttl = input.ttl === undefined ? 300 : input.ttl;
      if (typeof ttl !== 'number' || ttl < 300 || ttl > 2_147_483_647) {
        return dnsError(400, 'DNS.0319', 'The TTL parameter has been out of range. The value ranges from 300 to 2147483647.');
      }
      if (sets.some((set) => set.zoneId === zone.id && set.name === name && set.type === 'TXT')) {
        return dnsError(400, 'DNS.0312', 'This record set already exists.');
      }
      const set: FakeRecordSet = { id: hexId(), zoneId: zone.id, name, type: 'TXT', ttl, records, status: 'PENDING_CREATE' };
      sets.push(set);
      const view = setView(set);
      set.status = 'ACTIVE';
      return { status: 202, body: view };
    }

    if (setId !== undefined) {
      const index = sets.findIndex((set) => set.zoneId === zone.id && set.id === setId);
      const set = sets[index];
      if (set === undefined) return dnsError(404, 'DNS.0313', 'This record set does not exist.');
      if (method === 'GET') return { status: 200, body: setView(set) };
      if ((method === 'PUT' || method === 'DELETE') && unsteadyWrites > 0) {
        unsteadyWrites -= 1;
        return dnsError(400, 'DNS.0314', 'The record set is not in a steady state.');
      }
      if (method === 'PUT') {
        const input = parseObject(body);
        if (input === null) return dnsError(400, 'DNS.0002', 'Invalid request.');
        if (input.records !== undefined) {
          const records = validTxtRecords(input.records);
          if (records === null) return dnsError(400, 'DNS.0308', 'Invalid record set value.');
          set.records = records;
        }
        if (typeof input.ttl === 'number') set.ttl = input.ttl;
        return { status: 202, body: { ...setView(set), status: 'PENDING_UPDATE' } };
      }
      if (method === 'DELETE') {
        sets.splice(index, 1);
        return { status: 202, body: { ...setView(set), status: 'PENDING_DELETE' } };
      }
    }
    return gatewayError(404, 'APIGW.0101', 'The API does not exist.');
  };

  const server = await serveOnLoopback('fake Huawei Cloud', (request, body, response) => {
    const method = request.method ?? 'GET';
    const target = request.url ?? '/';
    const url = new URL(target, 'http://fake.invalid');
    const check = verifyApigAuthorization({ method, target, headers: request.headers, body }, secretOf, now());
    requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      signedHeaders: check.ok ? check.signedHeaders : null,
      accessKeyId: check.ok ? check.accessKeyId : null,
    });
    const answer = check.ok
      ? route(method, url.pathname, url.searchParams, check.accessKeyId, body.toString('utf8'))
      : gatewayError(401, 'APIGW.0301', `Incorrect IAM authentication information: ${check.reason}`);
    const payload = JSON.stringify(answer.body);
    response.writeHead(answer.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
    response.end(payload);
  });

  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    requests,
    addZone: (name) => {
      const zone: Zone = { id: hexId(), name: `${name.toLowerCase().replace(/\.$/, '')}.` };
      zones.push(zone);
      return zone.id;
    },
    addRecordSet: (zoneName, set) => {
      const zone = zones.find((item) => item.name === `${zoneName.replace(/\.$/, '')}.`);
      if (zone === undefined) throw new Error(`fake Huawei Cloud: no zone ${zoneName}`);
      const stored: FakeRecordSet = {
        id: hexId(),
        zoneId: zone.id,
        name: `${set.name.toLowerCase().replace(/\.$/, '')}.`,
        type: set.type,
        ttl: set.ttl ?? 300,
        records: [...set.records],
        status: 'ACTIVE',
      };
      sets.push(stored);
      return stored.id;
    },
    recordSets: (name) =>
      sets.filter((set) => name === undefined || set.name === `${name.replace(/\.$/, '')}.`).map((set) => ({ ...set, records: [...set.records] })),
    failNext: (failure) => failures.push({ ...failure, left: failure.times ?? 1 }),
    notSteadyFor: (times) => {
      unsteadyWrites = times;
    },
    close: () => server.close(),
  };
}

function list(key: string, items: Record<string, unknown>[], query: URLSearchParams, pageSize: number, path: string): Answer {
  const limit = Math.max(0, Math.min(pageSize, Number.parseInt(query.get('limit') ?? '500', 10) || 500));
  const offset = Math.max(0, Number.parseInt(query.get('offset') ?? '0', 10) || 0);
  const slice = items.slice(offset, offset + limit);
  const links: Record<string, string> = { self: `https://dns.example.invalid${path}` };
  if (offset + slice.length < items.length) links.next = `https://dns.example.invalid${path}?offset=${offset + slice.length}&limit=${limit}`;
  return { status: 200, body: { links, [key]: slice, metadata: { total_count: items.length } } };
}

function setView(set: FakeRecordSet): Record<string, unknown> {
  return { id: set.id, name: set.name, type: set.type, ttl: set.ttl, records: [...set.records], status: set.status, zone_id: set.zoneId, default: false };
}

function validTxtRecords(value: unknown): string[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const records: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string' || !/^"(?:[^"\\]|\\.)*"$/.test(item)) return null;
    records.push(item);
  }
  return records;
}

function dnsError(status: number, code: string, message: string): Answer {
  return { status, body: { code, message } };
}

function gatewayError(status: number, code: string, message: string): Answer {
  return { status, body: { error_code: code, error_msg: message, request_id: hexId() } };
}

function parseSdkDate(text: string): number | null {
  const parts = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (parts === null) return null;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number);
  if (year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined || second === undefined) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

function percentDecode(text: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const hexDigits = text.slice(index + 1, index + 3);
    if (text[index] === '%' && /^[0-9A-Fa-f]{2}$/.test(hexDigits)) {
      bytes.push(Number.parseInt(hexDigits, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(text[index] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function byCodePoint(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

function hex(hash: { digest(encoding: 'hex'): string }): string {
  return hash.digest('hex');
}
