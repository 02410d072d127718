/**
 * Alibaba Cloud DNS (云解析 DNS, API version 2015-01-09, RPC style) signed with the V3 signature
 * ACS3-HMAC-SHA256: the operation's parameters go in the query string of a POST to
 * `https://alidns.aliyuncs.com/`, the action and version in `x-acs-action` / `x-acs-version`.
 * A success is HTTP 200 with the operation's JSON; a failure is HTTP 4xx/5xx with
 * `{ Code, Message, RequestId }`.
 *
 * Signature V3: https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
 *   (V3版本请求体&签名机制, https://help.aliyun.com/document_detail/2593177.html)
 * Actions: DescribeDomains, AddDomainRecord, DeleteDomainRecord
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
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
import { vendorRequest } from './vendor-http';

export const ALIDNS_ENDPOINT = 'https://alidns.aliyuncs.com';
export const ALIDNS_VERSION = '2015-01-09';
/** Alibaba Cloud DNS's free edition refuses TTLs below 600 s. */
export const ALIDNS_DEFAULT_TTL = 600;
/** DescribeDomains allows at most 100 a page. */
const PAGE_SIZE = 100;
const MAX_PAGES = 100;

// ---------------------------------------------------------------------------------------------
// ACS3-HMAC-SHA256

export interface Acs3Input {
  accessKeyId: string;
  accessKeySecret: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The Host header exactly as sent. */
  host: string;
  /** `/` for RPC-style APIs. */
  canonicalUri: string;
  query: Readonly<Record<string, string>>;
  action: string;
  version: string;
  /** `yyyy-MM-ddTHH:mm:ssZ`, UTC. */
  date: string;
  nonce: string;
  /** The request body exactly as sent (empty for RPC calls with the parameters in the query). */
  body: string;
  /** Signed when present. */
  contentType?: string;
}

export interface Acs3Signature {
  canonicalRequest: string;
  stringToSign: string;
  /** Lower-case hex. */
  signature: string;
  authorization: string;
  /** Every header that was signed, plus `Authorization`, to send as they are. */
  headers: Record<string, string>;
  /** The canonical query string, which is also the query string to send. */
  queryString: string;
}

/** Signs a request as the V3 documentation describes. Pure: the same input gives the same output. */
export function signAcs3(input: Acs3Input): Acs3Signature {
  const hashedPayload = sha256Hex(input.body);
  const signed: Record<string, string> = {
    host: input.host,
    'x-acs-action': input.action,
    'x-acs-content-sha256': hashedPayload,
    'x-acs-date': input.date,
    'x-acs-signature-nonce': input.nonce,
    'x-acs-version': input.version,
    ...(input.contentType === undefined ? {} : { 'content-type': input.contentType }),
  };
  const names = Object.keys(signed).sort();
  const canonicalHeaders = names.map((name) => `${name}:${(signed[name] ?? '').trim()}\n`).join('');
  const signedHeaders = names.join(';');
  const queryString = Object.keys(input.query)
    .sort()
    .map((key) => `${percentEncode(key)}=${percentEncode(input.query[key] ?? '')}`)
    .join('&');
  const canonicalRequest = [input.method, input.canonicalUri, queryString, canonicalHeaders, signedHeaders, hashedPayload].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', input.accessKeySecret).update(stringToSign, 'utf8').digest('hex');
  const authorization = `ACS3-HMAC-SHA256 Credential=${input.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`;
  return { canonicalRequest, stringToSign, signature, authorization, headers: { ...signed, Authorization: authorization }, queryString };
}

/** RFC 3986: only `A-Z a-z 0-9 - _ . ~` stay as they are; UTF-8 bytes are `%XX` (upper case). */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Errors

const ERROR_KINDS: Readonly<Record<string, DnsProviderErrorKind>> = {
  'InvalidAccessKeyId.NotFound': 'badCredentials',
  'InvalidAccessKeyId.Inactive': 'badCredentials',
  InvalidAccessKeyId: 'badCredentials',
  SignatureDoesNotMatch: 'badCredentials',
  IncompleteSignature: 'badCredentials',
  Forbidden: 'noPermission',
  'Forbidden.RAM': 'noPermission',
  'Forbidden.NoPermission': 'noPermission',
  NoPermission: 'noPermission',
  'InvalidDomainName.NoExist': 'zoneNotFound',
  IncorrectDomainUser: 'zoneNotFound',
  DomainRecordNotBelongToUser: 'zoneNotFound',
  DomainRecordDuplicate: 'recordExists',
};

/** What DeleteDomainRecord answers for a record that no longer exists ("解析记录在本账户下不存在"). */
const GONE_ON_DELETE = new Set(['DomainRecordNotBelongToUser']);

export function alidnsErrorKind(code: string): DnsProviderErrorKind {
  const known = ERROR_KINDS[code];
  if (known) return known;
  if (code.startsWith('Throttling')) return 'rateLimited';
  return 'vendor';
}

// ---------------------------------------------------------------------------------------------
// The provider

interface AlidnsZone extends DnsZone {
  /** Lower-case ASCII (the punycode form for IDN zones), for matching names. */
  ascii: string;
}

type Json = Record<string, unknown>;

export const createAlidnsProvider: DnsProviderFactory = (credentials, options = {}) => new AlidnsProvider(credentials, options);

class AlidnsProvider implements DnsProvider {
  private readonly accessKeyId: string;
  private readonly accessKeySecret: string;
  private readonly url: URL;

  constructor(credentials: DnsCredentials, private readonly options: DnsProviderOptions) {
    this.accessKeyId = (credentials.accessKeyId ?? '').trim();
    this.accessKeySecret = (credentials.accessKeySecret ?? '').trim();
    this.url = new URL(options.endpoint ?? ALIDNS_ENDPOINT);
  }

  async findZone(fqdn: string): Promise<DnsZone> {
    const zone = pickZone(normalizeName(fqdn), await this.listZones());
    return { zone: zone.zone, zoneId: zone.zoneId };
  }

  async createTxt(fqdn: string, value: string, ttlSeconds = ALIDNS_DEFAULT_TTL): Promise<TxtRecordHandle> {
    const name = normalizeName(fqdn);
    const zone = pickZone(name, await this.listZones());
    const answer = await this.call('AddDomainRecord', {
      DomainName: zone.zone,
      RR: relativeName(name, zone.ascii),
      Type: 'TXT',
      Value: value,
      TTL: String(ttlSeconds),
    });
    const recordId = answer.RecordId;
    if (typeof recordId !== 'string' && typeof recordId !== 'number') {
      throw new DnsProviderError('vendor', 'alidns: AddDomainRecord answered without a RecordId');
    }
    return { provider: 'alidns', zone: zone.zone, zoneId: zone.zoneId, recordId: String(recordId), fqdn: name, value };
  }

  async deleteTxt(handle: TxtRecordHandle): Promise<void> {
    try {
      await this.call('DeleteDomainRecord', { RecordId: handle.recordId });
    } catch (error) {
      if (error instanceof DnsProviderError && error.vendorCode !== null && GONE_ON_DELETE.has(error.vendorCode)) return;
      throw error;
    }
  }

  async testConnection(): Promise<{ zones: number }> {
    return { zones: (await this.listZones()).length };
  }

  private async listZones(): Promise<AlidnsZone[]> {
    const zones: AlidnsZone[] = [];
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const answer = await this.call('DescribeDomains', { PageNumber: String(page), PageSize: String(PAGE_SIZE) });
      const container = answer.Domains;
      const items =
        typeof container === 'object' && container !== null && Array.isArray((container as Json).Domain)
          ? ((container as Json).Domain as unknown[])
          : [];
      for (const item of items) {
        const zone = readZone(item);
        if (zone) zones.push(zone);
      }
      const total = typeof answer.TotalCount === 'number' ? answer.TotalCount : null;
      if (items.length === 0 || total === null || zones.length >= total) return zones;
    }
    return zones;
  }

  /** One API call: the JSON of a success, else a `DnsProviderError`. */
  private async call(action: string, query: Record<string, string>): Promise<Json> {
    if (!this.accessKeyId || !this.accessKeySecret) {
      throw new DnsProviderError('badCredentials', 'alidns: AccessKey ID and AccessKey Secret are both required');
    }
    const signed = signAcs3({
      accessKeyId: this.accessKeyId,
      accessKeySecret: this.accessKeySecret,
      method: 'POST',
      host: this.url.host,
      canonicalUri: '/',
      query,
      action,
      version: ALIDNS_VERSION,
      date: new Date((this.options.now ?? Date.now)()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      nonce: randomBytes(16).toString('hex'),
      body: '',
    });
    const answer = await vendorRequest({
      method: 'POST',
      url: `${new URL('/', this.url).toString()}?${signed.queryString}`,
      headers: { ...signed.headers, Accept: 'application/json' },
      body: '',
      timeoutMs: this.options.timeoutMs,
    });
    const json = parseJson(answer.body);
    if (answer.status >= 200 && answer.status < 300 && json !== null && typeof json.Code !== 'string') return json;
    if (json === null || typeof json.Code !== 'string') {
      const kind = answer.status >= 500 ? 'unreachable' : 'vendor';
      throw new DnsProviderError(kind, `alidns: ${action} answered HTTP ${answer.status} without an Alibaba Cloud response`);
    }
    const code = json.Code;
    const message = this.redact(typeof json.Message === 'string' ? json.Message : '');
    const requestId = typeof json.RequestId === 'string' ? ` (RequestId ${json.RequestId})` : '';
    throw new DnsProviderError(alidnsErrorKind(code), `alidns: ${action} failed: HTTP ${answer.status} ${code}: ${message}${requestId}`, code);
  }

  /** Vendor messages go into logs: never let a credential through, and keep them short. */
  private redact(message: string): string {
    let text = message;
    for (const secret of [this.accessKeySecret, this.accessKeyId]) {
      if (secret) text = text.split(secret).join('[redacted]');
    }
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  }
}

function parseJson(body: string): Json | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
  } catch {
    return null;
  }
}

function readZone(item: unknown): AlidnsZone | null {
  if (typeof item !== 'object' || item === null) return null;
  const fields = item as Json;
  const name = fields.DomainName;
  if (typeof name !== 'string' || !name) return null;
  const punycode = typeof fields.PunyCode === 'string' && fields.PunyCode ? fields.PunyCode : name;
  // The record calls take the domain's name, not its DomainId, so the name is the zone's id here.
  return { zone: name, zoneId: name, ascii: normalizeName(punycode) };
}

// ---------------------------------------------------------------------------------------------
// Names

/** Lower case, no trailing dot. */
function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** The longest suffix of `name` (whole labels) that is one of the zones. */
function pickZone(name: string, zones: readonly AlidnsZone[]): AlidnsZone {
  const byName = new Map(zones.map((zone) => [zone.ascii, zone]));
  const labels = name.split('.');
  for (let start = 0; start < labels.length; start += 1) {
    const zone = byName.get(labels.slice(start).join('.'));
    if (zone) return zone;
  }
  throw new DnsProviderError('zoneNotFound', `alidns: no zone of this account holds ${name} (${zones.length} zones seen)`);
}

/** The record's RR inside its zone; `@` for the zone's apex. */
function relativeName(name: string, zoneAscii: string): string {
  return name === zoneAscii ? '@' : name.slice(0, -(zoneAscii.length + 1));
}
