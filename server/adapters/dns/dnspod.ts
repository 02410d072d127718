/**
 * DNSPod (Tencent Cloud DNS) through Tencent Cloud API 3.0: every call is a POST of a JSON body to
 * `https://dnspod.tencentcloudapi.com/` with the action in `X-TC-Action`, signed TC3-HMAC-SHA256.
 * Every answer is HTTP 200 with `{ Response: { …, RequestId } }`; a failure carries
 * `Response.Error: { Code, Message }` instead.
 *
 * Signature v3: https://www.tencentcloud.com/document/product/1157/49029 (签名方法 v3)
 * Actions: DescribeDomainList, CreateRecord, DeleteRecord (version 2021-03-23)
 * Error codes: https://cloud.tencent.com/document/api/1427/56192
 */
import { createHmac } from 'node:crypto';
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
  normalizeName,
  numberField,
  parseJson,
  pickZone,
  readRecordId,
  redact,
  relativeName,
  sha256Hex,
  stringField,
  type AsciiZone,
  type JsonObject,
} from './common';
import { vendorRequest } from './vendor-http';

export const DNSPOD_ENDPOINT = 'https://dnspod.tencentcloudapi.com';
export const DNSPOD_VERSION = '2021-03-23';
/** DNSPod's free plan refuses TTLs below 600 s. */
export const DNSPOD_DEFAULT_TTL = 600;
const SERVICE = 'dnspod';
const CONTENT_TYPE = 'application/json; charset=utf-8';
/** DescribeDomainList's own default page size; the loop follows DomainTotal whatever a page holds. */
const PAGE_SIZE = 3000;
const MAX_PAGES = 100;
/** The line every record here is created on ("default"). */
const DEFAULT_LINE = '默认';

// ---------------------------------------------------------------------------------------------
// TC3-HMAC-SHA256

export interface Tc3Input {
  secretId: string;
  secretKey: string;
  /** The product, e.g. `dnspod`; part of the credential scope. */
  service: string;
  /** The Host header exactly as sent, e.g. `dnspod.tencentcloudapi.com` or `127.0.0.1:8080`. */
  host: string;
  /** Seconds since the epoch; also `X-TC-Timestamp`. */
  timestamp: number;
  /** The request body exactly as sent. */
  payload: string;
  /** The Content-Type header exactly as sent. */
  contentType: string;
}

export interface Tc3Signature {
  canonicalRequest: string;
  stringToSign: string;
  /** Lower-case hex. */
  signature: string;
  /** The whole `Authorization` header value. */
  authorization: string;
}

/**
 * Signs a POST to `/` with no query string, signing the headers `content-type` and `host`.
 * Pure: the same input always gives the same output.
 */
export function signTc3(input: Tc3Input): Tc3Signature {
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10); // UTC, as the scope requires
  const signedHeaders = 'content-type;host';
  const canonicalHeaders = `content-type:${input.contentType.trim().toLowerCase()}\nhost:${input.host.trim().toLowerCase()}\n`;
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256Hex(input.payload)].join('\n');
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(input.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const secretDate = hmac(`TC3${input.secretKey}`, date);
  const secretService = hmac(secretDate, input.service);
  const secretSigning = hmac(secretService, 'tc3_request');
  const signature = createHmac('sha256', secretSigning).update(stringToSign, 'utf8').digest('hex');
  const authorization = `TC3-HMAC-SHA256 Credential=${input.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { canonicalRequest, stringToSign, signature, authorization };
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

// ---------------------------------------------------------------------------------------------
// Errors

/** Tencent Cloud error codes by what they mean for the user; anything else is `vendor`. */
const ERROR_KINDS: Readonly<Record<string, DnsProviderErrorKind>> = {
  'AuthFailure.SignatureFailure': 'badCredentials',
  'AuthFailure.SecretIdNotFound': 'badCredentials',
  'AuthFailure.InvalidSecretId': 'badCredentials',
  'AuthFailure.InvalidAuthorization': 'badCredentials',
  'AuthFailure.UnauthorizedOperation': 'noPermission',
  'OperationDenied.AccessDenied': 'noPermission',
  'OperationDenied.NoPermissionToOperateDomain': 'noPermission',
  'OperationDenied.DomainOwnerAllowedOnly': 'noPermission',
  'ResourceNotFound.NoDataOfDomain': 'zoneNotFound',
  'InvalidParameterValue.DomainNotExists': 'zoneNotFound',
  'InvalidParameter.DomainIdInvalid': 'zoneNotFound',
  'FailedOperation.NotDomainOwner': 'zoneNotFound',
  'InvalidParameter.DomainRecordExist': 'recordExists',
};

/** What DeleteRecord answers for a record (or its zone) that no longer exists. */
const GONE_ON_DELETE = new Set([
  'InvalidParameter.RecordIdInvalid',
  'ResourceNotFound.NoDataOfRecord',
  'InvalidParameterValue.DomainNotExists',
  'InvalidParameter.DomainIdInvalid',
  'ResourceNotFound.NoDataOfDomain',
]);

export function dnspodErrorKind(code: string): DnsProviderErrorKind {
  const known = ERROR_KINDS[code];
  if (known) return known;
  if (code.startsWith('UnauthorizedOperation')) return 'noPermission';
  if (code.startsWith('RequestLimitExceeded')) return 'rateLimited';
  return 'vendor';
}

// ---------------------------------------------------------------------------------------------
// The provider

export const createDnspodProvider: DnsProviderFactory = (credentials, options = {}) => new DnspodProvider(credentials, options);

class DnspodProvider implements DnsProvider {
  private readonly secretId: string;
  private readonly secretKey: string;
  private readonly url: URL;

  constructor(credentials: DnsCredentials, private readonly options: DnsProviderOptions) {
    this.secretId = (credentials.secretId ?? '').trim();
    this.secretKey = (credentials.secretKey ?? '').trim();
    this.url = new URL(options.endpoint ?? DNSPOD_ENDPOINT);
  }

  async findZone(fqdn: string): Promise<DnsZone> {
    const zone = pickZone('dnspod', normalizeName(fqdn), await this.listZones());
    return { zone: zone.zone, zoneId: zone.zoneId };
  }

  async createTxt(fqdn: string, value: string, ttlSeconds = DNSPOD_DEFAULT_TTL): Promise<TxtRecordHandle> {
    const name = normalizeName(fqdn);
    const zone = pickZone('dnspod', name, await this.listZones());
    const answer = await this.call('CreateRecord', {
      Domain: zone.zone,
      DomainId: Number(zone.zoneId),
      SubDomain: relativeName(name, zone.ascii),
      RecordType: 'TXT',
      RecordLine: DEFAULT_LINE,
      Value: value,
      TTL: ttlSeconds,
    });
    const recordId = readRecordId('dnspod', 'CreateRecord', answer);
    return { provider: 'dnspod', zone: zone.zone, zoneId: zone.zoneId, recordId, fqdn: name, value };
  }

  async deleteTxt(handle: TxtRecordHandle): Promise<void> {
    const params: JsonObject = { Domain: handle.zone, RecordId: Number(handle.recordId) };
    if (/^\d+$/.test(handle.zoneId)) params.DomainId = Number(handle.zoneId);
    try {
      await this.call('DeleteRecord', params);
    } catch (error) {
      if (hasVendorCode(error, GONE_ON_DELETE)) return;
      throw error;
    }
  }

  async testConnection(): Promise<{ zones: number }> {
    return { zones: (await this.listZones()).length };
  }

  /** Every zone of the account, page by page; an account without zones has none (not an error). */
  private async listZones(): Promise<AsciiZone[]> {
    const zones: AsciiZone[] = [];
    for (let page = 0; page < MAX_PAGES; page += 1) {
      let answer: JsonObject;
      try {
        answer = await this.call('DescribeDomainList', { Type: 'ALL', Offset: zones.length, Limit: PAGE_SIZE });
      } catch (error) {
        if (error instanceof DnsProviderError && error.vendorCode === 'ResourceNotFound.NoDataOfDomain') return zones;
        throw error;
      }
      const items = Array.isArray(answer.DomainList) ? (answer.DomainList as unknown[]) : [];
      for (const item of items) {
        const zone = readZone(item);
        if (zone) zones.push(zone);
      }
      const total = readTotal(answer.DomainCountInfo);
      if (items.length === 0 || total === null || zones.length >= total) return zones;
    }
    return zones;
  }

  /** One API call: the `Response` object of a success, else a `DnsProviderError`. */
  private async call(action: string, params: JsonObject): Promise<JsonObject> {
    if (!this.secretId || !this.secretKey) {
      throw new DnsProviderError('badCredentials', 'dnspod: SecretId and SecretKey are both required');
    }
    const payload = JSON.stringify(params);
    const timestamp = Math.floor((this.options.now ?? Date.now)() / 1000);
    const host = this.url.host;
    const { authorization } = signTc3({
      secretId: this.secretId,
      secretKey: this.secretKey,
      service: SERVICE,
      host,
      timestamp,
      payload,
      contentType: CONTENT_TYPE,
    });
    const answer = await vendorRequest({
      method: 'POST',
      url: new URL('/', this.url).toString(),
      headers: {
        Authorization: authorization,
        'Content-Type': CONTENT_TYPE,
        Host: host,
        'X-TC-Action': action,
        'X-TC-Version': DNSPOD_VERSION,
        'X-TC-Timestamp': String(timestamp),
      },
      body: payload,
      timeoutMs: this.options.timeoutMs,
    });
    const response = parseResponse(answer.body);
    if (response === null) {
      const kind = answer.status >= 500 ? 'unreachable' : 'vendor';
      throw new DnsProviderError(kind, `dnspod: ${action} answered HTTP ${answer.status} without a Tencent Cloud response`);
    }
    const error = response.Error;
    if (typeof error === 'object' && error !== null) {
      const code = stringField(error, 'Code') ?? 'Unknown';
      const message = redact(stringField(error, 'Message') ?? '', [this.secretKey, this.secretId]);
      const requestId = stringField(response, 'RequestId');
      const suffix = requestId ? ` (RequestId ${requestId})` : '';
      throw new DnsProviderError(dnspodErrorKind(code), `dnspod: ${action} failed: ${code}: ${message}${suffix}`, code);
    }
    return response;
  }
}

/** `Response` of a Tencent Cloud answer, or null when the body is not one. */
function parseResponse(body: string): JsonObject | null {
  const value = parseJson(body);
  if (typeof value !== 'object' || value === null || !('Response' in value)) return null;
  const response = value.Response;
  return typeof response === 'object' && response !== null ? (response as JsonObject) : null;
}

function readZone(item: unknown): AsciiZone | null {
  if (typeof item !== 'object' || item === null) return null;
  const name = stringField(item, 'Name');
  const id = 'DomainId' in item ? item.DomainId : undefined;
  if (!name || (typeof id !== 'number' && typeof id !== 'string')) return null;
  const punycode = stringField(item, 'Punycode');
  return { zone: name, zoneId: String(id), ascii: normalizeName(punycode || name) };
}

function readTotal(info: unknown): number | null {
  if (typeof info !== 'object' || info === null) return null;
  for (const key of ['DomainTotal', 'AllTotal']) {
    const value = numberField(info, key);
    if (value !== null) return value;
  }
  return null;
}
