/**
 * The `api` handler over HTTP on loopback, for the local runtime and for pointing a development
 * build of the Mini Program at this machine. WeChat's platform injects the caller's OPENID in
 * production; here the `x-certkeeper-openid` header stands in for it, which is why this server
 * only ever binds 127.0.0.1.
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi } from '../handlers/api';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { ApiResponse } from '../../typings/api';

export const IDENTITY_HEADER = 'x-certkeeper-openid';
/** CloudBase refuses callFunction payloads over about 100 KB; so does the local server. */
const MAX_BODY_BYTES = 100 * 1024;

export interface LocalApiServer {
  url: string;
  /** POSTs `event` to the server as `openId`, the way a client would. */
  call(event: unknown, openId: string): Promise<ApiResponse>;
  close(): Promise<void>;
}

export async function startLocalApiServer(options: { port: number; clock: Clock; logger: Logger }): Promise<LocalApiServer> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST') {
      reply(405, { ok: false, error: { code: 'INVALID_REQUEST', message: '请使用 POST' } });
      return;
    }
    readJson(req).then(
      async (event) => {
        const header = req.headers[IDENTITY_HEADER];
        const openId = typeof header === 'string' && header !== '' ? header : undefined;
        reply(200, await handleApi(event, { openId, clock: options.clock, logger: options.logger }));
      },
      (error: unknown) => {
        reply(400, { ok: false, error: { code: 'INVALID_REQUEST', message: error instanceof Error ? error.message : '请求内容不正确' } });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/api`;
  return {
    url,
    call: (event, openId) => postJson(url, event, openId),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('请求内容过大'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new Error('请求内容不是合法的 JSON'));
      }
    });
    req.on('error', reject);
  });
}

function postJson(url: string, body: unknown, openId: string): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: openId }, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ApiResponse);
        } catch (error) {
          reject(new Error(`local api answered ${res.statusCode} with a body that is not JSON`, { cause: error }));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('local api timed out')));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
