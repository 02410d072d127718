/**
 * Local mode against the real local CA stack: challtestsrv (which answers neither NS nor SOA)
 * stands in for the authoritative servers and resolves names for http-01, whose file is served
 * on 127.0.0.1:httpChallengePort, exactly as Pebble's VA would fetch it.
 */
import { localSelfCheckOptions, NetworkSelfCheck } from '../../../server/adapters/selfcheck';
import { describeTxtProblem } from '../../../server/domain/self-check.messages.zh';
import { startPebbleStack, type PebbleStack } from '../../../server/local/pebble';
import { guardLoopbackOnly, type NetworkGuard } from './support/network-guard';
import { startWebServer, type TestWebServer } from './support/web-servers';

jest.setTimeout(60_000);

const NAME = '_acme-challenge.local.certkeeper.test';
const APEX = 'apex-0123456789abcdefghijklmnopqrstuvwxyzABCD';
const WILDCARD = 'wild-0123456789abcdefghijklmnopqrstuvwxyzABCD';

let stack: PebbleStack;
let web: TestWebServer;
let guard: NetworkGuard;
let selfCheck: NetworkSelfCheck;

beforeAll(async () => {
  guard = guardLoopbackOnly();
  stack = await startPebbleStack();
  web = await startWebServer((req, res) => {
    if (req.url === '/.well-known/acme-challenge/local-token') res.end('local-token.thumbprint');
    else res.writeHead(404).end();
  });
  // The check connects to the port the web server got, as the local runtime serves on httpChallengePort.
  selfCheck = new NetworkSelfCheck(localSelfCheckOptions(stack.dnsServer, web.port));
});

afterAll(async () => {
  await web.close();
  await stack.stop();
  guard.restore();
});

beforeEach(async () => {
  await stack.clearTxt(NAME);
});

test('apex + wildcard: both values at one name pass; one of them is missingSome', async () => {
  await stack.setTxt(NAME, APEX);
  const request = { recordName: NAME, expectedValues: [APEX, WILDCARD] };
  const partial = await selfCheck.checkTxt(request);
  if (partial.ok) throw new Error('expected missingSome');
  expect(partial).toMatchObject({ problem: 'missingSome', missingValues: [WILDCARD], answers: [{ server: stack.dnsServer, values: [APEX] }] });
  expect(describeTxtProblem(request, partial).reason).toBe(
    `${NAME} 还缺少 1 个 TXT 值：“${WILDCARD}”。通配符证书和主域名共用这个记录名，两个值都要添加。`,
  );

  await stack.setTxt(NAME, WILDCARD);
  expect(await selfCheck.checkTxt(request)).toEqual({
    ok: true,
    answers: [{ server: stack.dnsServer, address: '127.0.0.1', values: [APEX, WILDCARD], queriedName: NAME }],
  });
});

test('absent before the record is published', async () => {
  const result = await selfCheck.checkTxt({ recordName: NAME, expectedValues: [APEX] });
  expect(result).toMatchObject({ ok: false, problem: 'absent', missingValues: [APEX] });
});

test('follows a CNAME set in challtestsrv', async () => {
  const source = '_acme-challenge.cname.certkeeper.test';
  const target = 'validation.dns-service.test';
  await stack.setCname(source, target);
  await stack.setTxt(target, APEX);
  try {
    expect(await selfCheck.checkTxt({ recordName: source, expectedValues: [APEX] })).toEqual({
      ok: true,
      answers: [{ server: stack.dnsServer, address: '127.0.0.1', values: [APEX], queriedName: target }],
    });
  } finally {
    await stack.clearCname(source);
    await stack.clearTxt(target);
  }
});

test('http-01: names resolve through challtestsrv to loopback, which local mode allows', async () => {
  const url = 'http://local.certkeeper.test/.well-known/acme-challenge/local-token';
  expect(await selfCheck.checkHttp({ url, expectedBody: 'local-token.thumbprint' })).toEqual({
    ok: true,
    hops: [{ url, address: '127.0.0.1', status: 200 }],
  });
  expect(web.requests.at(-1)).toEqual({ host: 'local.certkeeper.test', path: '/.well-known/acme-challenge/local-token' });
  const missing = await selfCheck.checkHttp({ url: url.replace('local-token', 'other'), expectedBody: 'x' });
  expect(missing).toMatchObject({ ok: false, problem: 'notFound' });
});
