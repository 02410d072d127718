/**
 * NodeTlsProbe against real TLS servers on loopback: the facts it reports (chain as served, trust,
 * order, versions, keys, failures), never a verdict. Names resolve through an injected table, and
 * a network guard fails the test if anything but loopback is contacted.
 */
import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:net';
import { NodeTlsProbe, normaliseHost, type NodeTlsProbeOptions } from '../../../server/adapters/probe/tls-probe';
import type { AddressProbe, ProbeResult } from '../../../server/ports/tls-probe';
import { guardLoopbackOnly, isLoopback, type NetworkGuard } from '../selfcheck/support/network-guard';
import { closedPort } from '../selfcheck/support/web-servers';
import {
  createLeaf,
  createTestPki,
  DAY_MS,
  startOpensslServer,
  startTcpListener,
  startTlsServer,
  type Issued,
  type LeafOptions,
  type TestPki,
  type TestServer,
  type TlsServerOptions,
} from '../support/tls-servers';

const NOW = Date.UTC(2026, 5, 15);
const ONLY_MODERN = { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true };

let pki: TestPki;
let guard: NetworkGuard;
const servers: TestServer[] = [];
/** Name → addresses, for the injected resolver. */
const table = new Map<string, string[]>();

function newProbe(options: Partial<NodeTlsProbeOptions> = {}): NodeTlsProbe {
  return new NodeTlsProbe({
    policy: { allowLoopback: true },
    trustPem: pki.root.pem,
    clock: { now: () => NOW },
    connectTimeoutMs: 2000,
    handshakeTimeoutMs: 2000,
    resolve: async (host) => {
      const addresses = table.get(host);
      if (addresses === undefined) throw Object.assign(new Error(`queryA ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return addresses;
    },
    ...options,
  });
}

async function serve(options: TlsServerOptions) {
  const server = await startTlsServer(options);
  servers.push(server);
  return server;
}

/** A leaf for `names`, issued by the test intermediate unless another issuer (or null: self-signed) is given. */
async function leaf(names: string[], options: Omit<LeafOptions, 'names'> = {}, issuer: Issued | null = pki.intermediate): Promise<Issued> {
  return createLeaf({ names, ...options }, issuer ?? undefined);
}

/** Probes `name` (mapped to 127.0.0.1) on `port`, expecting exactly one probed address. */
async function probeOne(name: string, port: number, probe = newProbe()): Promise<{ result: ProbeResult; address: AddressProbe }> {
  if (!table.has(name)) table.set(name, ['127.0.0.1']);
  const result = await probe.probe({ host: name, port });
  expect(result.resolveError).toBeNull();
  expect(result.addresses).toHaveLength(1);
  return { result, address: result.addresses[0]! };
}

beforeAll(async () => {
  guard = guardLoopbackOnly();
  pki = await createTestPki();
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  guard.restore();
  expect(guard.connections.every(isLoopback)).toBe(true);
});

describe('a complete, valid chain', () => {
  it('reports the served chain, trusted and ordered, TLS 1.3, and TLS 1.2 and 1.3 only', async () => {
    const name = 'valid.example.test';
    const cert = await leaf([name, `www.${name}`]);
    const server = await serve({ chain: [cert, pki.intermediate] });
    const { result, address } = await probeOne(name, server.port);

    expect(result).toMatchObject({ host: name, port: server.port, at: NOW, refused: [] });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(address).toMatchObject({
      address: '127.0.0.1', family: 4, failure: null, protocol: 'TLSv1.3',
      trusted: true, trustError: null, ordered: true, versions: ONLY_MODERN,
    });
    expect(address.cipher).toMatch(/^TLS_/);
    expect(address.chain.map((c) => c.fingerprintSha256)).toEqual([cert.fingerprint, pki.intermediate.fingerprint]);

    const [served, issuer] = address.chain;
    const node = new X509Certificate(cert.pem);
    expect(served).toEqual({
      subject: `CN=${name}`,
      issuer: 'CN=CertKeeper Probe Test Intermediate',
      dnsNames: [name, `www.${name}`],
      ipAddresses: [],
      serialNumber: node.serialNumber.toUpperCase(),
      notBefore: cert.cert.notBefore.getTime(),
      notAfter: cert.cert.notAfter.getTime(),
      fingerprintSha256: node.fingerprint256.replace(/:/g, ''),
      keyType: 'ec',
      keyBits: 256,
      curve: 'prime256v1',
      signatureAlgorithm: 'ecdsa-with-SHA256',
      isCa: false,
      selfSigned: false,
      authorityKeyId: issuer?.subjectKeyId,
      subjectKeyId: expect.stringMatching(/^[0-9A-F]{40}$/),
    });
    expect(issuer).toMatchObject({ subject: 'CN=CertKeeper Probe Test Intermediate', isCa: true, selfSigned: false });
    // One handshake for the best offer and one per other version; the two the server accepts
    // (OpenSSL refuses TLS 1.0/1.1 before it reads extensions) carried the name as SNI.
    expect(server.connections).toBe(4);
    expect(server.servernames).toEqual([name, name]);
  });

  it('reads the chain under each TLS 1.3 cipher suite, and after a HelloRetryRequest', async () => {
    const name = 'suites.example.test';
    const cert = await leaf([name]);
    for (const ciphers of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
      const server = await serve({ chain: [cert, pki.intermediate], ciphers, minVersion: 'TLSv1.3' });
      const { address } = await probeOne(name, server.port);
      expect(address).toMatchObject({ cipher: ciphers, protocol: 'TLSv1.3', trusted: true });
      expect(address.chain.map((c) => c.fingerprintSha256)).toEqual([cert.fingerprint, pki.intermediate.fingerprint]);
    }
    // The client offers an X25519 key share; a P-384-only server asks again.
    const server = await serve({ chain: [cert, pki.intermediate], ecdhCurve: 'secp384r1' });
    const { address } = await probeOne(name, server.port);
    expect(address).toMatchObject({ protocol: 'TLSv1.3', trusted: true });
    expect(address.chain).toHaveLength(2);
  });

  it('reads a TLS 1.2 chain from the plaintext handshake', async () => {
    const name = 'tls12.example.test';
    const cert = await leaf([name], { key: 'rsa-2048' });
    const server = await serve({ chain: [cert, pki.intermediate], maxVersion: 'TLSv1.2' });
    const { address } = await probeOne(name, server.port);
    expect(address).toMatchObject({
      protocol: 'TLSv1.2', trusted: true, ordered: true,
      versions: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': false },
    });
    expect(address.cipher).toMatch(/^TLS_ECDHE_RSA_WITH_/);
    expect(address.chain.map((c) => c.fingerprintSha256)).toEqual([cert.fingerprint, pki.intermediate.fingerprint]);
    expect(address.chain[0]).toMatchObject({ keyType: 'rsa', keyBits: 2048, curve: null, signatureAlgorithm: 'ecdsa-with-SHA256' });
  });
});

describe('chains a phone would not accept', () => {
  it('leaf only: not trusted (issuer missing), chain of one', async () => {
    const name = 'leafonly.example.test';
    const cert = await leaf([name]);
    const server = await serve({ chain: [cert] });
    const { address } = await probeOne(name, server.port);
    expect(address.trusted).toBe(false);
    expect(['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']).toContain(address.trustError);
    expect(address.chain.map((c) => c.fingerprintSha256)).toEqual([cert.fingerprint]);
    expect(address.ordered).toBe(true);
  });

  it('wrong order [leaf, root, intermediate]: reported as served, not ordered; OpenSSL still builds a trusted path', async () => {
    const name = 'misordered.example.test';
    const cert = await leaf([name]);
    const server = await serve({ chain: [cert, pki.root, pki.intermediate] });
    const { address } = await probeOne(name, server.port);
    expect(address.chain.map((c) => c.fingerprintSha256)).toEqual([cert.fingerprint, pki.root.fingerprint, pki.intermediate.fingerprint]);
    expect(address.chain[1]).toMatchObject({ selfSigned: true, isCa: true });
    expect(address.ordered).toBe(false);
    expect(address).toMatchObject({ trusted: true, trustError: null });
  });

  it('expired', async () => {
    const name = 'expired.example.test';
    const cert = await leaf([name], { notBefore: Date.now() - 100 * DAY_MS, notAfter: Date.now() - DAY_MS });
    const server = await serve({ chain: [cert, pki.intermediate] });
    const { address } = await probeOne(name, server.port);
    expect(address).toMatchObject({ trusted: false, trustError: 'CERT_HAS_EXPIRED', ordered: true });
    expect(address.chain[0]!.notAfter).toBe(cert.cert.notAfter.getTime());
  });

  it('not yet valid', async () => {
    const name = 'future.example.test';
    const cert = await leaf([name], { notBefore: Date.now() + DAY_MS, notAfter: Date.now() + 90 * DAY_MS });
    const server = await serve({ chain: [cert, pki.intermediate] });
    const { address } = await probeOne(name, server.port);
    expect(address).toMatchObject({ trusted: false, trustError: 'CERT_NOT_YET_VALID' });
    expect(address.chain[0]!.notBefore).toBe(cert.cert.notBefore.getTime());
  });

  it('wrong host: the chain is trusted, and its names do not include the probed one', async () => {
    const cert = await leaf(['Other.Example.test'], { ips: ['192.0.2.10', '2001:db8:0:0:1:0:0:1'] });
    const server = await serve({ chain: [cert, pki.intermediate] });
    const { result, address } = await probeOne('wronghost.example.test', server.port);
    expect(address).toMatchObject({ trusted: true, trustError: null });
    expect(address.chain[0]).toMatchObject({ dnsNames: ['other.example.test'], ipAddresses: ['192.0.2.10', '2001:db8::1:0:0:1'] });
    expect(address.chain[0]!.dnsNames).not.toContain(result.host);
  });

  it('self-signed', async () => {
    const name = 'selfsigned.example.test';
    const cert = await leaf([name], {}, null);
    const server = await serve({ chain: [cert] });
    const { address } = await probeOne(name, server.port);
    expect(address).toMatchObject({ trusted: false, trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(address.chain).toHaveLength(1);
    expect(address.chain[0]).toMatchObject({ selfSigned: true, isCa: false, authorityKeyId: null });
  });

  it('unknown root', async () => {
    const name = 'unknownroot.example.test';
    const cert = await leaf([name], {}, pki.unknownRoot);
    const server = await serve({ chain: [cert, pki.unknownRoot] });
    const { address } = await probeOne(name, server.port);
    expect(address).toMatchObject({ trusted: false, trustError: 'SELF_SIGNED_CERT_IN_CHAIN', ordered: true });
    expect(address.chain.map((c) => c.fingerprintSha256)).toEqual([cert.fingerprint, pki.unknownRoot.fingerprint]);
  });

  it('the default trust store (Node’s bundled roots) does not know the test root', async () => {
    const name = 'bundled.example.test';
    const cert = await leaf([name]);
    const server = await serve({ chain: [cert, pki.intermediate] });
    const { address } = await probeOne(name, server.port, newProbe({ trustPem: undefined }));
    expect(address).toMatchObject({ trusted: false, trustError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
  });

  it('RSA 1024 leaf: the handshake completes and the key size is reported', async () => {
    const name = 'rsa1024.example.test';
    const cert = await leaf([name], { key: 'rsa-1024' });
    const server = await serve({ chain: [cert, pki.intermediate] });
    const { address } = await probeOne(name, server.port);
    expect(address.failure).toBeNull();
    expect(address.chain[0]).toMatchObject({ keyType: 'rsa', keyBits: 1024, curve: null });
  });
});

describe('protocol versions', () => {
  it('TLS 1.0 and 1.1 only (openssl s_server): the facts come from the newest version that worked', async () => {
    const name = 'legacy.example.test';
    const cert = await leaf([name], { key: 'rsa-2048' });
    const server = await startOpensslServer({ chain: [cert, pki.intermediate], versions: ['TLSv1', 'TLSv1.1'] });
    servers.push(server);
    const { address } = await probeOne(name, server.port);
    expect(address).toMatchObject({
      failure: null, protocol: 'TLSv1.1', trusted: true, ordered: true,
      versions: { TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': false, 'TLSv1.3': false },
    });
    expect(address.chain.map((c) => c.fingerprintSha256)).toEqual([cert.fingerprint, pki.intermediate.fingerprint]);
  });

  it('TLS 1.0 only (openssl s_server)', async () => {
    const name = 'tls10.example.test';
    const cert = await leaf([name]);
    const server = await startOpensslServer({ chain: [cert, pki.intermediate], versions: ['TLSv1'] });
    servers.push(server);
    const { address } = await probeOne(name, server.port);
    expect(address).toMatchObject({
      protocol: 'TLSv1', versions: { TLSv1: true, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false },
    });
    expect(address.chain).toHaveLength(2);
  });

  it('TLS 1.3 only', async () => {
    const name = 'tls13.example.test';
    const cert = await leaf([name]);
    const server = await serve({ chain: [cert, pki.intermediate], minVersion: 'TLSv1.3' });
    const { address } = await probeOne(name, server.port);
    expect(address).toMatchObject({
      protocol: 'TLSv1.3', versions: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': true },
    });
  });
});

describe('addresses', () => {
  it('probes every address of a name: 127.0.0.1 and ::1 serving different certificates', async () => {
    const name = 'dual.example.test';
    const [v4cert, v6cert] = [await leaf([name]), await leaf([name])];
    const v4 = await serve({ chain: [v4cert, pki.intermediate], host: '127.0.0.1' });
    const v6 = await serve({ chain: [v6cert, pki.intermediate], host: '::1', port: v4.port });
    table.set(name, ['127.0.0.1', '::1']);
    const result = await newProbe().probe({ host: name, port: v4.port });
    expect(result.addresses.map((a) => [a.address, a.family, a.chain[0]?.fingerprintSha256])).toEqual([
      ['127.0.0.1', 4, v4cert.fingerprint],
      ['::1', 6, v6cert.fingerprint],
    ]);
    expect(v4cert.fingerprint).not.toBe(v6cert.fingerprint);
    expect([v4.connections, v6.connections]).toEqual([4, 4]);
  });

  it('an IP literal is probed without SNI', async () => {
    const cert = await leaf([], { ips: ['127.0.0.1'] });
    const server = await serve({ chain: [cert, pki.intermediate] });
    const result = await newProbe().probe({ host: '127.0.0.1', port: server.port });
    expect(result).toMatchObject({ host: '127.0.0.1', resolveError: null, refused: [] });
    expect(result.addresses[0]?.chain[0]?.ipAddresses).toEqual(['127.0.0.1']);
    expect(server.connections).toBe(4);
    expect(server.servernames).toEqual([]);
  });

  it('refuses the private address of a name and probes only its allowed one', async () => {
    const name = 'mixed.example.test';
    const cert = await leaf([name]);
    const server = await serve({ chain: [cert, pki.intermediate] });
    table.set(name, ['10.0.0.8', '127.0.0.1', '169.254.169.254']);
    const result = await newProbe().probe({ host: name, port: server.port });
    expect(result.refused).toEqual([
      { address: '10.0.0.8', addressClass: 'private' },
      { address: '169.254.169.254', addressClass: 'metadata' },
    ]);
    expect(result.addresses.map((a) => a.address)).toEqual(['127.0.0.1']);
    expect(guard.connections.filter((host) => !isLoopback(host))).toEqual([]);
  });

  it('reports a name that does not resolve, and input that is no host', async () => {
    const probe = newProbe();
    expect((await probe.probe({ host: 'nowhere.example.test', port: 443 })).resolveError).toMatchObject({ kind: 'notFound' });
    expect((await probe.probe({ host: 'a.example.test:8443', port: 443 })).resolveError).toMatchObject({ kind: 'failed' });
    expect((await probe.probe({ host: 'valid.example.test', port: 0 })).resolveError).toMatchObject({ kind: 'failed' });
    table.set('empty.example.test', []);
    expect((await probe.probe({ host: 'empty.example.test', port: 443 })).resolveError).toMatchObject({ kind: 'notFound' });
  });

  it('normalises hosts as a URL parser does', () => {
    expect(normaliseHost('Example.TEST')).toEqual({ host: 'example.test', literal: false });
    expect(normaliseHost('bücher.example')).toEqual({ host: 'xn--bcher-kva.example', literal: false });
    expect(normaliseHost('0x7f.1')).toEqual({ host: '127.0.0.1', literal: true });
    expect(normaliseHost('[::1]')).toEqual({ host: '::1', literal: true });
    expect(normaliseHost('user@example.test')).toHaveProperty('error');
  });
});

describe('failures', () => {
  it('a closed port is a connect failure, with nothing else tried', async () => {
    const port = await closedPort();
    const { address } = await probeOne('closed.example.test', port);
    expect(address.failure).toMatchObject({ kind: 'connect', detail: expect.stringContaining('ECONNREFUSED') });
    expect(address).toMatchObject({ protocol: null, cipher: null, chain: [], trusted: false, versions: { TLSv1: null, 'TLSv1.1': null, 'TLSv1.2': null, 'TLSv1.3': null } });
  });

  it('a server that accepts TCP and never answers times out within the configured limit', async () => {
    const listener = await startTcpListener();
    servers.push(listener);
    const { result, address } = await probeOne('silent.example.test', listener.port, newProbe({ handshakeTimeoutMs: 300 }));
    expect(address.failure).toMatchObject({ kind: 'timeout' });
    expect(address.versions).toEqual({ TLSv1: null, 'TLSv1.1': null, 'TLSv1.2': null, 'TLSv1.3': null });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(290);
    expect(result.elapsedMs).toBeLessThan(1200);
    expect(listener.connections).toHaveLength(1);
  });

  it('a server that is not TLS at all is a handshake failure', async () => {
    const server = createServer((socket) => socket.resume().end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({ host: '127.0.0.1', port: 0, close: () => new Promise((resolve) => server.close(() => resolve())) });
    const port = (server.address() as { port: number }).port;
    const { address } = await probeOne('plaintext.example.test', port);
    expect(address.failure).toMatchObject({ kind: 'handshake' });
    expect(address.versions).toEqual({ TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false });
  });
});
