/**
 * The doctor's HTTP GET (`usecases/doctor.ts` `HttpGet`): one request, no redirects followed, the
 * status and at most the first 4 KiB of the body, rejected when nothing answers in time.
 */
import type { ReadableStreamDefaultReader } from 'node:stream/web';
import type { HttpGet } from '../usecases/doctor';

const MAX_BODY_BYTES = 4_096;

export const httpGet: HttpGet = async (url, { timeoutMs }) => {
  const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs), headers: { 'user-agent': 'CertKeeper-doctor' } });
  const body = await readStart(response, MAX_BODY_BYTES);
  return { status: response.status, body };
};

async function readStart(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  // Node's fetch streams bytes; its typings leave the chunk type open.
  const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}
