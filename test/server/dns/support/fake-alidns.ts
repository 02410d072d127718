/**
 * A stand-in for Alibaba Cloud DNS (alidns, 2015-01-09, RPC style) on 127.0.0.1 (a free port),
 * answering as its documentation describes: the operation's parameters in the query string, the
 * action and version in `x-acs-action` / `x-acs-version`, HTTP 200 with the operation's JSON, or
 * HTTP 4xx with `{ RequestId, HostId, Code, Message, Recommend }`.
 *
 * It checks every request's ACS3-HMAC-SHA256 signature with its own implementation (written apart
 * from the adapter's signer on purpose, so that a bug in one is not mirrored by the other),
 * refuses reused nonces and stale dates, keeps zones and records in memory, and answers with
 * Alibaba Cloud's error shapes for unknown keys, bad signatures, read-only keys (RAM denial),
 * unknown zones, duplicate records, unknown record ids, and throttling on demand.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { headerValue, percentEncodeBytes, serveOnLoopback } from './common';

export interface FakeAlidnsKey {
  accessKeyId: string;
  accessKeySecret: string;
  /** Read actions only: write actions are refused as RAM refuses them. */
  readOnly?: boolean;
}

export interface FakeAlidnsRecord {
  recordId: string;
  domainName: string;
  rr: string;
  type: string;
  value: string;
  ttl: number;
}

export interface FakeAlidnsRequest {
  action: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  status: number;
  errorCode: string | null;
}

export interface FakeAlidns {
  /** `http://127.0.0.1:<port>`, for the provider's `endpoint` option. */
  readonly endpoint: string;
  readonly requests: FakeAlidnsRequest[];
  addKey(key: FakeAlidnsKey): void;
  /** Adds a zone (its `DomainName`; `punyCode` for an IDN zone). */
  addZone(name: string, punyCode?: string): void;
  removeZone(name: string): void;
  records(domainName?: string): FakeAlidnsRecord[];
  /** The next `count` calls (of `action`, or any) answer this error (and message) instead. */
  failNext(code: string, options?: { action?: string; count?: number; message?: string }): void;
  /** DescribeDomains returns at most this many per page, whatever PageSize asks (default 100). */
  setMaxPageSize(size: number): void;
  close(): Promise<void>;
}

const VERSION = '2015-01-09';
const MAX_SKEW_MS = 15 * 60 * 1000;
const WRITE_ACTIONS = new Set(['AddDomainRecord', 'DeleteDomainRecord']);
const REQUIRED_SIGNED = ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'];

/** HTTP status and message per code, as Alibaba Cloud answers them. */
const ERRORS: Readonly<Record<string, { status: number; message: string }>> = {
  IncompleteSignature: { status: 400, message: 'The request signature does not conform to Aliyun standards.' },
  'InvalidAccessKeyId.NotFound': { status: 404, message: 'Specified access key is not found.' },
  SignatureDoesNotMatch: { status: 400, message: 'Specified signature is not matched with our calculation.' },
  SignatureNonceUsed: { status: 400, message: 'Specified signature nonce was used already.' },
  'InvalidTimeStamp.Expired': { status: 400, message: 'Specified time stamp or date value is expired.' },
  'Forbidden.RAM': { status: 403, message: 'User not authorized to operate on the specified resource, or this API doesn\'t support RAM.' },
  InvalidVersion: { status: 400, message: 'Specified parameter Version is not valid.' },
  InvalidAction: { status: 404, message: 'Specified api is not found, please check your url and method.' },
  MissingParameter: { status: 400, message: 'A required parameter is not supplied.' },
  'InvalidDomainName.NoExist': { status: 400, message: 'The specified domain name does not exist. Refresh the page and try again.' },
  DomainRecordDuplicate: { status: 400, message: 'The DNS record already exists.' },
  DomainRecordNotBelongToUser: { status: 400, message: 'The DNS record does not exist under this account.' },
  'Throttling.User': { status: 400, message: 'Request was denied due to user flow control.' },
  InternalError: { status: 500, message: 'The request processing has failed due to some unknown error.' },
};

class Refusal extends Error {
  /** `message` replaces the code's usual message. */
  constructor(readonly code: string, readonly override?: string) {
    super(code);
  }
}

export async function startFakeAlidns(): Promise<FakeAlidns> {
  const keys = new Map<string, FakeAlidnsKey>();
  const zones: { id: string; name: string; punyCode: string }[] = [];
  const records: FakeAlidnsRecord[] = [];
  const requests: FakeAlidnsRequest[] = [];
  const usedNonces = new Set<string>();
  const failures: { code: string; action?: string; remaining: number; message?: string }[] = [];
  let maxPageSize = 100;
  let nextRecordId = 800000000000000;

  const required = (query: Record<string, string>, name: string): string => {
    const value = query[name];
    if (value === undefined || value === '') throw new Refusal('MissingParameter', `${ERRORS.MissingParameter?.message ?? ''} (${name})`);
    return value;
  };

  const actions: Record<string, (query: Record<string, string>) => Record<string, unknown>> = {
    DescribeDomains: (query) => {
      const pageNumber = Number(query.PageNumber ?? '1');
      const pageSize = Math.min(Number(query.PageSize ?? '20'), maxPageSize);
      const page = zones.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
      return {
        TotalCount: zones.length,
        PageNumber: pageNumber,
        PageSize: pageSize,
        Domains: {
          Domain: page.map((zone) => ({
            DomainId: zone.id,
            DomainName: zone.name,
            PunyCode: zone.punyCode,
            AliDomain: false,
            RecordCount: records.filter((record) => record.domainName === zone.name).length,
            VersionCode: 'mianfei',
          })),
        },
      };
    },
    AddDomainRecord: (query) => {
      const domainName = required(query, 'DomainName').toLowerCase();
      const rr = required(query, 'RR').toLowerCase();
      const type = required(query, 'Type');
      const value = required(query, 'Value');
      const ttl = Number(query.TTL ?? '600');
      const zone = zones.find((candidate) => candidate.name === domainName || candidate.punyCode === domainName);
      if (!zone) throw new Refusal('InvalidDomainName.NoExist');
      if (records.some((record) => record.domainName === zone.name && record.rr === rr && record.type === type && record.value === value)) {
        throw new Refusal('DomainRecordDuplicate');
      }
      nextRecordId += 1;
      records.push({ recordId: String(nextRecordId), domainName: zone.name, rr, type, value, ttl });
      return { RecordId: String(nextRecordId) };
    },
    DeleteDomainRecord: (query) => {
      const recordId = required(query, 'RecordId');
      const index = records.findIndex((record) => record.recordId === recordId);
      if (index < 0) throw new Refusal('DomainRecordNotBelongToUser');
      records.splice(index, 1);
      return { RecordId: recordId };
    },
  };

  const handle = (request: IncomingMessage, body: string, query: Record<string, string>): Record<string, unknown> => {
    const key = verifyAcs3(request, body, keys, usedNonces);
    const action = headerValue(request, 'x-acs-action');
    if (headerValue(request, 'x-acs-version') !== VERSION) throw new Refusal('InvalidVersion');
    const failure = failures.find((entry) => entry.action === undefined || entry.action === action);
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) failures.splice(failures.indexOf(failure), 1);
      throw new Refusal(failure.code, failure.message);
    }
    const run = actions[action];
    if (!run) throw new Refusal('InvalidAction');
    if (key.readOnly && WRITE_ACTIONS.has(action)) throw new Refusal('Forbidden.RAM');
    return run(query);
  };

  const server = await serveOnLoopback('fake Alibaba Cloud DNS', (request, received, response) => {
    const body = received.toString('utf8');
    const query = Object.fromEntries(new URL(request.url ?? '/', 'http://fake').searchParams);
    const action = headerValue(request, 'x-acs-action');
    const requestId = randomUUID().toUpperCase();
    let status = 200;
    let answer: Record<string, unknown>;
    let errorCode: string | null = null;
    try {
      answer = { ...handle(request, body, query), RequestId: requestId };
    } catch (error) {
      errorCode = error instanceof Refusal ? error.code : 'InternalError';
      const known = ERRORS[errorCode] ?? { status: 400, message: errorCode };
      status = known.status;
      answer = {
        RequestId: requestId,
        HostId: 'alidns.aliyuncs.com',
        Code: errorCode,
        Message: (error instanceof Refusal ? error.override : undefined) ?? known.message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${errorCode}&product=Alidns`,
      };
    }
    requests.push({ action, query, headers: request.headers, status, errorCode });
    response.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8' }).end(JSON.stringify(answer));
  });

  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    requests,
    addKey: (key) => keys.set(key.accessKeyId, key),
    addZone: (name, punyCode) => {
      zones.push({ id: randomUUID(), name: name.toLowerCase(), punyCode: (punyCode ?? name).toLowerCase() });
    },
    removeZone: (name) => {
      const index = zones.findIndex((zone) => zone.name === name);
      if (index >= 0) zones.splice(index, 1);
    },
    records: (domainName) => records.filter((record) => domainName === undefined || record.domainName === domainName).map((record) => ({ ...record })),
    failNext: (code, options = {}) => failures.push({ code, action: options.action, remaining: options.count ?? 1, message: options.message }),
    setMaxPageSize: (size) => {
      maxPageSize = size;
    },
    close: () => server.close(),
  };
}

/**
 * The service side of ACS3-HMAC-SHA256: rebuilds the canonical request from what arrived (query
 * as received, the headers the client says it signed, the body's hash) and compares signatures.
 */
function verifyAcs3(
  request: IncomingMessage,
  body: string,
  keys: ReadonlyMap<string, FakeAlidnsKey>,
  usedNonces: Set<string>,
): FakeAlidnsKey {
  const match = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([a-z0-9;-]+),Signature=([0-9a-f]{64})$/.exec(headerValue(request, 'authorization'));
  if (!match) throw new Refusal('IncompleteSignature');
  const [, accessKeyId = '', signedHeaders = '', signature = ''] = match;
  const signedNames = signedHeaders.split(';');
  const sorted = [...signedNames].sort();
  if (REQUIRED_SIGNED.some((name) => !signedNames.includes(name)) || sorted.join(';') !== signedHeaders) throw new Refusal('IncompleteSignature');
  const key = keys.get(accessKeyId);
  if (!key) throw new Refusal('InvalidAccessKeyId.NotFound');

  const date = headerValue(request, 'x-acs-date');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(date) || Math.abs(Date.parse(date) - Date.now()) > MAX_SKEW_MS) {
    throw new Refusal('InvalidTimeStamp.Expired');
  }
  const bodyHash = createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex');
  if (headerValue(request, 'x-acs-content-sha256') !== bodyHash) throw new Refusal('SignatureDoesNotMatch');

  const url = new URL(request.url ?? '/', 'http://fake');
  const pairs = [...url.searchParams.entries()].map(([name, value]) => [percentEncodeBytes(name), percentEncodeBytes(value)] as const);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalQuery = pairs.map(([name, value]) => `${name}=${value}`).join('&');
  const canonicalHeaders = signedNames.map((name) => `${name}:${headerValue(request, name).trim()}\n`).join('');
  const canonical = [request.method ?? '', url.pathname, canonicalQuery, canonicalHeaders, signedHeaders, bodyHash].join('\n');
  const toSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
  const expected = createHmac('sha256', key.accessKeySecret).update(toSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) throw new Refusal('SignatureDoesNotMatch');

  const nonce = headerValue(request, 'x-acs-signature-nonce');
  if (usedNonces.has(nonce)) throw new Refusal('SignatureNonceUsed');
  usedNonces.add(nonce);
  return key;
}
