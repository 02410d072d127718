/**
 * The cloud functions' handlers over HTTP on loopback, for the local runtime and for pointing a
 * development build of the Mini Program at this machine:
 *
 *   POST /fn/api              the `api` function; the event is the body
 *   GET  /files/<token>       a file an export put in local storage (expires)
 *   POST /dev/txt             {name, value}: publish a TXT value in the local DNS (dev only)
 *   POST /dev/http-01         {token, content}: serve an http-01 file to the local CA (dev only)
 *   GET  /acmehttp/…          the `acmehttp` function (delegated http-01 answers); every method
 *                             reaches the handler, as through CloudBase's HTTP access (405 but GET/HEAD)
 *
 * WeChat injects the caller's OPENID in production; here the `x-certkeeper-openid` header stands
 * in for it, which is why this server only ever binds 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiResponse } from '../../typings/api';
import { handleAcmeHttp, type AcmeHttpDependencies } from '../handlers/acmehttp';
import { handleApi, type ApiDependencies } from '../handlers/api';
import type { FileStorage } from '../ports/files';

export const IDENTITY_HEADER = 'x-certkeeper-openid';
/** CloudBase refuses callFunction payloads over about 100 KB; so does the local server. */
const MAX_BODY_BYTES = 100 * 1024;

export interface DevHooks {
  setTxt(name: string, value: string): Promise<void>;
  serveHttp01(token: string, content: string): void;
}

export interface LocalApiServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** The `api` function's URL. */
  url: string;
  /** The `acmehttp` function's URL (`<origin>/acmehttp`), what users' redirects point at locally. */
  acmeHttpUrl: string;
  /** POSTs `event` to the `api` function as `openId`, the way a client would. */
  call(event: unknown, openId: string): Promise<ApiResponse>;
  /** POSTs to a dev endpoint. */
  dev(path: '/dev/txt' | '/dev/http-01', body: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** Files in memory, handed out by unguessable token until they expire. */
export class LocalFileStorage implements FileStorage {
  private readonly files = new Map<string, { content: Buffer; fileName: string; expiresAt: number }>();
  origin = '';

  async put(path: string, content: Buffer, ttlSeconds: number): Promise<{ url: string; expiresAt: number }> {
    const token = randomBytes(16).toString('hex');
    const expiresAt = Date.now() + ttlSeconds * 1000;
    this.files.set(token, { content, fileName: path.split('/').pop() ?? 'file', expiresAt });
    return { url: `${this.origin}/files/${token}`, expiresAt };
  }

  take(token: string): { content: Buffer; fileName: string } | null {
    const file = this.files.get(token);
    if (!file || file.expiresAt < Date.now()) {
      this.files.delete(token);
      return null;
    }
    return file;
  }
}

export async function startLocalApiServer(options: {
  port: number;
  deps: Omit<ApiDependencies, 'openId' | 'files'>;
  files?: LocalFileStorage;
  dev?: DevHooks;
  /** Serve the `acmehttp` function under `/acmehttp/`; absent: not served. */
  acmeHttp?: AcmeHttpDependencies;
}): Promise<LocalApiServer> {
  const server = createServer((req, res) => {
    route(req, res, options).catch((error: unknown) => {
      options.deps.logger.error('local.http.failed', { path: req.url, error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) json(res, 500, { ok: false, error: { code: 'INTERNAL', message: '服务暂时出了点问题，请稍后重试' } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (options.files) options.files.origin = origin;
  return {
    origin,
    url: `${origin}/fn/api`,
    acmeHttpUrl: `${origin}/acmehttp`,
    call: async (event, openId) => (await postJson(`${origin}/fn/api`, event, { [IDENTITY_HEADER]: openId })) as ApiResponse,
    dev: (path, body) => postJson(`${origin}${path}`, body, {}),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function route(req: IncomingMessage, res: ServerResponse, options: Parameters<typeof startLocalApiServer>[0]): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (req.method === 'GET' && path.startsWith('/files/') && options.files) {
    const file = options.files.take(path.slice('/files/'.length));
    if (!file) return json(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: '文件不存在或链接已过期' } });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${file.fileName}"` });
    res.end(file.content);
    return;
  }
  if (path.startsWith('/acmehttp/') && options.acmeHttp) {
    // The event CloudBase's HTTP access builds: no body is read, none is needed.
    const answer = await handleAcmeHttp(
      { path, httpMethod: req.method ?? 'GET', headers: req.headers, queryStringParameters: {}, body: '', isBase64Encoded: false },
      options.acmeHttp,
    );
    res.writeHead(answer.statusCode, answer.headers);
    res.end(answer.body);
    return;
  }
  if (req.method !== 'POST') return json(res, 405, { ok: false, error: { code: 'INVALID_REQUEST', message: '请使用 POST' } });
  let body: unknown;
  try {
    body = await readJson(req);
  } catch (error) {
    return json(res, 400, { ok: false, error: { code: 'INVALID_REQUEST', message: error instanceof Error ? error.message : '请求内容不正确' } });
  }
  if (path === '/fn/api') {
    const header = req.headers[IDENTITY_HEADER];
    const openId = typeof header === 'string' && header !== '' ? header : undefined;
    return json(res, 200, await handleApi(body, { ...options.deps, openId, ...(options.files ? { files: options.files } : {}) }));
  }
  if (path === '/dev/txt' && options.dev && isRecord(body) && typeof body.name === 'string' && typeof body.value === 'string') {
    await options.dev.setTxt(body.name, body.value);
    return json(res, 200, { ok: true });
  }
  if (path === '/dev/http-01' && options.dev && isRecord(body) && typeof body.token === 'string' && typeof body.content === 'string') {
    options.dev.serveHttp01(body.token, body.content);
    return json(res, 200, { ok: true });
  }
  json(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: `没有这个接口：${path}` } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
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

function postJson(url: string, body: unknown, headers: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
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
