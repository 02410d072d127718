/**
 * A stand-in for Cloudflare API v4 on 127.0.0.1 (a free port), answering as Cloudflare documents:
 * the `{ success, errors, messages, result, result_info }` envelope, bearer tokens checked, zones
 * and DNS records in memory, paged zone and record lists, and Cloudflare's error shapes for a
 * malformed Authorization header (6003 with 6111 in its error chain), an unknown token (10000),
 * a token without DNS edit permission (10000 on writes), an unknown zone (7003), an identical
 * record (81058), a missing record (81044) and the rate limit (HTTP 429, 971). Any answer can be
 * replaced for the next requests with `failNext`.
 */
import { hexId, parseObject, serveOnLoopback } from './common';

/** Test tokens; none of them is real. */
export const CLOUDFLARE_TOKENS = {
  /** Zone → Zone → Read and Zone → DNS → Edit. */
  dnsEdit: 'ckTestToken_dnsEdit_0123456789abcdefABCDEF',
  /** Zone → Zone → Read only: lists zones and records, may not write them. */
  zoneReadOnly: 'ckTestToken_zoneRead_0123456789abcdefABCD',
  /** An account-owned token: `/user/tokens/verify` refuses it, zone calls accept it. */
  accountOwned: 'cfat_ckTestToken_account_0123456789abcdef',
  /** Known to Cloudflare, but disabled. */
  disabled: 'ckTestToken_disabled_0123456789abcdefABCD',
} as const;

const BASE_PATH = '/client/v4';
const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 50;

export interface FakeCloudflareRecord {
  id: string;
  zoneId: string;
  type: string;
  name: string;
  content: string;
  ttl: number;
}

export interface FakeCloudflareRequest {
  method: string;
  /** Path below `/client/v4`. */
  path: string;
  query: Record<string, string>;
  authorization: string | null;
}

export interface ProgrammedCloudflareFailure {
  method?: string;
  /** Matched against the path below `/client/v4`. */
  path?: RegExp;
  status: number;
  errors: { code: number; message: string }[];
  /** How many matching requests get this answer; default 1. */
  times?: number;
}

export interface FakeCloudflare {
  /** The API base URL, for `DnsProviderOptions.endpoint`. */
  readonly endpoint: string;
  readonly requests: FakeCloudflareRequest[];
  addZone(name: string, options?: { status?: 'active' | 'pending' }): string;
  addRecord(zoneName: string, record: { type: string; name: string; content: string; ttl?: number }): string;
  records(name?: string): FakeCloudflareRecord[];
  /** Overwrites a record's content, e.g. to store a TXT value quoted as Cloudflare may. */
  setContent(recordId: string, content: string): void;
  failNext(failure: ProgrammedCloudflareFailure): void;
  close(): Promise<void>;
}

interface Zone {
  id: string;
  name: string;
  status: 'active' | 'pending';
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export async function startFakeCloudflare(options: { maxPerPage?: number } = {}): Promise<FakeCloudflare> {
  const maxPerPage = Math.min(MAX_PER_PAGE, options.maxPerPage ?? MAX_PER_PAGE);
  const zones: Zone[] = [];
  const records: FakeCloudflareRecord[] = [];
  const requests: FakeCloudflareRequest[] = [];
  const failures: (ProgrammedCloudflareFailure & { left: number })[] = [];

  const handle = (method: string, path: string, query: URLSearchParams, authorization: string | null, body: string): Answer => {
    const failure = failures.find((item) => item.left > 0 && (item.method ?? method) === method && (item.path?.test(path) ?? true));
    if (failure !== undefined) {
      failure.left -= 1;
      return fail(failure.status, failure.errors);
    }

    const bearer = /^Bearer ([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    const token = bearer?.[1];
    if (token === undefined) {
      return {
        status: 400,
        body: envelope(false, null, [
          { code: 6003, message: 'Invalid request headers', error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }] },
        ]),
      };
    }

    if (path === '/user/tokens/verify' && method === 'GET') {
      if (token === CLOUDFLARE_TOKENS.dnsEdit || token === CLOUDFLARE_TOKENS.zoneReadOnly || token === CLOUDFLARE_TOKENS.disabled) {
        const status = token === CLOUDFLARE_TOKENS.disabled ? 'disabled' : 'active';
        return { status: 200, body: { ...envelope(true, { id: hexId(), status }), messages: [{ code: 10000, message: 'This API Token is valid and active' }] } };
      }
      return { status: 401, body: envelope(false, null, [{ code: 1000, message: 'Invalid API Token' }]) };
    }

    const canRead = token === CLOUDFLARE_TOKENS.dnsEdit || token === CLOUDFLARE_TOKENS.zoneReadOnly || token === CLOUDFLARE_TOKENS.accountOwned;
    const canEdit = token === CLOUDFLARE_TOKENS.dnsEdit || token === CLOUDFLARE_TOKENS.accountOwned;
    if (!canRead) return fail(403, [{ code: 10000, message: 'Authentication error' }]);

    if (path === '/zones' && method === 'GET') {
      const name = query.get('name');
      const status = query.get('status');
      const matching = zones.filter((zone) => (name === null || zone.name === name) && (status === null || zone.status === status));
      return page(matching.map((zone) => ({ id: zone.id, name: zone.name, status: zone.status, type: 'full' })), query, maxPerPage);
    }

    const recordPath = /^\/zones\/([^/]+)\/dns_records(?:\/([^/]+))?$/.exec(path);
    if (recordPath === null) return fail(400, [{ code: 7000, message: 'No route for that URI' }]);
    const [, zoneId, recordId] = recordPath;
    const zone = zones.find((item) => item.id === zoneId);
    if (zone === undefined) {
      return fail(400, [{ code: 7003, message: `Could not route to ${BASE_PATH}${path}, perhaps your object identifier is invalid?` }]);
    }

    if (recordId === undefined && method === 'GET') {
      const type = query.get('type');
      const name = query.get('name');
      const matching = records.filter((record) => record.zoneId === zone.id && (type === null || record.type === type) && (name === null || record.name === name));
      return page(matching.map(recordView), query, maxPerPage);
    }

    if (recordId === undefined && method === 'POST') {
      if (!canEdit) return fail(403, [{ code: 10000, message: 'Authentication error' }]);
      const input = parseObject(body);
      const type = typeof input?.type === 'string' ? input.type : null;
      const rawName = typeof input?.name === 'string' ? input.name.toLowerCase().replace(/\.$/, '') : null;
      const content = typeof input?.content === 'string' ? input.content : null;
      const ttl = input?.ttl === undefined ? 1 : input.ttl;
      if (type === null || rawName === null || content === null) return fail(400, [{ code: 9000, message: 'DNS name, type and content are required.' }]);
      if (typeof ttl !== 'number' || !(ttl === 1 || (ttl >= 60 && ttl <= 86_400))) {
        return fail(400, [{ code: 9003, message: 'Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.' }]);
      }
      const name = rawName === zone.name || rawName.endsWith(`.${zone.name}`) ? rawName : `${rawName}.${zone.name}`;
      if (records.some((record) => record.zoneId === zone.id && record.type === type && record.name === name && record.content === content)) {
        return fail(400, [{ code: 81058, message: 'An identical record already exists.' }]);
      }
      const record: FakeCloudflareRecord = { id: hexId(), zoneId: zone.id, type, name, content, ttl };
      records.push(record);
      return { status: 200, body: envelope(true, recordView(record)) };
    }

    if (recordId !== undefined) {
      const index = records.findIndex((record) => record.zoneId === zone.id && record.id === recordId);
      if (method === 'GET') {
        const record = records[index];
        if (record === undefined) return fail(404, [{ code: 81044, message: 'Record does not exist.' }]);
        return { status: 200, body: envelope(true, recordView(record)) };
      }
      if (method === 'DELETE') {
        if (!canEdit) return fail(403, [{ code: 10000, message: 'Authentication error' }]);
        if (index < 0) return fail(404, [{ code: 81044, message: 'Record does not exist.' }]);
        records.splice(index, 1);
        return { status: 200, body: envelope(true, { id: recordId }) };
      }
    }
    return fail(400, [{ code: 7000, message: 'No route for that URI' }]);
  };

  const server = await serveOnLoopback('fake Cloudflare', (request, body, response) => {
    const url = new URL(request.url ?? '/', 'http://fake.invalid');
    const method = request.method ?? 'GET';
    const authorization = request.headers.authorization ?? null;
    let answer: Answer;
    if (!url.pathname.startsWith(`${BASE_PATH}/`)) {
      answer = fail(400, [{ code: 7000, message: 'No route for that URI' }]);
    } else {
      const path = url.pathname.slice(BASE_PATH.length);
      requests.push({ method, path, query: Object.fromEntries(url.searchParams), authorization });
      answer = handle(method, path, url.searchParams, authorization, body.toString('utf8'));
    }
    const payload = JSON.stringify(answer.body);
    response.writeHead(answer.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
    response.end(payload);
  });

  return {
    endpoint: `http://127.0.0.1:${server.port}${BASE_PATH}`,
    requests,
    addZone: (name, zoneOptions = {}) => {
      const zone: Zone = { id: hexId(), name: name.toLowerCase(), status: zoneOptions.status ?? 'active' };
      zones.push(zone);
      return zone.id;
    },
    addRecord: (zoneName, record) => {
      const zone = zones.find((item) => item.name === zoneName);
      if (zone === undefined) throw new Error(`fake Cloudflare: no zone ${zoneName}`);
      const stored: FakeCloudflareRecord = { id: hexId(), zoneId: zone.id, ttl: 1, ...record };
      records.push(stored);
      return stored.id;
    },
    records: (name) => records.filter((record) => name === undefined || record.name === name).map((record) => ({ ...record })),
    setContent: (recordId, content) => {
      const record = records.find((item) => item.id === recordId);
      if (record === undefined) throw new Error(`fake Cloudflare: no record ${recordId}`);
      record.content = content;
    },
    failNext: (failure) => failures.push({ ...failure, left: failure.times ?? 1 }),
    close: () => server.close(),
  };
}

function envelope(success: boolean, result: unknown, errors: unknown[] = []): Record<string, unknown> {
  return { success, errors, messages: [], result };
}

function fail(status: number, errors: unknown[]): Answer {
  return { status, body: envelope(false, null, errors) };
}

function page(items: unknown[], query: URLSearchParams, maxPerPage: number): Answer {
  const pageNumber = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  const requested = Number.parseInt(query.get('per_page') ?? String(DEFAULT_PER_PAGE), 10) || DEFAULT_PER_PAGE;
  const perPage = Math.max(1, Math.min(maxPerPage, requested));
  const slice = items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
  return {
    status: 200,
    body: {
      ...envelope(true, slice),
      result_info: { page: pageNumber, per_page: perPage, count: slice.length, total_count: items.length, total_pages: Math.ceil(items.length / perPage) },
    },
  };
}

function recordView(record: FakeCloudflareRecord): Record<string, unknown> {
  return { id: record.id, zone_id: record.zoneId, type: record.type, name: record.name, content: record.content, ttl: record.ttl, proxied: false };
}
