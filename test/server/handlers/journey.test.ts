/**
 * The `api` function through the local runtime's HTTP interface, against Pebble: the whole user
 * journey, schema rejections, and an authorization matrix in which a second user tries every
 * action on the first user's resources.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import type { ApiRequest } from '../../../typings/api';
import { startLocalRuntime, type LocalRuntime } from '../../../server/local/runtime';
import { recordingLogger } from '../support/recording-logger';
import { useTempDir } from '../support/temp-dir';
import { apiClient } from './support';

jest.setTimeout(90_000);

const ALICE = 'o_alice';
const MALLORY = 'o_mallory';
let runtime: LocalRuntime;
const { ok } = apiClient(() => runtime);
const tempDir = useTempDir('journey', 'all');

beforeAll(async () => {
  runtime = await startLocalRuntime({ dataDir: tempDir(), port: 0, logger: recordingLogger() });
});
afterAll(async () => {
  await runtime.stop();
});

function download(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`GET ${url}: ${res.statusCode}`))));
    }).on('error', reject);
  });
}

/** Alice's issued certificate, shared by the later tests. */
let issued: { certificateId: string; orderId: string };

describe('the journey', () => {
  test('create → instructions → publish → verify → issued → list → export (PEM and PFX) → revoke', async () => {
    const created = await ok(ALICE, { action: 'createRequest', names: ['journey.example.test', '*.journey.example.test'], caId: 'pebble', validation: 'dns-01' });
    expect(created.order).toMatchObject({ state: 'awaitingUser', progress: 'waitingForRecords', names: ['journey.example.test', '*.journey.example.test'] });
    const [instruction] = created.order.dnsInstructions;
    expect(instruction).toMatchObject({ recordName: '_acme-challenge.journey.example.test', type: 'TXT' });
    expect(instruction?.values).toHaveLength(2);

    const early = await ok(ALICE, { action: 'verifyOrder', orderId: created.order.id });
    expect(early.state).toBe('awaitingUser');
    expect(early.selfCheck?.items[0]).toMatchObject({ ok: false, reason: expect.stringContaining('_acme-challenge.journey.example.test') });

    for (const value of instruction!.values) await runtime.api.dev('/dev/txt', { name: instruction!.recordName, value });
    const verified = await ok(ALICE, { action: 'verifyOrder', orderId: created.order.id });
    expect(verified).toMatchObject({ state: 'issued', progress: 'issued', lastError: null });
    issued = { certificateId: created.certificateId, orderId: created.order.id };

    const list = await ok(ALICE, { action: 'listCertificates' });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ id: created.certificateId, status: 'active', expiryLevel: 'safe', caName: '本地测试 CA（Pebble）', orderState: 'issued' });
    expect(list.items[0]?.daysLeft).toBeGreaterThanOrEqual(46);

    const fullchain = await ok(ALICE, { action: 'exportCertificate', certificateId: created.certificateId, format: 'fullchain' });
    expect(fullchain.text).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect((await download(fullchain.tempUrl!)).toString()).toBe(fullchain.text);
    expect(fullchain.snippets.map((s) => s.server).sort()).toEqual(['apache', 'iis', 'nginx', 'tomcat']);
    const leaf = new X509Certificate(fullchain.text!);

    const key = await ok(ALICE, { action: 'exportCertificate', certificateId: created.certificateId, format: 'privateKey' });
    const pfx = await ok(ALICE, { action: 'exportCertificate', certificateId: created.certificateId, format: 'pfx', password: 'journey-pass-1' });
    expect(pfx.text).toBeNull();
    const pfxFile = join(tempDir(), 'journey.pfx');
    writeFileSync(pfxFile, await download(pfx.tempUrl!));
    const unpacked = execFileSync('openssl', ['pkcs12', '-in', pfxFile, '-passin', 'pass:journey-pass-1', '-nodes'], { encoding: 'utf8' });
    const certFromPfx = new X509Certificate(unpacked.slice(unpacked.indexOf('-----BEGIN CERTIFICATE-----')));
    expect(certFromPfx.fingerprint256).toBe(leaf.fingerprint256);
    expect(unpacked).toContain('PRIVATE KEY');
    expect(key.text).toContain('PRIVATE KEY');

    const revoked = await ok(ALICE, { action: 'revokeCertificate', certificateId: created.certificateId, reason: 'superseded' });
    expect(revoked).toMatchObject({ status: 'revoked' });
    expect(revoked.versions[0]).toMatchObject({ revocationReason: 'superseded', hasPrivateKey: true });
    expect(await runtime.stack.certificateStatus(leaf.serialNumber.toLowerCase())).toMatchObject({ Status: 'Revoked', Reason: 4 });
  });
});

describe('schema rejections', () => {
  test.each<[string, unknown, string, string | undefined]>([
    ['a missing field', { action: 'getOrder' }, 'INVALID_REQUEST', 'orderId'],
    ['a wrong type', { action: 'listCertificates', limit: 'ten' }, 'INVALID_REQUEST', 'limit'],
    ['an oversized list', { action: 'createRequest', names: Array.from({ length: 101 }, (_, i) => `n${i}.example.test`), caId: 'pebble', validation: 'dns-01' }, 'INVALID_REQUEST', 'names'],
    ['an unknown CA', { action: 'createRequest', names: ['a.example.test'], caId: 'acme-corp', validation: 'dns-01' }, 'INVALID_REQUEST', 'caId'],
    ['a bad name', { action: 'createRequest', names: ['ok.example.test', 'bad_name.example.test'], caId: 'pebble', validation: 'dns-01' }, 'INVALID_REQUEST', 'names[1]'],
    ['a CSR that is no CSR', { action: 'createRequest', names: ['a.example.test'], caId: 'pebble', validation: 'dns-01', csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nnope\n-----END CERTIFICATE REQUEST-----' }, 'INVALID_REQUEST', 'csr'],
    ['a short PFX password', { action: 'exportCertificate', certificateId: 'x', format: 'pfx', password: 'short' }, 'NOT_FOUND', undefined],
    ['an unknown field', { action: 'getSettings', openId: 'o_forged' }, 'INVALID_REQUEST', 'openId'],
  ])('%s is refused (%s, field %s) with a Chinese message', async (_label, event, code, field) => {
    const response = await runtime.api.call(event, ALICE);
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error.code).toBe(code);
    expect(response.error.field).toBe(field);
    expect(response.error.message).toMatch(/[\u4e00-\u9fa5]/);
  });
});

describe('authorization matrix', () => {
  test('another user is refused every action on the first user’s resources, and nothing changes', async () => {
    const before = JSON.stringify(await ok(ALICE, { action: 'getCertificate', certificateId: issued.certificateId }));
    const attempts: ApiRequest[] = [
      { action: 'getCertificate', certificateId: issued.certificateId },
      { action: 'getOrder', orderId: issued.orderId },
      { action: 'verifyOrder', orderId: issued.orderId },
      { action: 'cancelOrder', orderId: issued.orderId },
      { action: 'exportCertificate', certificateId: issued.certificateId, format: 'privateKey' },
      { action: 'exportCertificate', certificateId: issued.certificateId, format: 'fullchain' },
      { action: 'revokeCertificate', certificateId: issued.certificateId, reason: 'keyCompromise' },
      { action: 'deleteCertificate', certificateId: issued.certificateId },
    ];
    for (const request of attempts) {
      const response = await runtime.api.call(request, MALLORY);
      expect({ action: request.action, code: response.ok ? 'OK' : response.error.code }).toEqual({ action: request.action, code: 'NOT_FOUND' });
    }
    expect((await ok(MALLORY, { action: 'listCertificates' })).items).toEqual([]);
    expect(JSON.stringify(await ok(ALICE, { action: 'getCertificate', certificateId: issued.certificateId }))).toBe(before);
  });

  test('settings are per user; delete removes the owner’s certificate', async () => {
    const noChannels = { wechat: { templates: [], banked: 0 }, channels: [] };
    expect(await ok(ALICE, { action: 'updateSettings', reminderDays: [7, 30, 7, 1] })).toEqual({ reminderDays: [30, 7, 1], remindOnExpiry: true, ...noChannels });
    expect(await ok(MALLORY, { action: 'getSettings' })).toEqual({ reminderDays: [30, 14, 7, 3, 1], remindOnExpiry: true, ...noChannels });
    expect(await ok(ALICE, { action: 'deleteCertificate', certificateId: issued.certificateId })).toEqual({ deleted: true });
    expect((await ok(ALICE, { action: 'listCertificates' })).items).toEqual([]);
  });
});
