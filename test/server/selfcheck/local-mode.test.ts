/**
 * Local mode against the real local CA stack: challtestsrv (which answers neither NS nor SOA)
 * stands in for the authoritative servers and resolves names for http-01, whose file is served
 * on 127.0.0.1:httpChallengePort, exactly as Pebble's VA would fetch it.
 */
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
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

/** challtestsrv's management API, read from its command line (`-management 127.0.0.1:port`). */
async function challengeManagementUrl(pid: number): Promise<string> {
  const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
  const address = args[args.indexOf('-management') + 1];
  if (address === undefined || !address.startsWith('127.0.0.1:')) throw new Error(`no loopback -management in ${args.join(' ')}`);
  return `http://${address}`;
}

function post(url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', timeout: 5_000 }, (response) => {
      response.resume();
      response.on('end', () => ((response.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`${url}: ${response.statusCode}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

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

test('follows a CNAME set through challtestsrv’s management API', async () => {
  const management = await challengeManagementUrl(stack.pids[0]!);
  const source = '_acme-challenge.cname.certkeeper.test';
  const target = 'validation.dns-service.test';
  await post(`${management}/set-cname`, { host: `${source}.`, target: `${target}.` });
  await stack.setTxt(target, APEX);
  try {
    expect(await selfCheck.checkTxt({ recordName: source, expectedValues: [APEX] })).toEqual({
      ok: true,
      answers: [{ server: stack.dnsServer, address: '127.0.0.1', values: [APEX], queriedName: target }],
    });
  } finally {
    await post(`${management}/clear-cname`, { host: `${source}.` });
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
