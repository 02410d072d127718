/**
 * A stand-in for Tencent Cloud API 3.0's DNSPod service on 127.0.0.1 (a free port), answering as
 * its documentation describes: POST / with a JSON body, the action in `X-TC-Action`, HTTP 200 with
 * `{ Response: { …, RequestId } }` or `{ Response: { Error: { Code, Message }, RequestId } }`.
 *
 * It checks every request's TC3-HMAC-SHA256 signature with its own implementation (written apart
 * from the adapter's signer on purpose, so that a bug in one is not mirrored by the other), keeps
 * zones and records in memory, and answers with DNSPod's error shapes for unknown keys, bad
 * signatures, read-only keys (CAM denial), unknown zones, duplicate records, unknown record ids,
 * and rate limits on demand.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { headerValue, parseObject, serveOnLoopback } from './common';

export interface FakeDnspodKey {
  secretId: string;
  secretKey: string;
  /** Read actions only: write actions are refused as CAM refuses them. */
  readOnly?: boolean;
}

export interface FakeDnspodRecord {
  recordId: number;
  domainId: number;
  domain: string;
  subDomain: string;
  type: string;
  line: string;
  value: string;
  ttl: number;
}

export interface FakeDnspodRequest {
  action: string;
  params: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  /** The error code answered, or null for a success. */
  errorCode: string | null;
}

export interface FakeDnspod {
  /** `http://127.0.0.1:<port>`, for the provider's `endpoint` option. */
  readonly endpoint: string;
  readonly requests: FakeDnspodRequest[];
  addKey(key: FakeDnspodKey): void;
  /** Adds a zone (its `Name`; `punycode` for an IDN zone) and returns its DomainId. */
  addZone(name: string, punycode?: string): number;
  removeZone(name: string): void;
  /** Records, optionally of one zone, in creation order. */
  records(domain?: string): FakeDnspodRecord[];
  /** The next `count` calls (of `action`, or any) answer this error (and message) instead. */
  failNext(code: string, options?: { action?: string; count?: number; message?: string }): void;
  /** DescribeDomainList returns at most this many per page, whatever Limit asks (default 3000). */
  setMaxPageSize(size: number): void;
  close(): Promise<void>;
}

const SERVICE = 'dnspod';
const VERSION = '2021-03-23';
const MAX_SKEW_SECONDS = 300;
const WRITE_ACTIONS = new Set(['CreateRecord', 'DeleteRecord']);

/** Messages as DNSPod words them (from its error code list). */
const MESSAGES: Readonly<Record<string, string>> = {
  'AuthFailure.InvalidAuthorization': 'Authorization header is invalid.',
  'AuthFailure.SecretIdNotFound': 'The SecretId is not found, please ensure that your SecretId is correct.',
  'AuthFailure.SignatureExpire': 'Signature expired. Timestamp and server time cannot differ by more than 5 minutes.',
  'AuthFailure.SignatureFailure': 'The provided credentials could not be validated. Please check your signature is correct.',
  'InvalidAction': 'The action is not found.',
  'NoSuchVersion': 'The version is not found.',
  'InvalidParameter.DomainIdInvalid': '域名编号不正确。',
  'InvalidParameterValue.DomainNotExists': '当前域名有误，请返回重新操作。',
  'InvalidParameter.DomainRecordExist': '记录已经存在，无需再次添加。',
  'InvalidParameter.RecordIdInvalid': '记录编号错误。',
  'InvalidParameter.RecordLineInvalid': '记录线路不正确。',
  'InvalidParameter.RecordTypeInvalid': '记录类型不正确。',
  'InvalidParameter.SubdomainInvalid': '子域名不正确。',
  'LimitExceeded.RecordTtlLimit': '记录的TTL值超出了限制。',
  'RequestLimitExceeded': 'Your current request times equals to `20` in a second, which exceeds the frequency limit `20` for a second. Please reduce the frequency of calls.',
  'ResourceNotFound.NoDataOfDomain': '域名列表为空。',
  'InternalError': 'An internal error has occurred. Retry your request, but if the problem persists, contact us.',
};

class Refusal extends Error {
  /** `message` replaces the code's usual message. */
  constructor(readonly code: string, readonly override?: string) {
    super(code);
  }
}

export async function startFakeDnspod(): Promise<FakeDnspod> {
  const keys = new Map<string, FakeDnspodKey>();
  const zones: { id: number; name: string; punycode: string }[] = [];
  const records: FakeDnspodRecord[] = [];
  const requests: FakeDnspodRequest[] = [];
  const failures: { code: string; action?: string; remaining: number; message?: string }[] = [];
  let maxPageSize = 3000;
  let nextZoneId = 1000;
  let nextRecordId = 5000;

  const zoneFor = (params: Record<string, unknown>): { id: number; name: string; punycode: string } => {
    if (params.DomainId !== undefined) {
      const byId = zones.find((zone) => zone.id === params.DomainId);
      if (!byId) throw new Refusal('InvalidParameter.DomainIdInvalid');
      return byId;
    }
    const domain = typeof params.Domain === 'string' ? params.Domain.toLowerCase() : '';
    const byName = zones.find((zone) => zone.name === domain || zone.punycode === domain);
    if (!byName) throw new Refusal('InvalidParameterValue.DomainNotExists');
    return byName;
  };

  const actions: Record<string, (params: Record<string, unknown>) => Record<string, unknown>> = {
    DescribeDomainList: (params) => {
      if (zones.length === 0) throw new Refusal('ResourceNotFound.NoDataOfDomain');
      const offset = typeof params.Offset === 'number' ? params.Offset : 0;
      const limit = Math.min(typeof params.Limit === 'number' ? params.Limit : 3000, maxPageSize);
      const page = zones.slice(offset, offset + limit);
      return {
        DomainCountInfo: { DomainTotal: zones.length, AllTotal: zones.length, MineTotal: zones.length, ShareTotal: 0 },
        DomainList: page.map((zone) => ({
          DomainId: zone.id,
          Name: zone.name,
          Punycode: zone.punycode,
          Status: 'ENABLE',
          Grade: 'DP_FREE',
          RecordCount: records.filter((record) => record.domainId === zone.id).length,
        })),
      };
    },
    CreateRecord: (params) => {
      const zone = zoneFor(params);
      const subDomain = typeof params.SubDomain === 'string' ? params.SubDomain : '@';
      if (!/^(@|[a-z0-9_*]([a-z0-9_.-]*[a-z0-9_])?)$/i.test(subDomain)) throw new Refusal('InvalidParameter.SubdomainInvalid');
      if (params.RecordType !== 'TXT') throw new Refusal('InvalidParameter.RecordTypeInvalid');
      if (params.RecordLine !== '默认') throw new Refusal('InvalidParameter.RecordLineInvalid');
      const ttl = typeof params.TTL === 'number' ? params.TTL : 600;
      if (ttl < 600 || ttl > 604800) throw new Refusal('LimitExceeded.RecordTtlLimit');
      const value = typeof params.Value === 'string' ? params.Value : '';
      const duplicate = records.some(
        (record) => record.domainId === zone.id && record.subDomain === subDomain.toLowerCase() && record.type === 'TXT' && record.value === value,
      );
      if (duplicate) throw new Refusal('InvalidParameter.DomainRecordExist');
      nextRecordId += 1;
      records.push({ recordId: nextRecordId, domainId: zone.id, domain: zone.name, subDomain: subDomain.toLowerCase(), type: 'TXT', line: '默认', value, ttl });
      return { RecordId: nextRecordId };
    },
    DeleteRecord: (params) => {
      const zone = zoneFor(params);
      const index = records.findIndex((record) => record.domainId === zone.id && record.recordId === params.RecordId);
      if (index < 0) throw new Refusal('InvalidParameter.RecordIdInvalid');
      records.splice(index, 1);
      return {};
    },
  };

  const handle = (request: IncomingMessage, body: string, params: Record<string, unknown> | null): Record<string, unknown> => {
    const action = headerValue(request, 'x-tc-action');
    const key = verifyTc3(request, body, keys);
    if (headerValue(request, 'x-tc-version') !== VERSION) throw new Refusal('NoSuchVersion');
    if (params === null) throw new Refusal('InvalidParameter');
    const failure = failures.find((entry) => entry.action === undefined || entry.action === action);
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) failures.splice(failures.indexOf(failure), 1);
      throw new Refusal(failure.code, failure.message);
    }
    const run = actions[action];
    if (!run) throw new Refusal('InvalidAction');
    if (key.readOnly && WRITE_ACTIONS.has(action)) {
      throw new Refusal('AuthFailure.UnauthorizedOperation', `you are not authorized to perform operation (dnspod:${action})`);
    }
    return run(params);
  };

  const server = await serveOnLoopback('fake DNSPod', (request, received, response) => {
    const body = received.toString('utf8');
    const action = headerValue(request, 'x-tc-action');
    const params = parseObject(body || '{}');
    const requestId = randomUUID();
    let answer: Record<string, unknown>;
    let errorCode: string | null = null;
    try {
      answer = { Response: { ...handle(request, body, params), RequestId: requestId } };
    } catch (error) {
      errorCode = error instanceof Refusal ? error.code : 'InternalError';
      const message = (error instanceof Refusal ? error.override : undefined) ?? MESSAGES[errorCode] ?? errorCode;
      answer = { Response: { Error: { Code: errorCode, Message: message }, RequestId: requestId } };
    }
    requests.push({ action, params: params ?? {}, headers: request.headers, errorCode });
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
  });

  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    requests,
    addKey: (key) => keys.set(key.secretId, key),
    addZone: (name, punycode) => {
      nextZoneId += 1;
      zones.push({ id: nextZoneId, name: name.toLowerCase(), punycode: (punycode ?? name).toLowerCase() });
      return nextZoneId;
    },
    removeZone: (name) => {
      const index = zones.findIndex((zone) => zone.name === name);
      if (index >= 0) zones.splice(index, 1);
    },
    records: (domain) => records.filter((record) => domain === undefined || record.domain === domain).map((record) => ({ ...record })),
    failNext: (code, options = {}) => failures.push({ code, action: options.action, remaining: options.count ?? 1, message: options.message }),
    setMaxPageSize: (size) => {
      maxPageSize = size;
    },
    close: () => server.close(),
  };
}

/**
 * The service side of TC3-HMAC-SHA256: rebuilds the canonical request from what arrived (the
 * headers the client says it signed, the body as received) and compares signatures.
 */
function verifyTc3(request: IncomingMessage, body: string, keys: ReadonlyMap<string, FakeDnspodKey>): FakeDnspodKey {
  const header = headerValue(request, 'authorization');
  const match = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(header);
  if (!match) throw new Refusal('AuthFailure.InvalidAuthorization');
  const [, secretId = '', scopeDate = '', service = '', signedHeaders = '', signature = ''] = match;
  const signedNames = signedHeaders.split(';');
  if (service !== SERVICE || !signedNames.includes('content-type') || !signedNames.includes('host')) {
    throw new Refusal('AuthFailure.InvalidAuthorization');
  }
  const key = keys.get(secretId);
  if (!key) throw new Refusal('AuthFailure.SecretIdNotFound');

  const timestampText = headerValue(request, 'x-tc-timestamp');
  const timestamp = Number(timestampText);
  if (!/^\d+$/.test(timestampText) || Math.abs(Date.now() / 1000 - timestamp) > MAX_SKEW_SECONDS) {
    throw new Refusal('AuthFailure.SignatureExpire');
  }
  const utc = new Date(timestamp * 1000);
  const expectedDate = `${utc.getUTCFullYear()}-${String(utc.getUTCMonth() + 1).padStart(2, '0')}-${String(utc.getUTCDate()).padStart(2, '0')}`;
  if (scopeDate !== expectedDate) throw new Refusal('AuthFailure.SignatureFailure');

  const url = new URL(request.url ?? '/', 'http://fake');
  const headerLines = [...signedNames].sort().map((name) => `${name}:${headerValue(request, name).trim().toLowerCase()}\n`);
  const canonical =
    `${request.method ?? ''}\n${url.pathname}\n${url.search.replace(/^\?/, '')}\n${headerLines.join('')}\n` +
    `${signedNames.join(';')}\n${createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex')}`;
  const toSign = `TC3-HMAC-SHA256\n${timestampText}\n${scopeDate}/${service}/tc3_request\n${createHash('sha256').update(canonical).digest('hex')}`;
  let signingKey: Buffer = Buffer.from(`TC3${key.secretKey}`, 'utf8');
  for (const part of [scopeDate, service, 'tc3_request']) signingKey = createHmac('sha256', signingKey).update(part).digest();
  const expected = createHmac('sha256', signingKey).update(toSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) throw new Refusal('AuthFailure.SignatureFailure');
  return key;
}
