/**
 * The local CA stack: Debian's `pebble` (a small ACME CA from Let's Encrypt) and
 * `pebble-challtestsrv` (its mock DNS server), started on free loopback ports for tests and for
 * the local runtime, and stopped by PID.
 *
 * - Debian ships no TLS certificate for Pebble's own HTTPS listeners, so each start mints a
 *   throwaway CA and a 127.0.0.1/localhost certificate (`caCertPem` is what clients must trust).
 * - Pebble resolves every challenge name through challtestsrv; `setTxt` publishes dns-01 records
 *   there, and A lookups answer 127.0.0.1, so http-01 validation connects to
 *   127.0.0.1:`httpChallengePort`, where the caller runs its challenge server.
 * - Behaviour is deterministic by default (no VA sleep, no nonce rejection, no authz reuse); any
 *   `PEBBLE_*` variable in the environment or in `options.env` overrides that, so the same suite can
 *   run against a harsher CA (`PEBBLE_WFE_NONCEREJECT=30 npm test`).
 * - Child processes die with their parent even when it is killed outright (SIGKILL): they are
 *   started under `setpriv --pdeathsig`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createTcpServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PebbleStackOptions {
  /** Lifetime of issued certificates in seconds (Pebble default: 5 years). */
  certificateValidityPeriod?: number;
  /** EAB key id → base64url HMAC key. When given, Pebble requires External Account Binding. */
  externalAccountBindings?: Record<string, string>;
  /** Port Pebble's VA connects to (on 127.0.0.1) for http-01. Default: a free port. */
  httpChallengePort?: number;
  /** Extra `PEBBLE_*` settings; they win over the environment and the defaults. */
  env?: Record<string, string>;
  /** How long to wait for both servers to answer. */
  startTimeoutMs?: number;
}

export interface PebbleStack {
  /** ACME directory URL, e.g. https://127.0.0.1:40123/dir */
  readonly directoryUrl: string;
  /** PEM of the throwaway CA that signed Pebble's HTTPS listener certificates. */
  readonly caCertPem: string;
  /** The same CA as a file, for NODE_EXTRA_CA_CERTS or curl --cacert. */
  readonly caCertPath: string;
  /** Pebble's listener certificate and key (127.0.0.1, ::1, localhost), for test servers that stand in front of it. */
  readonly listenerCertPath: string;
  readonly listenerKeyPath: string;
  /** Pebble's management API (issuing roots, certificate status). */
  readonly managementUrl: string;
  /** challtestsrv's DNS server as host:port, for resolvers that should see the test records. */
  readonly dnsServer: string;
  /** Where Pebble's VA connects for http-01 challenges (127.0.0.1). */
  readonly httpChallengePort: number;
  /** PIDs of the processes this stack started. */
  readonly pids: readonly number[];
  /** The root that issued certificates chain to. New on every start. */
  issuingRootPem(): Promise<string>;
  issuingIntermediatePem(): Promise<string>;
  /** Adds a TXT value at `name` (a trailing dot is added); values accumulate per name. */
  setTxt(name: string, value: string): Promise<void>;
  /** Removes every TXT value at `name`. */
  clearTxt(name: string): Promise<void>;
  /** Makes `name` a CNAME of `target` (CNAME delegation of `_acme-challenge`). */
  setCname(name: string, target: string): Promise<void>;
  clearCname(name: string): Promise<void>;
  /** Pebble's view of an issued certificate, e.g. `{ Status: 'Revoked', Reason: 1 }`. */
  certificateStatus(serialHex: string): Promise<{ Status: string; Reason?: number }>;
  /** Stops both processes and removes the work directory. Idempotent. */
  stop(): Promise<void>;
}

const DETERMINISTIC_DEFAULTS: Record<string, string> = {
  PEBBLE_VA_NOSLEEP: '1',
  PEBBLE_WFE_NONCEREJECT: '0',
  PEBBLE_AUTHZREUSE: '0',
};

export async function startPebbleStack(options: PebbleStackOptions = {}): Promise<PebbleStack> {
  await ensurePebbleInstalled();
  const workDir = await mkdtemp(join(tmpdir(), 'certkeeper-pebble-'));
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  // Covers a normal exit and uncaught errors; setpriv's parent-death signal covers SIGKILL.
  process.once('exit', killAll);

  try {
    const tls = await mintListenerCertificate(join(workDir, 'certs'));
    const [acmePort, managementPort, challengeManagementPort, tlsAlpnPort, freeHttpPort] = (await freeTcpPorts(5)) as [
      number, number, number, number, number,
    ];
    const dnsPort = await freeDnsPort();
    const httpChallengePort = options.httpChallengePort ?? freeHttpPort;

    const config = {
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: tls.certPath,
        privateKey: tls.keyPath,
        httpPort: httpChallengePort,
        // tls-alpn-01 is not offered by the product; nothing listens on this loopback port.
        tlsPort: tlsAlpnPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: options.externalAccountBindings !== undefined,
        ...(options.externalAccountBindings ? { externalAccountMACKeys: options.externalAccountBindings } : {}),
        ...(options.certificateValidityPeriod ? { certificateValidityPeriod: options.certificateValidityPeriod } : {}),
      },
    };
    const configPath = join(workDir, 'pebble-config.json');
    await writeFile(configPath, JSON.stringify(config, null, 2));

    const dnsServer = `127.0.0.1:${dnsPort}`;
    const challengeManagementUrl = `http://127.0.0.1:${challengeManagementPort}`;
    // Only the DNS server and its management API: every listener bound explicitly to loopback,
    // the HTTP responders disabled (the caller serves http-01 itself).
    children.push(
      await startChild(workDir, 'challtestsrv', 'pebble-challtestsrv', [
        '-dns01', dnsServer,
        '-management', `127.0.0.1:${challengeManagementPort}`,
        '-http01', '', '-https01', '', '-tlsalpn01', '',
        '-defaultIPv4', '127.0.0.1', '-defaultIPv6', '',
      ], process.env),
    );
    children.push(
      await startChild(workDir, 'pebble', 'pebble', ['-config', configPath, '-dnsserver', dnsServer], {
        ...process.env,
        ...DETERMINISTIC_DEFAULTS,
        ...pickPebbleEnv(process.env),
        ...options.env,
      }),
    );

    const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
    const managementUrl = `https://127.0.0.1:${managementPort}`;
    const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
    await waitUntil(deadline, children, workDir, () => get(directoryUrl, tls.caPem));
    await waitUntil(deadline, children, workDir, () => get(`${challengeManagementUrl}/`, tls.caPem, true));

    let stopped = false;
    return {
      directoryUrl,
      caCertPem: tls.caPem,
      caCertPath: tls.caPath,
      listenerCertPath: tls.certPath,
      listenerKeyPath: tls.keyPath,
      managementUrl,
      dnsServer,
      httpChallengePort,
      pids: children.flatMap((child) => (child.pid === undefined ? [] : [child.pid])),
      issuingRootPem: () => get(`${managementUrl}/roots/0`, tls.caPem),
      issuingIntermediatePem: () => get(`${managementUrl}/intermediates/0`, tls.caPem),
      setTxt: (name, value) => post(`${challengeManagementUrl}/set-txt`, { host: fqdn(name), value }),
      clearTxt: (name) => post(`${challengeManagementUrl}/clear-txt`, { host: fqdn(name) }),
      setCname: (name, target) => post(`${challengeManagementUrl}/set-cname`, { host: fqdn(name), target: fqdn(target) }),
      clearCname: (name) => post(`${challengeManagementUrl}/clear-cname`, { host: fqdn(name) }),
      certificateStatus: async (serialHex) =>
        JSON.parse(await get(`${managementUrl}/cert-status-by-serial/${serialHex}`, tls.caPem)) as {
          Status: string;
          Reason?: number;
        },
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await stopChildren(children);
        process.removeListener('exit', killAll);
        await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopChildren(children);
    process.removeListener('exit', killAll);
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

/** Installs Debian's `pebble` package when missing and we are root; otherwise says what to install. */
export async function ensurePebbleInstalled(): Promise<void> {
  if (hasPebble()) return;
  const install =
    'Pebble is missing: install the Debian package "pebble" (it provides pebble and pebble-challtestsrv): ' +
    'sudo apt-get update && sudo apt-get install -y pebble';
  if (process.getuid?.() !== 0) throw new Error(install);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['install', '-y', '-q', 'pebble'], { env, timeout: 300_000 });
  } catch {
    await run('apt-get', ['update', '-q'], { env, timeout: 300_000 });
    await run('apt-get', ['install', '-y', '-q', 'pebble'], { env, timeout: 300_000 });
  }
  if (!hasPebble()) throw new Error(`${install} (apt-get ran, but the binaries are still not found)`);
}

function hasPebble(): boolean {
  const dirs = (process.env.PATH ?? '/usr/bin:/bin').split(':');
  return ['pebble', 'pebble-challtestsrv'].every((bin) => dirs.some((dir) => existsSync(join(dir, bin))));
}

function pickPebbleEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (key.startsWith('PEBBLE_') && value !== undefined) picked[key] = value;
  return picked;
}

function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** A throwaway CA and a certificate for 127.0.0.1 / ::1 / localhost, made with openssl. */
async function mintListenerCertificate(dir: string) {
  await mkdir(dir, { recursive: true });
  const caKey = join(dir, 'ca.key');
  const caPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'localhost.key');
  const csrPath = join(dir, 'localhost.csr');
  const certPath = join(dir, 'localhost.pem');
  const extPath = join(dir, 'localhost.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl(['req', '-x509', ...ec, '-keyout', caKey, '-out', caPath, '-days', '30',
    '-subj', '/CN=CertKeeper throwaway CA for Pebble',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await openssl(['req', ...ec, '-keyout', keyPath, '-out', csrPath, '-subj', '/CN=localhost']);
  await writeFile(
    extPath,
    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nbasicConstraints=CA:FALSE\n' +
      'extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n',
  );
  await openssl(['x509', '-req', '-in', csrPath, '-CA', caPath, '-CAkey', caKey, '-CAcreateserial',
    '-out', certPath, '-days', '30', '-extfile', extPath]);
  return { caPath, caPem: await readFile(caPath, 'utf8'), certPath, keyPath };
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (cause) {
    throw new Error(`pebble stack: openssl ${args[0]} failed (is the Debian package "openssl" installed?)`, { cause });
  }
}

async function startChild(
  workDir: string,
  label: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<ChildProcess> {
  const log = openSync(join(workDir, `${label}.log`), 'a');
  const [file, argv] = existsSync('/usr/bin/setpriv')
    ? ['/usr/bin/setpriv', ['--pdeathsig', 'KILL', '--', command, ...args]]
    : [command, args];
  try {
    const child = spawn(file, argv, { env, stdio: ['ignore', log, log], cwd: workDir });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (cause) => reject(new Error(`pebble stack: cannot start ${command}`, { cause })));
    });
    return child;
  } finally {
    closeSync(log); // the child holds its own copy
  }
}

async function stopChildren(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

async function waitUntil(
  deadline: number,
  children: ChildProcess[],
  workDir: string,
  probe: () => Promise<unknown>,
): Promise<void> {
  for (;;) {
    const dead = children.find((child) => child.exitCode !== null || child.signalCode !== null);
    if (dead) throw new Error(`pebble stack: a server exited during start-up\n${await logs(workDir)}`);
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`pebble stack: not answering in time\n${await logs(workDir)}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function logs(workDir: string): Promise<string> {
  const parts: string[] = [];
  for (const label of ['pebble', 'challtestsrv']) {
    const text = await readFile(join(workDir, `${label}.log`), 'utf8').catch(() => '');
    parts.push(`--- ${label}.log (tail) ---\n${text.split('\n').slice(-15).join('\n')}`);
  }
  return parts.join('\n');
}

/** GET over HTTPS trusting only `ca` (or plain HTTP); any status below 500 counts when `anyStatus`. */
function get(url: string, ca: string, anyStatus = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', ca, timeout: 5_000 },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if ((anyStatus && status < 500) || (status >= 200 && status < 300)) resolve(body);
          else reject(new Error(`GET ${url} answered ${status}: ${body.slice(0, 200)}`));
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
    request.end();
  });
}

function post(url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', timeout: 5_000 }, (response) => {
      response.resume();
      response.on('end', () =>
        (response.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`POST ${url} answered ${response.statusCode}`)),
      );
    });
    request.on('timeout', () => request.destroy(new Error(`POST ${url} timed out`)));
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

/** `count` distinct free TCP ports on 127.0.0.1 (held open together so they cannot repeat). */
async function freeTcpPorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createTcpServer();
      return new Promise<typeof server>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    }),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('pebble stack: no port assigned');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** A port free for both TCP and UDP on 127.0.0.1 (DNS serves on both). */
async function freeDnsPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const [port] = await freeTcpPorts(1);
    const socket = createSocket('udp4');
    const free = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    if (free && port) return port;
  }
  throw new Error('pebble stack: found no port free for both TCP and UDP');
}
