/**
 * WeCom robots and webhooks against a real HTTP receiver on 127.0.0.1. Host names are mapped to
 * addresses by the injected resolver; the network guard refuses any connection off loopback.
 */
import { createChannelSender } from '../../../server/adapters/notify/channel-sender';
import { postJson } from '../../../server/adapters/notify/outgoing-http';
import { generateWebhookSecret, signWebhook, verifyWebhookSignature, webhookPayload } from '../../../server/adapters/notify/webhook';
import { WECOM_MAX_CONTENT_BYTES, wecomMarkdown } from '../../../server/adapters/notify/wecom';
import type { OutgoingMessage } from '../../../server/domain/notification';
import { DeliveryError, type ChannelTarget } from '../../../server/ports/notify';
import { guardLoopbackOnly, type NetworkGuard } from '../selfcheck/support/network-guard';
import { selfSignedCertificate, startWebServer, type TestWebServer } from '../selfcheck/support/web-servers';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers';

const KEY = '693a91f6-7a0c-4bc4-97a0-0ec2sifa3f2a';
const SECRET = 'whsec_test-secret-for-signing';
const NOW = Date.UTC(2026, 0, 5, 8, 0);
const LOCAL = { allowLoopback: true };
const STRICT = { allowLoopback: false };

const ADDRESSES: Record<string, string[]> = {
  'hooks.internal.test': ['10.0.0.1'],
  'hooks.metadata.test': ['169.254.169.254'],
  'hooks.mixed.test': ['127.0.0.1', '192.168.1.10'],
};

async function resolve(host: string): Promise<string[]> {
  return ADDRESSES[host] ?? ['127.0.0.1'];
}

const MESSAGE: OutgoingMessage = {
  notificationId: 'ntf_0001',
  kind: 'expiry',
  title: '证书将在 7 天后到期',
  lines: ['域名：example.com、www.example.com', '到期时间：2026年01月12日'],
  names: ['example.com', 'www.example.com'],
  certificateId: 'cert_1',
  notAfter: Date.UTC(2026, 0, 12),
  daysLeft: 7,
  status: '即将到期',
  note: '自动续期未开启，请尽快手动续期',
  page: 'pages/certificate/index?id=cert_1',
  at: NOW,
};

let guard: NetworkGuard;
let receiver: HttpReceiver;

beforeAll(async () => {
  guard = guardLoopbackOnly();
  receiver = await startHttpReceiver();
});

afterAll(async () => {
  await receiver.close();
  guard.restore();
});

beforeEach(() => {
  receiver.requests.length = 0;
  guard.connections.length = 0;
});

function sender(policy = LOCAL, timeoutMs?: number) {
  return createChannelSender({ smtp: null, policy, resolve, clock: { now: () => NOW }, timeoutMs });
}

function wecomTarget(): ChannelTarget {
  return { type: 'wecom', address: `${receiver.origin}/cgi-bin/webhook/send?key=${KEY}`, secret: null };
}

function webhookTarget(url = `${receiver.origin}/hooks/certkeeper?source=ck`): ChannelTarget {
  return { type: 'webhook', address: url, secret: SECRET };
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

describe('WeCom group robot', () => {
  test('delivers a Chinese markdown message', async () => {
    await sender().send(wecomTarget(), MESSAGE);
    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/cgi-bin/webhook/send');
    expect(request.query).toEqual({ key: KEY });
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({
      msgtype: 'markdown',
      markdown: {
        content: [
          '## 证书将在 7 天后到期',
          '域名：example.com、www.example.com',
          '到期时间：2026年01月12日',
          '> 自动续期未开启，请尽快手动续期',
          '—— 证书管家',
        ].join('\n'),
      },
    });
  });

  test('content is cut to 4096 bytes of UTF-8 between characters', () => {
    const content = wecomMarkdown({ ...MESSAGE, lines: Array.from({ length: 400 }, (_, i) => `第 ${i} 个域名：sub${i}.example.com`) });
    expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(WECOM_MAX_CONTENT_BYTES);
    expect(Buffer.byteLength(content, 'utf8')).toBeGreaterThan(WECOM_MAX_CONTENT_BYTES - 4);
    expect(content.startsWith('## 证书将在 7 天后到期\n')).toBe(true);
    expect(content.endsWith('…')).toBe(true);
    expect(content).not.toContain('\uFFFD');
  });

  test.each([
    [45009, 'api freq out of limit', true],
    [-1, 'system busy', true],
    [93000, 'invalid webhook url, hint: [1767600000_1]', false],
    [40008, 'invalid message type', false],
  ])('errcode %i: retryable %s', async (errcode, errmsg, retryable) => {
    receiver.answerNext({ status: 200, body: JSON.stringify({ errcode, errmsg }) });
    const error = await failure(sender().send(wecomTarget(), MESSAGE));
    expect(error.code).toBe(`wecom_${errcode}`);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain(errmsg);
    expect(error.message).not.toContain(KEY);
  });

  test('an answer that is not WeCom JSON is a retryable failure', async () => {
    receiver.answerNext({ status: 200, body: '<html>gateway</html>' });
    const error = await failure(sender().send(wecomTarget(), MESSAGE));
    expect([error.code, error.retryable]).toEqual(['wecom_bad_answer', true]);
  });
});

describe('HTTP status, timeouts and refused addresses', () => {
  test.each([
    [500, true],
    [502, true],
    [503, true],
    [408, true],
    [429, true],
    [404, false],
    [400, false],
    [401, false],
    [302, false],
  ])('HTTP %i: retryable %s', async (status, retryable) => {
    receiver.answerNext({ status, body: '{}' });
    const error = await failure(sender().send(webhookTarget(), MESSAGE));
    expect([error.code, error.retryable]).toEqual([`http_${status}`, retryable]);
    expect(receiver.requests).toHaveLength(1);
  });

  test('a receiver that does not answer in time: retryable timeout', async () => {
    receiver.answerNext({ status: 200, body: '{}', delayMs: 2_000 });
    const started = Date.now();
    const error = await failure(sender(LOCAL, 200).send(webhookTarget(), MESSAGE));
    expect([error.code, error.retryable]).toEqual(['timeout', true]);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  test('a refused connection: retryable', async () => {
    const closed = await startHttpReceiver();
    const url = `${closed.origin}/in`;
    await closed.close();
    const error = await failure(sender().send(webhookTarget(url), MESSAGE));
    expect([error.code, error.retryable]).toEqual(['connect_failed', true]);
    expect(error.message).toContain('ECONNREFUSED');
  });

  test('loopback is refused without the local policy, and nothing reaches the receiver', async () => {
    const wecom = await failure(sender(STRICT).send(wecomTarget(), MESSAGE));
    const webhook = await failure(sender(STRICT).send(webhookTarget(), MESSAGE));
    for (const error of [wecom, webhook]) expect([error.code, error.retryable]).toEqual(['address_refused', false]);
    expect(wecom.message).not.toContain(KEY);
    expect(receiver.requests).toHaveLength(0);
    expect(guard.connections).toHaveLength(0);
  });

  test.each(['hooks.internal.test', 'hooks.metadata.test', 'hooks.mixed.test'])(
    'a host resolving to a non-public address (%s) is refused before connecting',
    async (host) => {
      const error = await failure(sender().send(webhookTarget(`http://${host}:${receiver.port}/in`), MESSAGE));
      expect([error.code, error.retryable]).toEqual(['address_refused', false]);
      expect(error.message).toContain(host);
      expect(guard.connections).toHaveLength(0);
      expect(receiver.requests).toHaveLength(0);
    },
  );

  test('an IP literal that is not allowed is refused without resolving', async () => {
    const error = await failure(postJson('https://169.254.169.254/latest', '{}', { policy: LOCAL, resolve: () => Promise.reject(new Error('resolved')) }));
    expect(error.code).toBe('address_refused');
  });

  test('a name goes to the checked address with its own Host header', async () => {
    await postJson(`http://hooks.example.test:${receiver.port}/in`, '{"a":1}', { policy: LOCAL, resolve });
    expect(guard.connections).toEqual(['127.0.0.1']);
    expect(receiver.requests[0]?.headers.host).toBe(`hooks.example.test:${receiver.port}`);
  });
});

describe('https: pinned address, SNI and certificate checked against the name', () => {
  let secure: TestWebServer;
  let cert: string;

  beforeAll(async () => {
    const tls = await selfSignedCertificate('hooks.example.test');
    cert = tls.cert;
    secure = await startWebServer((_request, response) => response.writeHead(204).end(), tls);
  });

  afterAll(() => secure.close());

  test('the certificate for the name is accepted when trusted; SNI and Host carry the name', async () => {
    const answer = await postJson(`https://hooks.example.test:${secure.port}/in`, '{}', { policy: LOCAL, resolve, ca: cert });
    expect(answer.status).toBe(204);
    expect(secure.requests.at(-1)).toEqual({ host: `hooks.example.test:${secure.port}`, path: '/in', servername: 'hooks.example.test' });
  });

  test('an untrusted certificate is refused', async () => {
    const error = await failure(postJson(`https://hooks.example.test:${secure.port}/in`, '{}', { policy: LOCAL, resolve }));
    expect(error.code).toBe('connect_failed');
    expect(error.message).toMatch(/self-signed|SELF_SIGNED/i);
  });

  test('a certificate for another name is refused', async () => {
    const error = await failure(postJson(`https://other.example.test:${secure.port}/in`, '{}', { policy: LOCAL, resolve, ca: cert }));
    expect(error.code).toBe('connect_failed');
    expect(error.message).toContain('other.example.test');
  });
});

describe('webhooks', () => {
  test('the signed JSON arrives with its headers and verifies', async () => {
    await sender().send(webhookTarget(), MESSAGE);
    const request = receiver.requests[0]!;
    expect(request.path).toBe('/hooks/certkeeper');
    expect(request.query).toEqual({ source: 'ck' });
    const timestamp = String(Math.floor(NOW / 1000));
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'CertKeeper-Webhook/1',
      'x-certkeeper-id': 'ntf_0001',
      'x-certkeeper-timestamp': timestamp,
    });
    expect(JSON.parse(request.body)).toEqual({
      id: 'ntf_0001',
      kind: 'expiry',
      title: '证书将在 7 天后到期',
      lines: MESSAGE.lines,
      names: MESSAGE.names,
      certificateId: 'cert_1',
      notAfter: MESSAGE.notAfter,
      daysLeft: 7,
      status: '即将到期',
      note: MESSAGE.note,
      page: MESSAGE.page,
      at: NOW,
    });
    const signature = String(request.headers['x-certkeeper-signature']);
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    const check = { secret: SECRET, timestamp, body: request.body, signature, nowSeconds: Number(timestamp) + 10 };
    expect(verifyWebhookSignature(check)).toBe(true);
    expect(verifyWebhookSignature({ ...check, body: request.body.replace('7 天', '70 天') })).toBe(false);
    expect(verifyWebhookSignature({ ...check, timestamp: String(Number(timestamp) + 1) })).toBe(false);
    expect(verifyWebhookSignature({ ...check, secret: `${SECRET}x` })).toBe(false);
    expect(verifyWebhookSignature({ ...check, signature: signature.slice(0, -1) })).toBe(false);
    expect(verifyWebhookSignature({ ...check, nowSeconds: Number(timestamp) + 301 })).toBe(false);
    expect(verifyWebhookSignature({ ...check, nowSeconds: Number(timestamp) + 301, toleranceSeconds: 600 })).toBe(true);
  });

  test('the signature is HMAC-SHA256 over "<timestamp>.<body>", one of several values may match', () => {
    const body = JSON.stringify(webhookPayload(MESSAGE));
    // Computed independently: printf '%s' '1767600000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec_k'
    const known = signWebhook('whsec_k', 1767600000, '{"a":1}');
    expect(known).toBe('v1=54ffd70a1e44b9afe9a41ee2ee28431d4ca185d041e0b2ea413a57b1316776a4');
    const signature = `v1=${'0'.repeat(64)}, ${signWebhook(SECRET, 1767600000, body)}`;
    expect(verifyWebhookSignature({ secret: SECRET, timestamp: '1767600000', body, signature, nowSeconds: 1767600000 })).toBe(true);
    expect(verifyWebhookSignature({ secret: SECRET, timestamp: 'soon', body, signature, nowSeconds: 1767600000 })).toBe(false);
  });

  test('a webhook without a secret is not sent', async () => {
    const error = await failure(sender().send({ ...webhookTarget(), secret: null }, MESSAGE));
    expect([error.code, error.retryable]).toEqual(['webhook_secret_missing', false]);
    expect(receiver.requests).toHaveLength(0);
  });

  test('generated secrets are whsec_ plus 32 random bytes in base64url', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(6), 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });
});

test('e-mail without SMTP settings is a permanent failure', async () => {
  const error = await failure(sender().send({ type: 'email', address: 'alice@example.com', secret: null }, MESSAGE));
  expect([error.code, error.retryable]).toEqual(['smtp_not_configured', false]);
});
