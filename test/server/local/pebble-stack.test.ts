/**
 * Proves the local CA stack: one certificate issued through real Pebble with plain acme-client
 * (dns-01 through challtestsrv, apex + wildcard), its chain verified against Pebble's issuing root;
 * the PEBBLE_* pass-through; and that nothing outlives the stack, even a SIGKILLed parent.
 */
import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as acme from 'acme-client';
import { startPebbleStack, type PebbleStack } from '../../../server/local/pebble';
import { plainAcmeClient } from '../support/plain-acme';

jest.setTimeout(60_000);

function pebbleVariables(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('PEBBLE_') && entry[1] !== undefined));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForDeath(pids: readonly number[], ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (pids.every((pid) => !isAlive(pid))) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe('local CA stack', () => {
  let stack: PebbleStack;

  beforeAll(async () => {
    stack = await startPebbleStack({ env: { PEBBLE_CHAIN_LENGTH: '2' } });
    // Plain acme-client, configured the way its README suggests for a private CA.
    acme.axios.defaults.httpsAgent = new Agent({ ca: stack.caCertPem });
    acme.axios.defaults.timeout = 10_000;
    acme.axios.defaults.proxy = false;
  });
  afterAll(async () => {
    await stack.stop();
  });

  test('listens on loopback only and passes PEBBLE_* settings through over its defaults', async () => {
    expect(new URL(stack.directoryUrl).hostname).toBe('127.0.0.1');
    expect(stack.dnsServer).toMatch(/^127\.0\.0\.1:\d+$/);
    const pebbleEnv = (await readFile(`/proc/${stack.pids[1]}/environ`, 'utf8')).split('\0');
    // The deterministic defaults, unless this run sets its own PEBBLE_* (the chaos run does).
    const expected = { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0', ...pebbleVariables(), PEBBLE_CHAIN_LENGTH: '2' };
    expect(pebbleEnv).toEqual(expect.arrayContaining(Object.entries(expected).map(([key, value]) => `${key}=${value}`)));
  });

  test('issues a certificate with plain acme-client that chains to Pebble’s issuing root', async () => {
    const names = ['app.example.test', '*.example.test'];
    const client = plainAcmeClient({ directoryUrl: stack.directoryUrl, accountKey: await acme.crypto.createPrivateEcdsaKey() });
    await client.createAccount({ termsOfServiceAgreed: true });
    const order = await client.createOrder({ identifiers: names.map((value) => ({ type: 'dns', value })) });
    const authorizations = await client.getAuthorizations(order);
    expect(authorizations).toHaveLength(2);

    for (const authz of authorizations) {
      const challenge = authz.challenges.find((c) => c.type === 'dns-01');
      if (!challenge) throw new Error(`no dns-01 challenge for ${authz.identifier.value}`);
      const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
      // The wildcard's authorization names the apex: both TXT values share one record name.
      await stack.setTxt(`_acme-challenge.${authz.identifier.value}`, keyAuthorization);
    }
    for (const authz of authorizations) {
      const challenge = authz.challenges.find((c) => c.type === 'dns-01')!;
      await client.completeChallenge(challenge);
      await client.waitForValidStatus(challenge);
    }
    await stack.clearTxt('_acme-challenge.example.test');

    const [key, csr] = await acme.crypto.createCsr({ altNames: names }, await acme.crypto.createPrivateEcdsaKey());
    const finalized = await client.finalizeOrder(order, csr);
    // waitForValidStatus drops the order URL; put it back before downloading.
    const valid = { ...(await client.waitForValidStatus(finalized)), url: order.url };
    const pem = await client.getCertificate(valid);
    expect(key.toString()).toContain('PRIVATE KEY');

    const chain = acme.crypto.splitPemChain(pem).map((c) => new X509Certificate(c));
    const root = new X509Certificate(await stack.issuingRootPem());
    expect(chain.length).toBeGreaterThanOrEqual(2);
    const leaf = chain[0]!;
    expect(leaf.subjectAltName).toBe('DNS:app.example.test, DNS:*.example.test');
    expect(leaf.checkHost('app.example.test')).toBe('app.example.test');
    expect(leaf.checkHost('www.example.test')).toBe('*.example.test');
    expect(leaf.checkHost('a.b.example.test')).toBeUndefined();
    // Every certificate is signed by the next, and the last by the issuing root.
    for (const [i, cert] of chain.entries()) {
      const issuer = chain[i + 1] ?? root;
      expect(cert.checkIssued(issuer)).toBe(true);
      expect(cert.verify(issuer.publicKey)).toBe(true);
    }
    expect(root.verify(root.publicKey)).toBe(true);
    expect(chain.some((cert) => cert.fingerprint256 === root.fingerprint256)).toBe(false);

    // Revocation shows in Pebble's management API.
    // RFC 5280 reason 1 = keyCompromise. acme-client declares the reasons as an enum with no
    // runtime value, so the number is the only thing that can be passed.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- see above
    await client.revokeCertificate(pem, { reason: 1 });
    const status = await stack.certificateStatus(leaf.serialNumber.toLowerCase());
    expect(status).toMatchObject({ Status: 'Revoked', Reason: 1 });
  });
});

describe('local CA stack lifecycle', () => {
  test('stop() ends both processes and is idempotent', async () => {
    const stack = await startPebbleStack();
    expect(stack.pids.every(isAlive)).toBe(true);
    await stack.stop();
    await stack.stop();
    expect(await waitForDeath(stack.pids)).toBe(true);
  });

  test('a parent killed with SIGKILL takes Pebble and challtestsrv with it', async () => {
    const script = join(__dirname, 'pebble-parent.fixture.ts');
    const parent = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pids = await new Promise<number[]>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('PIDS '));
        if (line) resolve(line.slice(5).split(',').map(Number));
      });
      parent.once('exit', (code) => reject(new Error(`fixture exited early with ${code}`)));
    });
    expect(pids).toHaveLength(2);
    expect(pids.every(isAlive)).toBe(true);
    parent.kill('SIGKILL');
    expect(await waitForDeath(pids)).toBe(true);
  });

  test('Pebble’s EAB mode refuses an account without a binding and accepts one with it', async () => {
    const hmacKey = 'zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W';
    const stack = await startPebbleStack({ externalAccountBindings: { 'kid-1': hmacKey } });
    try {
      acme.axios.defaults.httpsAgent = new Agent({ ca: stack.caCertPem });
      const plain = plainAcmeClient({ directoryUrl: stack.directoryUrl, accountKey: await acme.crypto.createPrivateEcdsaKey() });
      await expect(plain.createAccount({ termsOfServiceAgreed: true })).rejects.toThrow(/externalAccountBinding/);
      const bound = plainAcmeClient({
        directoryUrl: stack.directoryUrl,
        accountKey: await acme.crypto.createPrivateEcdsaKey(),
        externalAccountBinding: { kid: 'kid-1', hmacKey },
      });
      expect(await bound.createAccount({ termsOfServiceAgreed: true })).toMatchObject({ status: 'valid' });
    } finally {
      await stack.stop();
    }
  });
});

describe('pebble installation check', () => {
  test('without pebble on PATH and without root it names the package to install', async () => {
    const script = "require('./server/local/pebble').ensurePebbleInstalled().catch((e) => { console.log(e.message); })";
    // nobody's uid, and a PATH without pebble: the check must refuse to apt-get and explain.
    const { stdout: output } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: join(__dirname, '../../..'),
      env: { ...process.env, PATH: '/nonexistent' },
      uid: 65534,
      gid: 65534,
    });
    expect(output).toContain('apt-get install -y pebble');
  });
});
