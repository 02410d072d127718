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
import { createHmac, randomBytes } from 'node:crypto';
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
import {
  hasVendorCode,
  isRecord,
  normalizeName,
  numberField,
  parseJson,
  pickZone,
  readRecordId,
  redact,
  relativeName,
  rfc3986Encode,
  sha256Hex,
  stringField,
  type AsciiZone,
  type JsonObject,
} from './common';
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
    .map((key) => `${rfc3986Encode(key)}=${rfc3986Encode(input.query[key] ?? '')}`)
    .join('&');
  const canonicalRequest = [input.method, input.canonicalUri, queryString, canonicalHeaders, signedHeaders, hashedPayload].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', input.accessKeySecret).update(stringToSign, 'utf8').digest('hex');
  const authorization = `ACS3-HMAC-SHA256 Credential=${input.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`;
  return { canonicalRequest, stringToSign, signature, authorization, headers: { ...signed, Authorization: authorization }, queryString };
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
    const zone = pickZone('alidns', normalizeName(fqdn), await this.listZones());
    return { zone: zone.zone, zoneId: zone.zoneId };
  }

  async createTxt(fqdn: string, value: string, ttlSeconds = ALIDNS_DEFAULT_TTL): Promise<TxtRecordHandle> {
    const name = normalizeName(fqdn);
    const zone = pickZone('alidns', name, await this.listZones());
    const answer = await this.call('AddDomainRecord', {
      DomainName: zone.zone,
      RR: relativeName(name, zone.ascii),
      Type: 'TXT',
      Value: value,
      TTL: String(ttlSeconds),
    });
    const recordId = readRecordId('alidns', 'AddDomainRecord', answer);
    return { provider: 'alidns', zone: zone.zone, zoneId: zone.zoneId, recordId, fqdn: name, value };
  }

  async deleteTxt(handle: TxtRecordHandle): Promise<void> {
    try {
      await this.call('DeleteDomainRecord', { RecordId: handle.recordId });
    } catch (error) {
      if (hasVendorCode(error, GONE_ON_DELETE)) return;
      throw error;
    }
  }

  async testConnection(): Promise<{ zones: number }> {
    return { zones: (await this.listZones()).length };
  }

  private async listZones(): Promise<AsciiZone[]> {
    const zones: AsciiZone[] = [];
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const answer = await this.call('DescribeDomains', { PageNumber: String(page), PageSize: String(PAGE_SIZE) });
      const container = answer.Domains;
      const items = isRecord(container) && Array.isArray(container.Domain) ? (container.Domain as unknown[]) : [];
      for (const item of items) {
        const zone = readZone(item);
        if (zone) zones.push(zone);
      }
      const total = numberField(answer, 'TotalCount');
      if (items.length === 0 || total === null || zones.length >= total) return zones;
    }
    return zones;
  }

  /** One API call: the JSON of a success, else a `DnsProviderError`. */
  private async call(action: string, query: Record<string, string>): Promise<JsonObject> {
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
    const parsed = parseJson(answer.body);
    const json = isRecord(parsed) ? parsed : null;
    if (answer.status >= 200 && answer.status < 300 && json !== null && typeof json.Code !== 'string') return json;
    if (json === null || typeof json.Code !== 'string') {
      const kind = answer.status >= 500 ? 'unreachable' : 'vendor';
      throw new DnsProviderError(kind, `alidns: ${action} answered HTTP ${answer.status} without an Alibaba Cloud response`);
    }
    const code = json.Code;
    const message = redact(stringField(json, 'Message') ?? '', [this.accessKeySecret, this.accessKeyId]);
    const requestId = typeof json.RequestId === 'string' ? ` (RequestId ${json.RequestId})` : '';
    throw new DnsProviderError(alidnsErrorKind(code), `alidns: ${action} failed: HTTP ${answer.status} ${code}: ${message}${requestId}`, code);
  }
}

function readZone(item: unknown): AsciiZone | null {
  if (!isRecord(item)) return null;
  const name = stringField(item, 'DomainName');
  if (!name) return null;
  const punycode = stringField(item, 'PunyCode') || name;
  // The record calls take the domain's name, not its DomainId, so the name is the zone's id here.
  return { zone: name, zoneId: name, ascii: normalizeName(punycode) };
}
