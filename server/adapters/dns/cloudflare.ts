/**
 * Cloudflare DNS through API v4 with an API token (`Authorization: Bearer <token>`).
 *
 * Vendor facts this follows (https://developers.cloudflare.com/api/):
 * - every answer is the envelope `{ success, errors: [{ code, message }], messages, result, result_info }`;
 * - zones: `GET /zones?status=active&page=&per_page=` (at most 50 a page, `result_info.total_pages`);
 * - records: `POST /zones/{zone_id}/dns_records` `{ type, name, content, ttl }` → `result.id`,
 *   `GET` / `DELETE /zones/{zone_id}/dns_records/{id}`; a missing record is HTTP 404 / code 81044;
 *   TXT content may be stored quoted or not, so values are sent as they are and compared unquoted;
 * - TTL 1 means "automatic", otherwise at least 60 s;
 * - HTTP 429 / code 971 when the 1200 requests per 5 minutes are used up
 *   (https://developers.cloudflare.com/fundamentals/api/reference/limits/);
 * - `GET /user/tokens/verify` checks a user token; account-owned tokens (`cfat_…`) only verify at
 *   `/accounts/{id}/tokens/verify`, so a failed user verification is not proof of a bad token;
 * - code 10000 "Authentication error" is answered both for an unknown token and for a valid token
 *   that lacks the permission, so it is told apart by asking whether the token can list zones.
 */
import {
  DnsProviderError,
  type DnsCredentials,
  type DnsProvider,
  type DnsProviderErrorKind,
  type DnsProviderFactory,
  type DnsProviderOptions,
  type DnsZone,
  type TxtRecordHandle,
} from '../../ports/dns-provider';
import { isRecord, longestSuffixZone, normalizeNonEmptyName, numberField, parseJson, stringField, unquoteTxt, type JsonObject } from './common';
import { vendorRequest } from './vendor-http';

const DEFAULT_ENDPOINT = 'https://api.cloudflare.com/client/v4';
const PAGE_SIZE = 50;
/** A guard against a vendor that never says it is on the last page. */
const MAX_PAGES = 200;
const MIN_TTL_SECONDS = 60;
const DEFAULT_TTL_SECONDS = 60;

const RATE_LIMITED_CODES = new Set([971]);
const RECORD_EXISTS_CODES = new Set([81057, 81058]);
const RECORD_MISSING_CODES = new Set([81044]);
const ZONE_MISSING_CODES = new Set([7000, 7003]);
const NO_PERMISSION_CODES = new Set([9109]);
/** Malformed or unknown credentials: invalid request headers, bad Authorization format, invalid token. */
const BAD_CREDENTIAL_CODES = new Set([1000, 6003, 6103, 6111]);
/** "Authentication error": either a bad token or a good one without the permission. */
const AMBIGUOUS_AUTH_CODES = new Set([10000]);

interface CloudflareMessage {
  code: number;
  message: string;
}

interface CloudflareAnswer {
  status: number;
  success: boolean;
  errors: CloudflareMessage[];
  result: unknown;
  totalPages: number | null;
  totalCount: number | null;
}

/** What an error answer means, before an ambiguous authentication failure is resolved. */
type ErrorMeaning = DnsProviderErrorKind | 'recordMissing' | 'ambiguousAuth';

export const createCloudflareProvider: DnsProviderFactory = (credentials, options) =>
  new CloudflareProvider(credentials, options ?? {});

class CloudflareProvider implements DnsProvider {
  private readonly token: string;
  private readonly endpoint: string;
  private readonly timeoutMs: number | undefined;
  /** Set once the token has been accepted, so a later 10000 can only mean a missing permission. */
  private tokenAccepted = false;

  constructor(credentials: DnsCredentials, options: DnsProviderOptions) {
    const token = credentials.apiToken?.trim() ?? '';
    if (token === '') throw new DnsProviderError('badCredentials', 'cloudflare: the API token is missing');
    this.token = token;
    this.endpoint = (options.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
  }

  async findZone(fqdn: string): Promise<DnsZone> {
    const name = normalizeName(fqdn);
    const zones = await this.listActiveZones();
    const zone = longestSuffixZone(name, zones, (candidate) => candidate.name);
    if (zone === null) {
      throw new DnsProviderError('zoneNotFound', `cloudflare: no active zone this token can see holds ${name}`);
    }
    return { zone: zone.name, zoneId: zone.id };
  }

  async createTxt(fqdn: string, value: string, ttlSeconds?: number): Promise<TxtRecordHandle> {
    const name = normalizeName(fqdn);
    const zone = await this.findZone(name);
    const ttl = Math.max(MIN_TTL_SECONDS, Math.round(ttlSeconds ?? DEFAULT_TTL_SECONDS));
    const answer = await this.send('POST', `/zones/${encodeURIComponent(zone.zoneId)}/dns_records`, [], {
      type: 'TXT',
      name,
      content: value,
      ttl,
    });
    const id = isRecord(answer.result) ? stringField(answer.result, 'id') : null;
    if (id === null) throw new DnsProviderError('vendor', 'cloudflare: the created record has no id');
    return { provider: 'cloudflare', zone: zone.zone, zoneId: zone.zoneId, recordId: id, fqdn: name, value };
  }

  async deleteTxt(handle: TxtRecordHandle): Promise<void> {
    const path = `/zones/${encodeURIComponent(handle.zoneId)}/dns_records/${encodeURIComponent(handle.recordId)}`;
    const current = await this.exchange('GET', path, []);
    if (!current.success) {
      if (this.meaning(current) === 'recordMissing') return;
      throw await this.failure('GET', path, current);
    }
    // The id is the vendor's and unique; checking what it holds still keeps a wrong handle from
    // removing somebody else's record.
    if (!isRecord(current.result) || !holdsValue(current.result, handle)) return;
    const removed = await this.exchange('DELETE', path, []);
    if (removed.success || this.meaning(removed) === 'recordMissing') return;
    throw await this.failure('DELETE', path, removed);
  }

  async testConnection(): Promise<{ zones: number }> {
    const verified = await this.exchange('GET', '/user/tokens/verify', []);
    if (verified.success) {
      const status = isRecord(verified.result) ? stringField(verified.result, 'status') : null;
      if (status !== null && status !== 'active') {
        throw new DnsProviderError('badCredentials', `cloudflare: the API token is ${status}`);
      }
    } else if (this.meaning(verified) === 'rateLimited') {
      throw await this.failure('GET', '/user/tokens/verify', verified);
    }
    // An account-owned token fails the user verification above; listing zones decides.
    const first = await this.send('GET', '/zones', [
      ['page', '1'],
      ['per_page', String(PAGE_SIZE)],
    ]);
    if (first.totalCount !== null) return { zones: first.totalCount };
    const zones = await this.listZones([]);
    return { zones: zones.length };
  }

  private async listActiveZones(): Promise<ZoneEntry[]> {
    const zones = await this.listZones([['status', 'active']]);
    return zones.filter((zone) => zone.status === null || zone.status === 'active');
  }

  private async listZones(filters: [string, string][]): Promise<ZoneEntry[]> {
    const zones: ZoneEntry[] = [];
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const answer = await this.send('GET', '/zones', [...filters, ['page', String(page)], ['per_page', String(PAGE_SIZE)]]);
      const items = Array.isArray(answer.result) ? answer.result : [];
      for (const item of items) {
        if (!isRecord(item)) continue;
        const id = stringField(item, 'id');
        const name = stringField(item, 'name');
        if (id !== null && name !== null) zones.push({ id, name: normalizeName(name), status: stringField(item, 'status') });
      }
      const lastPage = answer.totalPages !== null ? page >= answer.totalPages : items.length < PAGE_SIZE;
      if (lastPage || items.length === 0) return zones;
    }
    return zones;
  }

  /** One exchange that must succeed. */
  private async send(method: 'GET' | 'POST' | 'DELETE', path: string, query: [string, string][], body?: unknown): Promise<CloudflareAnswer> {
    const answer = await this.exchange(method, path, query, body);
    if (!answer.success) throw await this.failure(method, path, answer);
    return answer;
  }

  private async exchange(method: 'GET' | 'POST' | 'DELETE', path: string, query: [string, string][], body?: unknown): Promise<CloudflareAnswer> {
    const search = query.length === 0 ? '' : `?${new URLSearchParams(query).toString()}`;
    const answer = await vendorRequest({
      method,
      url: `${this.endpoint}${path}${search}`,
      headers: {
        Authorization: `Bearer ${this.token}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(this.timeoutMs === undefined ? {} : { timeoutMs: this.timeoutMs }),
    });
    const parsed = readEnvelope(answer.status, answer.body);
    if (parsed.success) this.tokenAccepted = true;
    return parsed;
  }

  private meaning(answer: CloudflareAnswer): ErrorMeaning {
    const codes = answer.errors.map((error) => error.code);
    const has = (set: Set<number>) => codes.some((code) => set.has(code));
    if (answer.status === 429 || has(RATE_LIMITED_CODES)) return 'rateLimited';
    if (has(RECORD_MISSING_CODES) || (answer.status === 404 && codes.length === 0)) return 'recordMissing';
    if (has(RECORD_EXISTS_CODES)) return 'recordExists';
    if (has(ZONE_MISSING_CODES)) return 'zoneNotFound';
    if (has(NO_PERMISSION_CODES) || answer.errors.some((error) => /unauthorized to access requested resource/i.test(error.message))) {
      return 'noPermission';
    }
    if (has(BAD_CREDENTIAL_CODES) || answer.status === 401) return 'badCredentials';
    if (has(AMBIGUOUS_AUTH_CODES) || answer.status === 403) return 'ambiguousAuth';
    if (answer.status === 404) return 'recordMissing';
    if (answer.status === 502 || answer.status === 503 || answer.status === 504) return 'unreachable';
    return 'vendor';
  }

  private async failure(method: string, path: string, answer: CloudflareAnswer): Promise<DnsProviderError> {
    let kind: DnsProviderErrorKind;
    const meaning = this.meaning(answer);
    if (meaning === 'ambiguousAuth') kind = (await this.tokenCanListZones()) ? 'noPermission' : 'badCredentials';
    else if (meaning === 'recordMissing') kind = 'vendor';
    else kind = meaning;
    const first = answer.errors[0];
    const detail = answer.errors.map((error) => `${error.code} ${error.message}`).join('; ') || 'no error details';
    const message = `cloudflare: ${method} ${path} → HTTP ${answer.status}: ${this.scrub(detail)}`;
    return new DnsProviderError(kind, message, first === undefined ? null : String(first.code));
  }

  /** Whether the token itself is good: it can list zones (needs only Zone → Zone → Read). */
  private async tokenCanListZones(): Promise<boolean> {
    if (this.tokenAccepted) return true;
    const probe = await this.exchange('GET', '/zones', [['per_page', '5']]);
    return probe.success;
  }

  /** Vendor text goes into messages; make sure the token never does. */
  private scrub(text: string): string {
    return text.split(this.token).join('***').slice(0, 500);
  }
}

interface ZoneEntry {
  id: string;
  name: string;
  status: string | null;
}

function readEnvelope(status: number, body: string): CloudflareAnswer {
  const parsed = parseJson(body);
  if (!isRecord(parsed)) {
    return {
      status,
      success: false,
      errors: [{ code: 0, message: `not a Cloudflare answer (${body.length} bytes)` }],
      result: null,
      totalPages: null,
      totalCount: null,
    };
  }
  const errors = Array.isArray(parsed.errors) ? parsed.errors.flatMap(readMessage) : [];
  const info = isRecord(parsed.result_info) ? parsed.result_info : null;
  return {
    status,
    success: parsed.success === true && status < 400,
    errors,
    result: parsed.result,
    totalPages: info === null ? null : numberField(info, 'total_pages'),
    totalCount: info === null ? null : numberField(info, 'total_count'),
  };
}

/** An error with its `error_chain` flattened, so a wrapped 6111 is seen under 6003. */
function readMessage(value: unknown): CloudflareMessage[] {
  if (!isRecord(value)) return [];
  const code = numberField(value, 'code');
  const message = stringField(value, 'message') ?? '';
  const chain = Array.isArray(value.error_chain) ? value.error_chain.flatMap(readMessage) : [];
  return [...(code === null ? [] : [{ code, message }]), ...chain];
}

function holdsValue(record: JsonObject, handle: TxtRecordHandle): boolean {
  const type = stringField(record, 'type');
  const content = stringField(record, 'content');
  if (type !== null && type !== 'TXT') return false;
  return content === null || unquoteTxt(content) === unquoteTxt(handle.value);
}

/** Lower case, no trailing dots; an empty name is `zoneNotFound`. */
function normalizeName(name: string): string {
  return normalizeNonEmptyName('cloudflare', name);
}
