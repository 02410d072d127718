/**
 * One HTTP exchange with a DNS vendor's API (fixed vendor hosts, or a loopback server in tests).
 * Transport failures become `DnsProviderError('unreachable')`; the answer is returned whatever its
 * status, for the adapter to read the vendor's error shape.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DnsProviderError } from '../../ports/dns-provider';

export interface VendorRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface VendorAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const MAX_ANSWER_BYTES = 1024 * 1024;

export function vendorRequest(input: VendorRequest): Promise<VendorAnswer> {
  const url = new URL(input.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const payload = input.body === undefined ? undefined : Buffer.from(input.body, 'utf8');
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: input.method,
        headers: { ...input.headers, ...(payload ? { 'Content-Length': String(payload.length) } : {}) },
        timeout: input.timeoutMs ?? 10_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => reject(unreachable(url, error)));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) => reject(unreachable(url, error)));
    request.end(payload);
  });
}

function unreachable(url: URL, error: Error): DnsProviderError {
  return new DnsProviderError('unreachable', `${url.host}: ${error.message}`);
}
