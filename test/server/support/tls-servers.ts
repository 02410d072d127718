/**
 * TLS test fixtures: a throwaway PKI minted in-process (@peculiar/x509 + WebCrypto) and servers on
 * loopback that serve a chosen chain in a chosen order, with chosen protocol versions.
 *
 * - `startTlsServer`: node:tls on 127.0.0.1 or ::1 (port 0, or a given port so that two addresses
 *   can share one port number), recording SNI and counting connections.
 * - `startOpensslServer`: Debian's `openssl s_server`, for TLS 1.0/1.1 from an independent
 *   implementation; started under `setpriv --pdeathsig KILL` so it dies with jest, killed by PID.
 * - `startTcpListener`: accepts TCP and never says a word (handshake timeouts; "was anything
 *   connected to?" checks).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, KeyObject, webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import * as x509 from '@peculiar/x509';
import type { TlsVersion } from '../../../server/ports/tls-probe';

export type KeyKind = 'ec-p256' | 'rsa-2048' | 'rsa-1024';

export interface Issued {
  /** The certificate, PEM with a trailing newline. */
  pem: string;
  /** PKCS#8 PEM. */
  keyPem: string;
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
  /** SHA-256 of the DER, upper-case hex, as the probe reports it. */
  fingerprint: string;
}

export interface Validity {
  notBefore?: number;
  notAfter?: number;
}

export const DAY_MS = 86_400_000;

const KEY_PARAMS: Record<KeyKind, webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams> = {
  'ec-p256': { name: 'ECDSA', namedCurve: 'P-256' },
  'rsa-2048': { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  'rsa-1024': { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
};
let serial = 0;

async function generate(kind: KeyKind): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_PARAMS[kind], true, ['sign', 'verify']);
}

function signingAlgorithm(keys: webcrypto.CryptoKeyPair): { name: string; hash: string } {
  return { name: keys.privateKey.algorithm.name, hash: 'SHA-256' };
}

function issued(cert: x509.X509Certificate, keys: webcrypto.CryptoKeyPair): Issued {
  return {
    pem: `${cert.toString('pem')}\n`,
    keyPem: KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert,
    keys,
    fingerprint: createHash('sha256').update(Buffer.from(cert.rawData)).digest('hex').toUpperCase(),
  };
}

function validity(options: Validity): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(options.notBefore ?? now - DAY_MS), notAfter: new Date(options.notAfter ?? now + 90 * DAY_MS) };
}

/** A CA certificate: self-signed (a root) without `issuer`, else issued by it (an intermediate). */
export async function createCa(commonName: string, issuer?: Issued): Promise<Issued> {
  const keys = await generate('ec-p256');
  const signer = issuer?.keys ?? keys;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (++serial).toString(16).padStart(2, '0'),
    subject: `CN=${commonName}`,
    issuer: issuer?.cert.subject ?? `CN=${commonName}`,
    publicKey: keys.publicKey,
    signingKey: signer.privateKey,
    signingAlgorithm: signingAlgorithm(signer),
    ...validity({}),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto),
      await x509.AuthorityKeyIdentifierExtension.create(signer.publicKey, false, webcrypto),
    ],
  }, webcrypto);
  return issued(cert, keys);
}

export interface LeafOptions extends Validity {
  names: string[];
  ips?: string[];
  key?: KeyKind;
}

/** An end-entity certificate for `names` issued by `issuer`, or self-signed without one. */
export async function createLeaf(options: LeafOptions, issuer?: Issued): Promise<Issued> {
  const keys = await generate(options.key ?? 'ec-p256');
  const signer = issuer?.keys ?? keys;
  const subject = `CN=${options.names[0] ?? options.ips?.[0] ?? 'leaf'}`;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (++serial).toString(16).padStart(2, '0'),
    subject,
    issuer: issuer?.cert.subject ?? subject,
    publicKey: keys.publicKey,
    signingKey: signer.privateKey,
    signingAlgorithm: signingAlgorithm(signer),
    ...validity(options),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.SubjectAlternativeNameExtension([
        ...options.names.map((value) => ({ type: 'dns' as const, value })),
        ...(options.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto),
      ...(issuer ? [await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey, false, webcrypto)] : []),
    ],
  }, webcrypto);
  return issued(cert, keys);
}

export interface TestPki {
  root: Issued;
  intermediate: Issued;
  /** Another root that the probe does not trust. */
  unknownRoot: Issued;
}

export async function createTestPki(): Promise<TestPki> {
  const root = await createCa('CertKeeper Probe Test Root');
  const intermediate = await createCa('CertKeeper Probe Test Intermediate', root);
  const unknownRoot = await createCa('Unknown Test Root');
  return { root, intermediate, unknownRoot };
}

export interface TestServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface TestTlsServer extends TestServer {
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** SNI of each ClientHello that carried one. */
  readonly servernames: string[];
}

export interface TlsServerOptions {
  /** Served in this order: the leaf first, unless a test wants otherwise. */
  chain: Issued[];
  /** Key of the leaf; default the first certificate's key. */
  keyPem?: string;
  host?: '127.0.0.1' | '::1';
  port?: number;
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
  ciphers?: string;
  ecdhCurve?: string;
}

export async function startTlsServer(options: TlsServerOptions): Promise<TestTlsServer> {
  const host = options.host ?? '127.0.0.1';
  const servernames: string[] = [];
  let connections = 0;
  const server = createTlsServer({
    key: options.keyPem ?? options.chain[0]?.keyPem,
    cert: options.chain.map((cert) => cert.pem).join(''),
    ...(options.minVersion ? { minVersion: options.minVersion } : {}),
    ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
    ...(options.ciphers ? { ciphers: options.ciphers } : {}),
    ...(options.ecdhCurve ? { ecdhCurve: options.ecdhCurve } : {}),
    SNICallback: (servername, callback) => {
      servernames.push(servername);
      callback(null, undefined);
    },
  });
  server.on('connection', () => (connections += 1));
  server.on('secureConnection', (socket: TLSSocket) => {
    socket.on('error', () => undefined);
    socket.end();
  });
  // Failed handshakes (a pinned version the server refuses) are expected.
  server.on('tlsClientError', () => undefined);
  const sockets = trackSockets(server);
  const port = await listen(server, host, options.port ?? 0);
  return {
    host,
    port,
    get connections() {
      return connections;
    },
    servernames,
    close: () => closeServer(server, sockets),
  };
}

export interface TcpListener extends TestServer {
  /** Remote address of every connection accepted. */
  readonly connections: string[];
}

/** Accepts TCP on `hosts` (one port number for all) and never answers. */
export async function startTcpListener(hosts: ('127.0.0.1' | '::1')[] = ['127.0.0.1']): Promise<TcpListener> {
  const connections: string[] = [];
  const servers: { server: Server; sockets: Set<Socket> }[] = [];
  let port = 0;
  for (const host of hosts) {
    const server = createTcpServer((socket) => {
      connections.push(socket.remoteAddress ?? '');
      socket.on('error', () => undefined);
    });
    const sockets = trackSockets(server);
    port = await listen(server, host, port);
    servers.push({ server, sockets });
  }
  return {
    host: hosts[0] ?? '127.0.0.1',
    port,
    connections,
    close: async () => {
      await Promise.all(servers.map(({ server, sockets }) => closeServer(server, sockets)));
    },
  };
}

export interface OpensslServerOptions {
  chain: Issued[];
  /** The versions it speaks; the others are switched off. */
  versions: TlsVersion[];
}

const OPENSSL_NO: Record<TlsVersion, string> = { TLSv1: '-no_tls1', 'TLSv1.1': '-no_tls1_1', 'TLSv1.2': '-no_tls1_2', 'TLSv1.3': '-no_tls1_3' };

/** `openssl s_server -www` on 127.0.0.1, speaking only `versions` (legacy ones at security level 0). */
export async function startOpensslServer(options: OpensslServerOptions): Promise<TestServer> {
  const [leaf, ...rest] = options.chain;
  if (leaf === undefined) throw new Error('openssl server: empty chain');
  const dir = await mkdtemp(join(tmpdir(), 'certkeeper-probe-openssl-'));
  await writeFile(join(dir, 'leaf.pem'), leaf.pem);
  await writeFile(join(dir, 'key.pem'), leaf.keyPem);
  await writeFile(join(dir, 'chain.pem'), rest.map((cert) => cert.pem).join(''));
  const port = await freePort();
  const args = [
    's_server', '-accept', `127.0.0.1:${port}`, '-www',
    '-cert', join(dir, 'leaf.pem'), '-key', join(dir, 'key.pem'),
    ...(rest.length > 0 ? ['-cert_chain', join(dir, 'chain.pem')] : []),
    '-cipher', 'DEFAULT@SECLEVEL=0',
    ...Object.entries(OPENSSL_NO).filter(([version]) => !options.versions.some((v) => v === version)).map(([, flag]) => flag),
  ];
  const [file, argv] = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', ['--pdeathsig', 'KILL', '--', 'openssl', ...args]] : ['openssl', args];
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await waitForAccept(child);
  } catch (error) {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    close: async () => {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** s_server prints `ACCEPT` once it listens. */
function waitForAccept(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`openssl s_server did not start: ${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ACCEPT')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`openssl s_server exited (${String(code)}): ${output}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/** A port on 127.0.0.1 that was free a moment ago (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server, '127.0.0.1', 0);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: host === '::1' }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test server: no port');
  return address.port;
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}
