/**
 * Real receivers on 127.0.0.1 (free ports) standing in for the destinations of notification
 * channels: an HTTP server (WeCom robot, webhooks) and an SMTP server. Both record what arrived;
 * the test chooses their answers.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as sent. */
  body: string;
}

export interface HttpAnswer {
  status: number;
  body: string;
  /** Wait this long before answering (for timeouts); the answer is dropped if the client gave up. */
  delayMs?: number;
}

export interface HttpReceiver {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly requests: ReceivedRequest[];
  /** Queues answers for the next requests; afterwards the default (200, WeCom's success). */
  answerNext(...answers: HttpAnswer[]): void;
  close(): Promise<void>;
}

export const WECOM_OK: HttpAnswer = { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const queue: HttpAnswer[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://receiver');
      requests.push({
        method: request.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = queue.shift() ?? WECOM_OK;
      const reply = () => {
        if (!response.destroyed) response.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(answer.body);
      };
      if (answer.delayMs === undefined) reply();
      else {
        const timer = setTimeout(() => {
          timers.delete(timer);
          reply();
        }, answer.delayMs);
        timers.add(timer);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    requests,
    answerNext: (...answers) => queue.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** The authenticated user, if the client logged in. */
  user: string | null;
}

export interface SmtpReceiver {
  readonly port: number;
  readonly messages: ReceivedMail[];
  /** The next message is refused at the end of DATA with this reply code (e.g. 550, 451). */
  rejectNext(code: number): void;
  close(): Promise<void>;
}

export interface SmtpReceiverOptions {
  /** Accept logins with exactly these credentials (others get 535); without it no login is offered. */
  auth?: { user: string; pass: string };
}

/** A plain SMTP server (no TLS, no STARTTLS, no reverse lookups) on 127.0.0.1. */
export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const rejections: number[] = [];
  const { auth } = options;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', ...(auth ? [] : ['AUTH'])],
    authOptional: true,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    onAuth(login, _session, callback) {
      if (auth && login.username === auth.user && login.password === auth.pass) callback(null, { user: login.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      void simpleParser(stream).then(
        (mail) => {
          const code = rejections.shift();
          if (code !== undefined) {
            callback(Object.assign(new Error(`Refused by the test (${code})`), { responseCode: code }));
            return;
          }
          const { mailFrom, rcptTo } = session.envelope;
          messages.push({
            from: mailFrom === false ? '' : mailFrom.address,
            to: rcptTo.map((rcpt) => rcpt.address),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            user: typeof session.user === 'string' ? session.user : null,
          });
          callback();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    messages,
    rejectNext: (code) => rejections.push(code),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
