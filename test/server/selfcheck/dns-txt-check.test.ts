/**
 * The dns-01 self-check end to end against small DNS servers on 127.0.0.1: a "recursive" one
 * that answers NS and A (name servers at 127.0.0.1) for the discovery walk, and authoritative
 * ones that hold the TXT and CNAME records. The network guard fails any DNS query that would
 * leave loopback.
 */
import { DnsTxtCheck, type DnsTxtCheckOptions } from '../../../server/adapters/selfcheck/dns-txt-check';
import type { TxtCheckResult } from '../../../server/ports/self-check';
import { startDnsServer, type TestDnsServer } from './support/dns-server';
import { guardLoopbackOnly, type NetworkGuard } from './support/network-guard';

const APEX = 'apex-value-0123456789abcdefghijklmnopqrstuvw';
const WILDCARD = 'wildcard-value-0123456789abcdefghijklmnopqrs';

let guard: NetworkGuard;
let recursive: TestDnsServer;
let auth: TestDnsServer;
let behind: TestDnsServer;

beforeAll(async () => {
  guard = guardLoopbackOnly();
  auth = await startDnsServer({
    '_acme-challenge.example.test': { TXT: [APEX, WILDCARD] },
    '_acme-challenge.one.example.test': { TXT: [APEX] },
    '_acme-challenge.stale.example.test': { TXT: ['left-over-from-last-month'] },
    'www.example.test': { A: ['127.0.0.1'] },
    '_acme-challenge.delegated.test': { CNAME: 'tok.auth.dnshost.test' },
    'tok.auth.dnshost.test': { TXT: [APEX] },
    '_acme-challenge.loop.test': { CNAME: 'a.loop.test' },
    'a.loop.test': { CNAME: '_acme-challenge.loop.test' },
    '_acme-challenge.long.test': { CNAME: 'c1.long.test' },
    'c1.long.test': { CNAME: 'c2.long.test' },
    'c2.long.test': { CNAME: 'c3.long.test' },
    'c3.long.test': { TXT: [APEX] },
  });
  // A second authoritative server of the same zone that has not caught up yet.
  behind = await startDnsServer({ '_acme-challenge.example.test': { TXT: [APEX] } });
  recursive = await startDnsServer({
    'example.test': { NS: ['ns1.example.test', 'ns2.example.test'] },
    'ns1.example.test': { A: ['127.0.0.1'] },
    'ns2.example.test': { A: ['127.0.0.1'] },
    '_acme-challenge.example.test': {},
    'delegated.test': { NS: ['ns.delegated.test'] },
    'ns.delegated.test': { A: ['127.0.0.1'] },
    'dnshost.test': { NS: ['ns.dnshost.test'] },
    'ns.dnshost.test': { A: ['127.0.0.1'] },
    'auth.dnshost.test': {},
    'loop.test': { NS: ['ns.loop.test'] },
    'ns.loop.test': { A: ['127.0.0.1'] },
    'long.test': { NS: ['ns.long.test'] },
    'ns.long.test': { A: ['127.0.0.1'] },
    'private-ns.test': { NS: ['ns.private-ns.test'] },
    'ns.private-ns.test': { A: ['10.0.0.53'] },
    'mixed-ns.test': { NS: ['ns1.mixed-ns.test', 'ns2.mixed-ns.test'] },
    'ns1.mixed-ns.test': { A: ['127.0.0.1'] },
    'ns2.mixed-ns.test': { A: ['169.254.169.254'] },
  });
  auth.records.set('_acme-challenge.mixed-ns.test', { TXT: [APEX] });
});

afterAll(async () => {
  guard.restore();
  await Promise.all([recursive.close(), auth.close(), behind.close()]);
});

beforeEach(() => {
  recursive.mode = 'answer';
  auth.mode = 'answer';
  recursive.queries.length = 0;
  auth.queries.length = 0;
});

function discovering(options: DnsTxtCheckOptions = {}): DnsTxtCheck {
  return new DnsTxtCheck({
    recursiveServers: [recursive.endpoint],
    authoritativePort: auth.port,
    allowLoopback: true,
    queryTimeoutMs: 300,
    tries: 1,
    ...options,
  });
}

function failed(result: TxtCheckResult) {
  if (result.ok) throw new Error('expected the check to fail');
  return result;
}

describe('discovery and direct queries', () => {
  test('walks up to the zone, finds its name servers and asks each of them directly', async () => {
    const result = await discovering().checkTxt({ recordName: '_acme-challenge.example.test', expectedValues: [APEX, WILDCARD] });
    expect(result).toEqual({
      ok: true,
      answers: [
        { server: 'ns1.example.test', address: '127.0.0.1', values: [APEX, WILDCARD], queriedName: '_acme-challenge.example.test' },
        { server: 'ns2.example.test', address: '127.0.0.1', values: [APEX, WILDCARD], queriedName: '_acme-challenge.example.test' },
      ],
    });
    expect(recursive.queries).toEqual(
      expect.arrayContaining(['NS _acme-challenge.example.test', 'NS example.test', 'A ns1.example.test', 'A ns2.example.test']),
    );
    expect(recursive.queries).not.toContain('NS test'); // never asks for a TLD
    expect(recursive.queries.filter((q) => q.startsWith('TXT'))).toEqual([]); // TXT only from the authoritative servers
    expect(auth.queries).toEqual(expect.arrayContaining(['TXT _acme-challenge.example.test', 'CNAME _acme-challenge.example.test']));
  });

  test('follows a CNAME into another zone, discovering that zone’s servers', async () => {
    const result = await discovering().checkTxt({ recordName: '_acme-challenge.delegated.test', expectedValues: [APEX] });
    expect(result).toEqual({
      ok: true,
      answers: [{ server: 'ns.dnshost.test', address: '127.0.0.1', values: [APEX], queriedName: 'tok.auth.dnshost.test' }],
    });
    expect(recursive.queries).toEqual(expect.arrayContaining(['NS delegated.test', 'NS tok.auth.dnshost.test', 'NS dnshost.test']));
    expect(auth.queries).toContain('TXT tok.auth.dnshost.test');
  });

  test('stops a CNAME loop and reports lookupFailed', async () => {
    const result = failed(await discovering().checkTxt({ recordName: '_acme-challenge.loop.test', expectedValues: [APEX] }));
    expect(result.problem).toBe('lookupFailed');
    expect(result.detail).toContain('CNAME loop at _acme-challenge.loop.test');
  });

  test('bounds the CNAME chain', async () => {
    const request = { recordName: '_acme-challenge.long.test', expectedValues: [APEX] };
    expect((await discovering({ maxCnameHops: 3 }).checkTxt(request)).ok).toBe(true);
    const result = failed(await discovering({ maxCnameHops: 2 }).checkTxt(request));
    expect(result.problem).toBe('lookupFailed');
    expect(result.detail).toContain('CNAME chain longer than 2');
  });

  test('never asks a name server whose address is not allowed', async () => {
    const result = failed(await discovering().checkTxt({ recordName: '_acme-challenge.private-ns.test', expectedValues: [APEX] }));
    expect(result).toMatchObject({
      problem: 'lookupFailed',
      answers: [{ server: 'ns.private-ns.test', address: '10.0.0.53', values: null, error: 'address 10.0.0.53 refused (private)' }],
    });
    const mixed = await discovering().checkTxt({ recordName: '_acme-challenge.mixed-ns.test', expectedValues: [APEX] });
    expect(mixed).toMatchObject({
      ok: true,
      answers: [{ server: 'ns1.mixed-ns.test', values: [APEX] }, { server: 'ns2.mixed-ns.test', values: null, error: 'address 169.254.169.254 refused (metadata)' }],
    });
  });

  test('reports lookupFailed when no parent of the name has name servers', async () => {
    const result = failed(await discovering().checkTxt({ recordName: '_acme-challenge.unregistered.test', expectedValues: [APEX] }));
    expect(result.problem).toBe('lookupFailed');
    expect(result.detail).toContain('no name servers found');
  });

  test('reports lookupFailed when the recursive resolver fails', async () => {
    recursive.mode = 'servfail';
    const result = failed(await discovering().checkTxt({ recordName: '_acme-challenge.example.test', expectedValues: [APEX] }));
    expect(result).toMatchObject({ problem: 'lookupFailed', answers: [] });
    expect(result.detail).toContain('ESERVFAIL');
  });

  test('reports lookupFailed with each server’s error when no authoritative server answers', async () => {
    auth.mode = 'silent';
    const result = failed(await discovering().checkTxt({ recordName: '_acme-challenge.example.test', expectedValues: [APEX] }));
    expect(result.problem).toBe('lookupFailed');
    expect(result.answers).toEqual([
      expect.objectContaining({ server: 'ns1.example.test', values: null, error: 'TXT query failed: ETIMEOUT' }),
      expect.objectContaining({ server: 'ns2.example.test', values: null, error: 'TXT query failed: ETIMEOUT' }),
    ]);
  });

  test('never hangs: the overall deadline wins over slow queries', async () => {
    recursive.mode = 'silent';
    const started = Date.now();
    const check = discovering({ queryTimeoutMs: 5_000, tries: 3, deadlineMs: 300 });
    const result = failed(await check.checkTxt({ recordName: '_acme-challenge.example.test', expectedValues: [APEX] }));
    expect(result.problem).toBe('lookupFailed');
    expect(result.detail).toBe('DNS lookups did not finish within 300 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('comparison with the expected values', () => {
  test('missingSome: apex and wildcard share the name and one value is missing', async () => {
    const result = failed(await discovering().checkTxt({ recordName: '_acme-challenge.one.example.test', expectedValues: [APEX, WILDCARD] }));
    expect(result).toMatchObject({ problem: 'missingSome', missingValues: [WILDCARD], unexpectedValues: [] });
  });

  test('wrongValue: only other values are there', async () => {
    const result = failed(await discovering().checkTxt({ recordName: '_acme-challenge.stale.example.test', expectedValues: [APEX] }));
    expect(result).toMatchObject({ problem: 'wrongValue', missingValues: [APEX], unexpectedValues: ['left-over-from-last-month'] });
  });

  test('absent: no TXT record at the name (NXDOMAIN or NODATA)', async () => {
    for (const recordName of ['_acme-challenge.nothing.example.test', 'www.example.test']) {
      const result = failed(await discovering().checkTxt({ recordName, expectedValues: [APEX] }));
      expect(result).toMatchObject({ problem: 'absent', missingValues: [APEX], unexpectedValues: [] });
      expect(result.answers.map((a) => a.values)).toEqual([[], []]);
    }
  });

  test('propagating: one authoritative server has every value, the other not yet', async () => {
    const check = new DnsTxtCheck({ authoritativeServers: [auth.endpoint, behind.endpoint], queryTimeoutMs: 300, tries: 1 });
    const result = failed(await check.checkTxt({ recordName: '_acme-challenge.example.test', expectedValues: [APEX, WILDCARD] }));
    expect(result).toEqual({
      ok: false,
      problem: 'propagating',
      missingValues: [WILDCARD],
      unexpectedValues: [],
      answers: [
        { server: auth.endpoint, address: '127.0.0.1', values: [APEX, WILDCARD], queriedName: '_acme-challenge.example.test' },
        { server: behind.endpoint, address: '127.0.0.1', values: [APEX], queriedName: '_acme-challenge.example.test' },
      ],
      detail: `1 of 2 authoritative servers have every value at _acme-challenge.example.test; not yet: ${behind.endpoint} (127.0.0.1)`,
    });
  });
});

describe('malformed requests throw', () => {
  test.each([
    [{ recordName: 'localhost', expectedValues: [APEX] }],
    [{ recordName: 'bad name.example.test', expectedValues: [APEX] }],
    [{ recordName: '_acme-challenge.example.test', expectedValues: [] }],
  ])('%j', async (request) => {
    await expect(discovering().checkTxt(request)).rejects.toThrow(TypeError);
  });
});
