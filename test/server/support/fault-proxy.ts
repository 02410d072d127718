/**
 * A loopback HTTPS reverse proxy between an ACME client and Pebble that makes the CA misbehave on
 * cue: canned answers (429, 503 …), reset connections, or the whole CA down.
 *
 * URL rewriting: the client's `Host` header (the proxy's host:port) is forwarded unchanged.
 * Pebble builds every URL it hands out (directory, Location, Link, order/authz/finalize/certificate
 * URLs) and the URL it expects in the JWS protected header from that Host header (checked by
 * experiment and by a full issuance through the proxy), so clients stay on the proxy and their
 * signed requests verify without touching request bodies. As a safety net, any target origin left
 * in a response body or a Location/Link header is still rewritten to the proxy origin.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Agent, createServer, request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { PebbleStack } from '../../../server/local/pebble';

export interface FaultMatch {
  /** HTTP method, e.g. 'POST'; any method when omitted. */
  method?: string;
  /** Tested against the request path (with query), e.g. /order-plz/. */
  path: RegExp;
}

export interface FaultResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
}

export interface ProxyLogEntry {
  method: string;
  path: string;
  /** The status the client received; null when the connection was reset or the upstream failed. */
  status: number | null;
  /** True when a rule answered instead of Pebble. */
  faulted: boolean;
}

export interface FaultProxyOptions {
  /** Pebble's origin, e.g. https://127.0.0.1:14000 */
  target: string;
  /** Certificate and key the proxy serves (Pebble's listener pair, so clients already trust it). */
  certPath: string;
  keyPath: string;
  /** PEM of the CA that signed Pebble's listener certificate. */
  targetCa: string;
}

export interface FaultProxy {
  /** The proxy's origin, e.g. https://127.0.0.1:40123 */
  readonly url: string;
  readonly directoryUrl: string;
  /** Every request seen, in order of arrival. */
  readonly requests: ProxyLogEntry[];
  /** Answers the next `times` matching requests itself (Infinity: until clearRules). */
  respondWith(match: FaultMatch, response: FaultResponse, times?: number): void;
  /** Destroys the socket of the next `times` matching requests without answering. */
  resetConnection(match: FaultMatch, times?: number): void;
  /**
   * `true`: the CA is down. The proxy stops listening and destroys open connections, so new
   * connections fail with ECONNREFUSED. `false`: listens again on the same port.
   */
  refuseAll(on: boolean): Promise<void>;
  clearRules(): void;
  close(): Promise<void>;
}

interface Rule {
  match: FaultMatch;
  left: number;
  action: { kind: 'respond'; response: FaultResponse } | { kind: 'reset' };
}

/** A fault proxy in front of a running local CA stack, serving Pebble's own listener certificate. */
export function startFaultProxyFor(stack: Pick<PebbleStack, 'directoryUrl' | 'listenerCertPath' | 'listenerKeyPath' | 'caCertPem'>): Promise<FaultProxy> {
  return startFaultProxy({
    target: new URL(stack.directoryUrl).origin,
    certPath: stack.listenerCertPath,
    keyPath: stack.listenerKeyPath,
    targetCa: stack.caCertPem,
  });
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ ca: options.targetCa, keepAlive: true });
  const rules: Rule[] = [];
  const requests: ProxyLogEntry[] = [];
  const sockets = new Set<Socket>();
  let origin = '';

  const takeRule = (req: IncomingMessage): Rule | undefined => {
    const rule = rules.find(
      (r) => r.left > 0 && (r.match.method ?? req.method) === req.method && r.match.path.test(req.url ?? ''),
    );
    if (rule) rule.left -= 1;
    return rule;
  };
  const rewrite = (text: string) => text.split(target.origin).join(origin);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const entry: ProxyLogEntry = { method: req.method ?? 'GET', path: req.url ?? '/', status: null, faulted: false };
    requests.push(entry);
    const rule = takeRule(req);
    if (rule) {
      entry.faulted = true;
      if (rule.action.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      const { status, headers = {}, body } = rule.action.response;
      entry.status = status;
      res.writeHead(status, headers).end(body === undefined || typeof body === 'string' ? body : JSON.stringify(body));
      return;
    }

    const upstream = httpsRequest(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        agent,
        // Host stays the proxy's: Pebble derives its URLs and the expected JWS url from it.
        headers: { ...req.headers, host: req.headers.host ?? new URL(origin).host },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          let body = Buffer.concat(chunks);
          if (body.includes(target.origin)) body = Buffer.from(rewrite(body.toString('utf8')), 'utf8');
          const headers: OutgoingHttpHeaders = { ...answer.headers, 'content-length': body.length };
          delete headers['transfer-encoding'];
          for (const name of ['location', 'link']) {
            const value = answer.headers[name];
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(rewrite) : rewrite(value);
          }
          entry.status = answer.statusCode ?? 502;
          res.writeHead(entry.status, headers).end(body);
        });
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`fault proxy: ${error.message}`);
      else res.destroy();
    });
    req.pipe(upstream);
  };

  const server = createServer({ cert: readFileSync(options.certPath), key: readFileSync(options.keyPath) }, handle);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A reset socket may surface as a TLS/client error; it must not crash the test process.
  server.on('clientError', (_error, socket) => socket.destroy());

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    return closed;
  };

  await listen(0);
  const port = (server.address() as AddressInfo).port;
  origin = `https://127.0.0.1:${port}`;
  let refusing = false;
  let closed = false;

  return {
    url: origin,
    directoryUrl: `${origin}/dir`,
    requests,
    respondWith: (match, response, times = 1) => {
      rules.push({ match, left: times, action: { kind: 'respond', response } });
    },
    resetConnection: (match, times = 1) => {
      rules.push({ match, left: times, action: { kind: 'reset' } });
    },
    refuseAll: async (on) => {
      if (closed || on === refusing) return;
      refusing = on;
      if (on) await stopListening();
      else await listen(port);
    },
    clearRules: () => {
      rules.length = 0;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      if (!refusing) await stopListening();
      agent.destroy();
    },
  };
}
