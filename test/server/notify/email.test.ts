/** E-mail through nodemailer to a real SMTP server on 127.0.0.1. */
import { createServer, type Server, type Socket } from 'node:net';
import { createChannelSender } from '../../../server/adapters/notify/channel-sender';
import type { SmtpSettings } from '../../../server/adapters/notify/email';
import type { OutgoingMessage } from '../../../server/domain/notification';
import { DeliveryError, type ChannelTarget } from '../../../server/ports/notify';
import { guardLoopbackOnly, type NetworkGuard } from '../selfcheck/support/network-guard';
import { startSmtpReceiver, type SmtpReceiver } from '../support/receivers';

const POLICY = { allowLoopback: true };
const FROM = 'noreply@certkeeper.test';
const TO: ChannelTarget = { type: 'email', address: 'alice@example.test', secret: null };

const MESSAGE: OutgoingMessage = {
  notificationId: 'ntf_mail',
  kind: 'renewalFailed',
  title: '续期失败：<script>alert(1)</script> & 其他',
  lines: ['域名：a.example.com', '原因：DNS 记录 "_acme-challenge" 的值不对 <b>请检查</b>'],
  names: ['a.example.com'],
  certificateId: 'cert_9',
  notAfter: Date.UTC(2026, 1, 1),
  daysLeft: 20,
  status: '续期失败',
  note: "请在小程序中重新验证 'O'Reilly'",
  page: 'pages/certificate/index?id=cert_9',
  at: Date.UTC(2026, 0, 12),
};

let guard: NetworkGuard;
let smtp: SmtpReceiver;

beforeAll(async () => {
  guard = guardLoopbackOnly();
  smtp = await startSmtpReceiver({ auth: { user: 'mailer', pass: 'correct horse' } });
});

afterAll(async () => {
  await smtp.close();
  guard.restore();
});

beforeEach(() => {
  smtp.messages.length = 0;
});

function settings(overrides: Partial<SmtpSettings> = {}): SmtpSettings {
  return { host: '127.0.0.1', port: smtp.port, secure: false, from: `证书管家 <${FROM}>`, ...overrides };
}

function send(smtpSettings: SmtpSettings, timeoutMs?: number): Promise<void> {
  return createChannelSender({ smtp: smtpSettings, policy: POLICY, timeoutMs }).send(TO, MESSAGE);
}

async function failure(work: Promise<unknown>): Promise<DeliveryError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DeliveryError) return error;
    throw error;
  }
  throw new Error('expected a DeliveryError');
}

test('arrives with the title as subject, a text body and an escaped HTML body', async () => {
  await send(settings());
  expect(smtp.messages).toHaveLength(1);
  const mail = smtp.messages[0]!;
  expect(mail.from).toBe(FROM);
  expect(mail.to).toEqual(['alice@example.test']);
  expect(mail.subject).toBe(MESSAGE.title);
  expect(mail.text).toContain(MESSAGE.title);
  for (const line of MESSAGE.lines) expect(mail.text).toContain(line);
  expect(mail.text).toContain(MESSAGE.note);
  expect(mail.text).toContain('—— 证书管家');
  expect(mail.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62; &#38; 其他');
  expect(mail.html).toContain('&#60;b&#62;请检查&#60;/b&#62;');
  expect(mail.html).toContain('&#34;_acme-challenge&#34;');
  expect(mail.html).toContain('&#39;O&#39;Reilly&#39;');
  expect(mail.html).not.toContain('<script>');
  expect(mail.html).not.toContain('<b>');
  expect(mail.user).toBeNull();
});

test('logs in with the operator credentials when the TLS requirement is lifted', async () => {
  await send(settings({ user: 'mailer', pass: 'correct horse', requireTls: false }));
  expect(smtp.messages[0]?.user).toBe('mailer');
});

test('a wrong password is a permanent failure that does not show the password', async () => {
  const error = await failure(send(settings({ user: 'mailer', pass: 'wrong battery', requireTls: false })));
  expect([error.code, error.retryable]).toEqual(['smtp_535', false]);
  expect(error.message).not.toContain('wrong battery');
  expect(smtp.messages).toHaveLength(0);
});

test('a password is not sent to a server without STARTTLS unless the operator allows it', async () => {
  const error = await failure(send(settings({ user: 'mailer', pass: 'correct horse' })));
  // nodemailer insists on STARTTLS, which this server does not know (500): permanent.
  expect([error.code, error.retryable]).toEqual(['smtp_500', false]);
  expect(error.message).toMatch(/STARTTLS/i);
  expect(error.message).not.toContain('correct horse');
  expect(smtp.messages).toHaveLength(0);
});

test.each([
  [550, false],
  [554, false],
  [451, true],
  [452, true],
])('SMTP %i: retryable %s', async (code, retryable) => {
  smtp.rejectNext(code);
  const error = await failure(send(settings()));
  expect([error.code, error.retryable]).toEqual([`smtp_${code}`, retryable]);
  expect(smtp.messages).toHaveLength(0);
});

describe('connection problems are retryable', () => {
  let silent: Server;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    silent = createServer((socket) => sockets.add(socket)); // accepts and never greets
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  test('a server that never greets: timeout', async () => {
    const { port } = silent.address() as { port: number };
    const started = Date.now();
    const error = await failure(send(settings({ port }), 300));
    expect([error.code, error.retryable]).toEqual(['timeout', true]);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test('a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(send(settings({ port })));
    expect([error.code, error.retryable]).toEqual(['smtp_connection', true]);
    expect(error.message).toContain('ECONNREFUSED');
  });
});
