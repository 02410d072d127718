/**
 * The probe never connects to an address the product may not reach. A listener on 127.0.0.1 and
 * ::1 (one port) records every connection, the network guard records every connection attempt,
 * and the policy does not allow loopback: every form of "this machine", private, link-local and
 * metadata address must be refused before a socket is opened, whoever resolves the name.
 */
import { NodeTlsProbe } from '../../../server/adapters/probe/tls-probe';
import type { Resolve } from '../../../server/adapters/outgoing-address';
import { guardLoopbackOnly, type NetworkGuard } from '../selfcheck/support/network-guard';
import { startTcpListener, type TcpListener } from '../support/tls-servers';

/** How the system resolver and a URL parser read them: all 127.0.0.1. */
const LOOPBACK_SHORTHANDS = ['2130706433', '0177.0.0.1', '0x7f.0.0.1', '127.1', '0x7f000001'];
const LITERALS: [host: string, addressClass: string][] = [
  ['127.0.0.1', 'loopback'],
  ['::ffff:127.0.0.1', 'ipv4Mapped'],
  ['[::1]', 'loopback'],
  ['::1', 'loopback'],
  ['0.0.0.0', 'unspecified'],
  ['[::]', 'unspecified'],
  ['169.254.169.254', 'metadata'],
  ['169.254.0.23', 'metadata'],
  ['100.100.100.200', 'metadata'],
  ['10.0.0.8', 'private'],
  ['192.168.1.1', 'private'],
  ['100.64.0.1', 'cgnat'],
  ['[fd00:ec2::254]', 'metadata'],
  ['[fe80::1]', 'linkLocal'],
  ['[64:ff9b::7f00:1]', 'ipv4Mapped'],
];
/** Names an attacker's DNS could point anywhere. */
const RESOLVED: Record<string, string[]> = {
  'private.attacker.test': ['10.1.2.3'],
  'loopback.attacker.test': ['127.0.0.1', '::1'],
  'other-loopback.attacker.test': ['127.0.0.2'],
  'metadata.attacker.test': ['169.254.169.254'],
  'tencent-metadata.attacker.test': ['169.254.0.23'],
  'alibaba-metadata.attacker.test': ['100.100.100.200'],
  'mapped.attacker.test': ['::ffff:127.0.0.1'],
  'mapped-metadata.attacker.test': ['::ffff:169.254.169.254'],
  'nat64.attacker.test': ['64:ff9b::a9fe:a9fe'],
  'unspecified.attacker.test': ['0.0.0.0', '::'],
  'ula.attacker.test': ['fd12:3456::1'],
  'mixed-private.attacker.test': ['10.0.0.8', '172.16.0.1', '192.168.0.1'],
};

let listener: TcpListener;
let guard: NetworkGuard;
const resolverCalls: string[] = [];

/** Answers from RESOLVED, and maps anything else to loopback, as a hostile resolver would. */
const hostileResolve: Resolve = async (host) => {
  resolverCalls.push(host);
  return RESOLVED[host] ?? ['127.0.0.1', '::1'];
};

function probeWith(resolve?: Resolve): NodeTlsProbe {
  return new NodeTlsProbe({
    policy: { allowLoopback: false },
    ...(resolve ? { resolve } : {}),
    connectTimeoutMs: 500,
    handshakeTimeoutMs: 500,
  });
}

beforeAll(async () => {
  listener = await startTcpListener(['127.0.0.1', '::1']);
  guard = guardLoopbackOnly();
});

afterAll(async () => {
  guard.restore();
  await listener.close();
});

afterEach(() => {
  expect(guard.connections).toEqual([]);
  expect(listener.connections).toEqual([]);
});

it('control: with loopback allowed, the same probe does reach the listener on both addresses', async () => {
  const probe = new NodeTlsProbe({ policy: { allowLoopback: true }, resolve: hostileResolve, connectTimeoutMs: 500, handshakeTimeoutMs: 100 });
  const result = await probe.probe({ host: 'loopback.attacker.test', port: listener.port });
  expect(result.addresses.map((a) => [a.address, a.failure?.kind])).toEqual([['127.0.0.1', 'timeout'], ['::1', 'timeout']]);
  expect([...listener.connections].sort()).toEqual(['127.0.0.1', '::1']);
  expect([...guard.connections].sort()).toEqual(['127.0.0.1', '::1']);
  listener.connections.length = 0;
  guard.connections.length = 0;
});

describe('refused before any connection', () => {
  it.each(LITERALS)('IP literal %s (%s)', async (host, addressClass) => {
    resolverCalls.length = 0;
    const result = await probeWith(hostileResolve).probe({ host, port: listener.port });
    expect(result.resolveError).toMatchObject({ kind: 'refusedOnly' });
    expect(result.refused).toEqual([{ address: host.replace(/^\[|\]$/g, ''), addressClass }]);
    expect(result.addresses).toEqual([]);
    expect(resolverCalls).toEqual([]);
  });

  it.each(LOOPBACK_SHORTHANDS)('IPv4 shorthand %s is 127.0.0.1, whoever would resolve it', async (host) => {
    for (const probe of [probeWith(), probeWith(hostileResolve)]) {
      resolverCalls.length = 0;
      const result = await probe.probe({ host, port: listener.port });
      expect(result).toMatchObject({ host: '127.0.0.1', resolveError: { kind: 'refusedOnly' }, addresses: [] });
      expect(result.refused).toEqual([{ address: '127.0.0.1', addressClass: 'loopback' }]);
      expect(resolverCalls).toEqual([]);
    }
  });

  it('localhost, through the system resolver and a hostile one', async () => {
    for (const probe of [probeWith(), probeWith(hostileResolve)]) {
      const result = await probe.probe({ host: 'localhost', port: listener.port });
      expect(result.resolveError).toMatchObject({ kind: 'refusedOnly' });
      expect(result.refused.length).toBeGreaterThan(0);
      expect(result.refused.every((r) => r.addressClass === 'loopback')).toBe(true);
      expect(result.addresses).toEqual([]);
    }
  });

  it.each(Object.entries(RESOLVED))('%s → %j', async (host, addresses) => {
    const result = await probeWith(hostileResolve).probe({ host, port: listener.port });
    expect(result.resolveError).toMatchObject({ kind: 'refusedOnly' });
    expect(result.refused.map((r) => r.address)).toEqual(addresses);
    expect(result.addresses).toEqual([]);
  });
});
