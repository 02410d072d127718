/**
 * Huawei Cloud's API gateway (APIG) AK/SK signing, "SDK-HMAC-SHA256", as the API Request Signing
 * Guide describes it (https://support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-algorithm-002.html
 * to -005). `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`, UTC) must be within 15 minutes of the gateway's clock.
 * Used by the Huawei Cloud DNS adapter (`huaweicloud.ts`).
 */
import { createHmac } from 'node:crypto';
import { rfc3986Encode, sha256Hex } from './common';

export const APIG_SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

export interface ApigRequest {
  method: string;
  /** The full URL; its path and query are signed exactly as they will be sent. */
  url: string;
  /** The headers to sign. `X-Sdk-Date` is required; `Host` is taken from the URL when absent. */
  headers: Readonly<Record<string, string>>;
  body: string;
}

export interface ApigSignature {
  canonicalRequest: string;
  stringToSign: string;
  signedHeaders: string;
  signature: string;
  /** The value of the `Authorization` header. */
  authorization: string;
}

/**
 * Signs one request; pure (the time is the request's `X-Sdk-Date`). Canonical request = method,
 * URI (each path segment RFC 3986-encoded, ending in "/"), query (encoded, sorted by name, then
 * value), headers (lower-case names, trimmed values, sorted, one "name:value\n" each), signed
 * header names joined by ";", hex SHA-256 of the body. String to sign =
 * "SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex SHA-256 of the canonical request>"; signature = hex
 * HMAC-SHA256(SK, string to sign).
 */
export function signApigRequest(request: ApigRequest, accessKeyId: string, secretAccessKey: string): ApigSignature {
  const url = new URL(request.url);
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) {
    const key = name.toLowerCase();
    if (key !== 'authorization') headers.set(key, value.trim());
  }
  if (!headers.has('host')) headers.set('host', url.host);
  const sdkDate = headers.get('x-sdk-date');
  if (sdkDate === undefined) throw new Error('APIG signing needs an X-Sdk-Date header');

  const names = [...headers.keys()].sort();
  const canonicalHeaders = names.map((name) => `${name}:${headers.get(name) ?? ''}\n`).join('');
  const signedHeaders = names.join(';');
  const method = request.method.toUpperCase();
  const canonicalRequest = [method, canonicalUri(url.pathname), canonicalQuery(url.search), canonicalHeaders, signedHeaders, sha256Hex(request.body)].join('\n');
  const stringToSign = `${APIG_SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', secretAccessKey).update(stringToSign, 'utf8').digest('hex');
  const authorization = `${APIG_SIGNING_ALGORITHM} Access=${accessKeyId}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { canonicalRequest, stringToSign, signedHeaders, signature, authorization };
}

/** `X-Sdk-Date` for a moment: `YYYYMMDDTHHMMSSZ` in UTC. */
export function formatSdkDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function canonicalUri(pathname: string): string {
  const encoded = pathname.split('/').map((segment) => rfc3986Encode(safeDecode(segment))).join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

function canonicalQuery(search: string): string {
  const raw = search.startsWith('?') ? search.slice(1) : search;
  const pairs = raw.split('&').filter((part) => part !== '').map((part): [string, string] => {
    const equals = part.indexOf('=');
    const [name, value] = equals < 0 ? [part, ''] : [part.slice(0, equals), part.slice(equals + 1)];
    return [rfc3986Encode(safeDecode(name)), rfc3986Encode(safeDecode(value))];
  });
  pairs.sort((a, b) => compare(a[0], b[0]) || compare(a[1], b[1]));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
