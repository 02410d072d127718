/**
 * Huawei Cloud DNS (API v2) with an access key pair; requests signed "SDK-HMAC-SHA256" (APIG AK/SK)
 * by `signApigRequest` (`apig-signing.ts`, after Huawei's API Request Signing Guide). X-Sdk-Date
 * (`YYYYMMDDTHHMMSSZ`, UTC) must be within 15 minutes of the gateway's clock.
 *
 * DNS facts (https://support.huaweicloud.com/intl/en-us/api-dns/): endpoint
 * `https://dns.{region}.myhuaweicloud.com`; public zones `GET /v2/zones?type=public&limit=&offset=`
 * (names end in ".", `metadata.total_count`); one record set holds every value of a name and type:
 * `POST /v2/zones/{zone_id}/recordsets` `{ name: "<fqdn>.", type: "TXT", records: ['"v"'], ttl }`,
 * `GET` / `PUT` / `DELETE /v2/zones/{zone_id}/recordsets/{recordset_id}`. A second TXT set for the
 * same name is refused (DNS.0312 "This record set already exists"), so a value joins the existing
 * set with PUT and the handle remembers only its own value; deleting takes that value out and
 * deletes the set once it is empty. A set still being created or updated answers DNS.0314 ("not
 * in a steady state") for a moment; such writes are retried briefly. Errors are
 * `{ code: "DNS.xxxx", message }` from DNS or `{ error_code: "APIGW.xxxx", error_msg }` from the
 * gateway (0301 bad AK/SK or signature, 0302 not authorized, 0308 throttled;
 * https://support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-errorcode.html).
 */
import { DnsProviderError, type DnsCredentials, type DnsProvider, type DnsProviderErrorKind } from '../../ports/dns-provider';
import type { DnsProviderFactory, DnsProviderOptions, DnsZone, TxtRecordHandle } from '../../ports/dns-provider';
import { formatSdkDate, signApigRequest } from './apig-signing';
import { isRecord, longestSuffixZone, normalizeNonEmptyName, numberField, parseJson, rfc3986Encode, stringField, unquoteTxt, type JsonObject } from './common';
import { vendorRequest } from './vendor-http';

const PAGE_SIZE = 500;
const MAX_PAGES = 200;
/** Several Huawei regions refuse a TTL under 300 s (DNS.0319); dns-01 does not need less. */
const MIN_TTL_SECONDS = 300;
const STEADY_STATE_ATTEMPTS = 5;
const STEADY_STATE_DELAY_MS = 500;

const BAD_CREDENTIAL_CODES = new Set(['APIGW.0301', 'APIG.0301', 'APIGW.0303', 'APIGW.0305', 'DNS.0005']);
const NO_PERMISSION_CODES = new Set(['APIGW.0302', 'APIG.0302', 'APIGW.0306', 'DNS.0013', 'DNS.0030', 'DNS.1802']);
const RATE_LIMITED_CODES = new Set(['APIGW.0308', 'APIG.0308', 'DNS.0014', 'DNS.0021']);
const ZONE_MISSING_CODES = new Set(['DNS.0302', 'DNS.1206']);
const RECORD_SET_EXISTS_CODES = new Set(['DNS.0312', 'DNS.0335', 'DNS.0016']);
const RECORD_SET_MISSING_CODES = new Set(['DNS.0313', 'DNS.0004']);
const NOT_STEADY_CODES = new Set(['DNS.0314']);

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One answer; `code` and `message` are the vendor's (DNS or gateway shape) when it is an error. */
interface HuaweiAnswer { status: number; ok: boolean; json: JsonObject; code: string | null; message: string }

interface RecordSet { id: string; name: string; type: string | null; ttl: number | null; records: string[] }

export const createHuaweicloudProvider: DnsProviderFactory = (credentials, options) =>
  new HuaweicloudProvider(credentials, options ?? {});

class HuaweicloudProvider implements DnsProvider {
  private readonly accessKeyId: string;
  private readonly secretAccessKey: string;
  private readonly endpoint: string;
  private readonly timeoutMs: number | undefined;
  private readonly now: () => number;

  constructor(credentials: DnsCredentials, options: DnsProviderOptions) {
    const accessKeyId = credentials.accessKeyId?.trim() ?? '';
    const secretAccessKey = credentials.secretAccessKey?.trim() ?? '';
    if (accessKeyId === '' || secretAccessKey === '') {
      throw new DnsProviderError('badCredentials', 'huaweicloud: the access key id or secret access key is missing');
    }
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.endpoint = (options.endpoint ?? regionalEndpoint(credentials.region)).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
    this.now = options.now ?? Date.now;
  }

  async findZone(fqdn: string): Promise<DnsZone> {
    const name = normalizeName(fqdn);
    const best = longestSuffixZone(name, await this.listPublicZones(), (zone) => zone.name);
    if (best === null) {
      throw new DnsProviderError('zoneNotFound', `huaweicloud: no public zone of this account holds ${name}`);
    }
    return { zone: best.name, zoneId: best.id };
  }

  async createTxt(fqdn: string, value: string, ttlSeconds?: number): Promise<TxtRecordHandle> {
    const name = normalizeName(fqdn);
    const zone = await this.findZone(name);
    const setName = `${name}.`;
    const quoted = quoteTxt(value);
    const ttl = Math.max(MIN_TTL_SECONDS, Math.round(ttlSeconds ?? MIN_TTL_SECONDS));
    const collection = `/v2/zones/${encodeURIComponent(zone.zoneId)}/recordsets`;

    const recordId = await serialized(this.lockKey(zone.zoneId, setName), async () => {
      const created = await this.call('POST', collection, [], { name: setName, type: 'TXT', records: [quoted], ttl });
      if (created.ok) {
        const id = stringField(created.json, 'id');
        if (id === null) throw new DnsProviderError('vendor', 'huaweicloud: the created record set has no id');
        return id;
      }
      if (created.code === null || !RECORD_SET_EXISTS_CODES.has(created.code)) throw this.failure('POST', collection, created);

      // The name already has a TXT record set: add this value to it.
      const existing = await this.findTxtRecordSet(zone.zoneId, setName);
      if (existing === null) throw this.failure('POST', collection, created);
      if (!existing.records.some((record) => unquoteTxt(record) === value)) {
        const path = `${collection}/${encodeURIComponent(existing.id)}`;
        const records = [...existing.records, quoted];
        const updated = await this.callUntilSteady('PUT', path, { name: setName, type: 'TXT', ttl: existing.ttl ?? ttl, records });
        if (!updated.ok) throw this.failure('PUT', path, updated);
      }
      return existing.id;
    });
    return { provider: 'huaweicloud', zone: zone.zone, zoneId: zone.zoneId, recordId, fqdn: name, value };
  }

  async deleteTxt(handle: TxtRecordHandle): Promise<void> {
    const setName = `${normalizeName(handle.fqdn)}.`;
    const path = `/v2/zones/${encodeURIComponent(handle.zoneId)}/recordsets/${encodeURIComponent(handle.recordId)}`;
    await serialized(this.lockKey(handle.zoneId, setName), async () => {
      const current = await this.call('GET', path, []);
      if (!current.ok) {
        if (this.recordSetMissing(current)) return;
        throw this.failure('GET', path, current);
      }
      const set = readRecordSet(current.json);
      if (set === null || (set.type !== null && set.type !== 'TXT')) return;
      const remaining = set.records.filter((record) => unquoteTxt(record) !== handle.value);
      if (remaining.length === set.records.length) return; // this value is gone already

      const answer =
        remaining.length === 0
          ? await this.callUntilSteady('DELETE', path)
          : await this.callUntilSteady('PUT', path, { name: set.name, type: 'TXT', ttl: set.ttl ?? MIN_TTL_SECONDS, records: remaining });
      if (answer.ok || this.recordSetMissing(answer)) return;
      throw this.failure(remaining.length === 0 ? 'DELETE' : 'PUT', path, answer);
    });
  }

  async testConnection(): Promise<{ zones: number }> {
    const first = await this.send('GET', '/v2/zones', [['type', 'public'], ['limit', '1'], ['offset', '0']]);
    const total = totalCount(first.json);
    if (total !== null) return { zones: total };
    return { zones: (await this.listPublicZones()).length };
  }

  private async listPublicZones(): Promise<{ id: string; name: string }[]> {
    const zones: { id: string; name: string }[] = [];
    const items = await this.listAll('/v2/zones', [['type', 'public']], 'zones');
    for (const item of items) {
      const id = stringField(item, 'id');
      const name = stringField(item, 'name');
      const status = stringField(item, 'status');
      if (id === null || name === null || status === 'PENDING_DELETE' || status === 'ERROR') continue;
      zones.push({ id, name: normalizeName(name) });
    }
    return zones;
  }

  private async findTxtRecordSet(zoneId: string, setName: string): Promise<RecordSet | null> {
    const path = `/v2/zones/${encodeURIComponent(zoneId)}/recordsets`;
    const items = await this.listAll(path, [['type', 'TXT'], ['name', setName]], 'recordsets');
    for (const item of items) {
      const set = readRecordSet(item);
      // `name` is a fuzzy filter: keep only this exact name.
      if (set !== null && (set.type === null || set.type === 'TXT') && set.name.toLowerCase() === setName) return set;
    }
    return null;
  }

  /** Every item of a paged list (`limit` / `offset`, `metadata.total_count`, `links.next`). */
  private async listAll(path: string, filters: [string, string][], key: string): Promise<JsonObject[]> {
    const items: JsonObject[] = [];
    let offset = 0;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const answer = await this.send('GET', path, [...filters, ['limit', String(PAGE_SIZE)], ['offset', String(offset)]]);
      const list = answer.json[key];
      const pageItems = Array.isArray(list) ? list.filter(isRecord) : [];
      items.push(...pageItems);
      offset += pageItems.length;
      const total = totalCount(answer.json);
      const links = answer.json.links;
      const more = total !== null ? offset < total : isRecord(links) && typeof links.next === 'string';
      if (!more || pageItems.length === 0) break;
    }
    return items;
  }

  private async send(method: Method, path: string, query: [string, string][], body?: unknown): Promise<HuaweiAnswer> {
    const answer = await this.call(method, path, query, body);
    if (!answer.ok) throw this.failure(method, path, answer);
    return answer;
  }

  /** A write that waits out DNS.0314 (the record set is still being created or updated). */
  private async callUntilSteady(method: Method, path: string, body?: unknown): Promise<HuaweiAnswer> {
    let answer = await this.call(method, path, [], body);
    for (let attempt = 1; attempt < STEADY_STATE_ATTEMPTS; attempt += 1) {
      if (answer.ok || answer.code === null || !NOT_STEADY_CODES.has(answer.code)) break;
      await new Promise((resolve) => setTimeout(resolve, STEADY_STATE_DELAY_MS));
      answer = await this.call(method, path, [], body);
    }
    return answer;
  }

  private async call(method: Method, path: string, query: [string, string][], body?: unknown): Promise<HuaweiAnswer> {
    const search = query.map(([name, value]) => `${rfc3986Encode(name)}=${rfc3986Encode(value)}`).join('&');
    const url = `${this.endpoint}${path}${search === '' ? '' : `?${search}`}`;
    const payload = body === undefined ? '' : JSON.stringify(body);
    const headers = { 'Content-Type': 'application/json', Host: new URL(url).host, 'X-Sdk-Date': formatSdkDate(this.now()) };
    const { authorization } = signApigRequest({ method, url, headers, body: payload }, this.accessKeyId, this.secretAccessKey);
    const answer = await vendorRequest({
      method,
      url,
      headers: { ...headers, Authorization: authorization, Accept: 'application/json' },
      ...(body === undefined ? {} : { body: payload }),
      ...(this.timeoutMs === undefined ? {} : { timeoutMs: this.timeoutMs }),
    });
    const json = answer.body === '' ? {} : parseJson(answer.body);
    const record = isRecord(json) ? json : {};
    const ok = answer.status >= 200 && answer.status < 300 && isRecord(json);
    const code = stringField(record, 'code') ?? stringField(record, 'error_code');
    const fallback = isRecord(json) ? '' : `not a JSON answer (${answer.body.length} bytes)`;
    const message = stringField(record, 'message') ?? stringField(record, 'error_msg') ?? fallback;
    return { status: answer.status, ok, json: record, code: ok ? null : code, message };
  }

  private recordSetMissing(answer: HuaweiAnswer): boolean {
    if (answer.code !== null) return RECORD_SET_MISSING_CODES.has(answer.code);
    return answer.status === 404;
  }

  private failure(method: Method, path: string, answer: HuaweiAnswer): DnsProviderError {
    const kind = errorKind(answer);
    const detail = `${answer.code ?? 'no code'} ${answer.message}`.trim();
    return new DnsProviderError(kind, `huaweicloud: ${method} ${path} → HTTP ${answer.status}: ${this.scrub(detail)}`, answer.code);
  }

  /** Vendor text goes into messages; make sure no part of the key pair does. */
  private scrub(text: string): string {
    return text.split(this.secretAccessKey).join('***').split(this.accessKeyId).join('***').slice(0, 500);
  }

  private lockKey(zoneId: string, setName: string): string {
    return `${this.endpoint} ${zoneId} ${setName}`;
  }
}

function errorKind(answer: HuaweiAnswer): DnsProviderErrorKind {
  const code = answer.code;
  if (code !== null) {
    if (RATE_LIMITED_CODES.has(code)) return 'rateLimited';
    if (BAD_CREDENTIAL_CODES.has(code)) return 'badCredentials';
    if (NO_PERMISSION_CODES.has(code)) return 'noPermission';
    if (ZONE_MISSING_CODES.has(code)) return 'zoneNotFound';
    if (RECORD_SET_EXISTS_CODES.has(code)) return 'recordExists';
  }
  if (answer.status === 429) return 'rateLimited';
  if (answer.status === 401) return 'badCredentials';
  if (answer.status === 403) return 'noPermission';
  if (answer.status === 502 || answer.status === 503 || answer.status === 504) return 'unreachable';
  return 'vendor';
}

/**
 * Writes to one record set, one at a time in this process: adding x's and *.x's values to the same
 * set is a read-modify-write, and two at once would lose one.
 */
const recordSetQueues = new Map<string, Promise<void>>();

async function serialized<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = recordSetQueues.get(key) ?? Promise.resolve();
  const run = previous.then(task);
  const done = run.then(() => undefined, () => undefined); // the next task waits, whatever the outcome
  recordSetQueues.set(key, done);
  try {
    return await run;
  } finally {
    if (recordSetQueues.get(key) === done) recordSetQueues.delete(key);
  }
}

function regionalEndpoint(region: string | undefined): string {
  const value = region?.trim().toLowerCase() ?? '';
  // The region becomes part of a host name: only letters, digits and dashes.
  if (!/^[a-z]{2}(-[a-z0-9]+){1,3}$/.test(value)) {
    throw new DnsProviderError('badCredentials', 'huaweicloud: the region is missing or not a region id such as cn-north-4');
  }
  return `https://dns.${value}.myhuaweicloud.com`;
}

function readRecordSet(value: JsonObject): RecordSet | null {
  const id = stringField(value, 'id');
  const name = stringField(value, 'name');
  if (id === null || name === null) return null;
  const records = Array.isArray(value.records) ? value.records.filter((item): item is string => typeof item === 'string') : [];
  return { id, name, type: stringField(value, 'type'), ttl: numberField(value, 'ttl'), records };
}

function totalCount(json: JsonObject): number | null {
  return isRecord(json.metadata) ? numberField(json.metadata, 'total_count') : null;
}

/** Huawei wants TXT values in double quotes. */
function quoteTxt(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** Lower case, no trailing dots; an empty name is `zoneNotFound`. */
function normalizeName(name: string): string {
  return normalizeNonEmptyName('huaweicloud', name);
}
