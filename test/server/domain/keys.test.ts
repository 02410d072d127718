import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NodeKeyService } from '../../../server/adapters/crypto/key-service';
import {
  checkCsr,
  DEFAULT_KEY_TYPE,
  describeCsrViolation as reExported,
  isKeyType,
  KEY_TYPES,
  type CsrRule,
  type CsrViolation,
} from '../../../server/domain/keys';
import { describeCsrViolation } from '../../../server/domain/keys.messages.zh';
import type { CsrInfo, KeyType, PublicKeyInfo } from '../../../server/ports/keys';
import { useTempDir } from '../support/temp-dir';

const NAMES = ['example.com', 'www.example.com'];
const EC_P256: PublicKeyInfo = { algorithm: 'ec', bits: 256, curve: 'P-256' };

function csr(overrides: Partial<CsrInfo> = {}): CsrInfo {
  return { names: NAMES, publicKey: EC_P256, signatureValid: true, signatureAlgorithm: 'ecdsa-with-SHA256', ...overrides };
}

function rules(violations: CsrViolation[]): CsrRule[] {
  return violations.map((v) => v.rule);
}

describe('KEY_TYPES', () => {
  test('lists every key type once, the default first and the only one recommended', () => {
    const all: KeyType[] = ['ec-p256', 'ec-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096'];
    expect(KEY_TYPES.map((t) => t.id)).toEqual(all);
    expect(KEY_TYPES[0]?.id).toBe(DEFAULT_KEY_TYPE);
    expect(KEY_TYPES.filter((t) => t.recommended).map((t) => t.id)).toEqual([DEFAULT_KEY_TYPE]);
    for (const type of KEY_TYPES) {
      expect(type.label).toMatch(type.algorithm === 'ec' ? /^ECDSA P-(256|384)$/ : /^RSA (2048|3072|4096)$/);
      expect(type.id).toBe(`${type.algorithm}-${type.algorithm === 'ec' ? 'p' : ''}${type.bits}`);
      expect(type.description).toMatch(/\p{Script=Han}/u);
    }
  });

  test('isKeyType accepts exactly the listed ids', () => {
    expect(KEY_TYPES.every((t) => isKeyType(t.id))).toBe(true);
    for (const value of ['', 'ec-p521', 'rsa-1024', 'EC-P256', 'ed25519', 'rsa']) expect(isKeyType(value)).toBe(false);
  });
});

describe('checkCsr', () => {
  test('a CSR for exactly the order names, with an accepted key and signature, passes', () => {
    expect(checkCsr(csr(), NAMES)).toEqual([]);
    expect(checkCsr(csr({ names: ['WWW.example.com', 'example.com'] }), ['example.com', 'www.example.com', 'Example.com'])).toEqual([]);
    for (const bits of [2048, 3072, 4096]) {
      expect(checkCsr(csr({ publicKey: { algorithm: 'rsa', bits }, signatureAlgorithm: 'sha256WithRSAEncryption' }), NAMES)).toEqual([]);
    }
    expect(checkCsr(csr({ publicKey: { algorithm: 'ec', bits: 384, curve: 'P-384' }, signatureAlgorithm: 'ecdsa-with-SHA384' }), NAMES)).toEqual([]);
  });

  test('missing and extra names are reported one by one, in order', () => {
    expect(checkCsr(csr({ names: ['example.com', 'api.example.com', 'old.example.com'] }), ['example.com', 'www.example.com', '*.example.com'])).toEqual([
      { rule: 'nameMissing', name: 'www.example.com' },
      { rule: 'nameMissing', name: '*.example.com' },
      { rule: 'nameExtra', name: 'api.example.com' },
      { rule: 'nameExtra', name: 'old.example.com' },
    ]);
    // A wildcard does not stand in for a name it covers, nor the other way round.
    expect(rules(checkCsr(csr({ names: ['*.example.com'] }), ['www.example.com']))).toEqual(['nameMissing', 'nameExtra']);
    expect(checkCsr(csr({ names: [] }), ['example.com'])).toEqual([{ rule: 'nameMissing', name: 'example.com' }]);
  });

  test('RSA keys must be 2048, 3072 or 4096 bits', () => {
    const rsa = (bits: number) => checkCsr(csr({ publicKey: { algorithm: 'rsa', bits }, signatureAlgorithm: 'sha256WithRSAEncryption' }), NAMES);
    expect(rsa(1024)).toEqual([{ rule: 'rsaKeyTooSmall', bits: 1024, min: 2048 }]);
    expect(rsa(2047)).toEqual([{ rule: 'rsaKeyTooSmall', bits: 2047, min: 2048 }]);
    for (const bits of [2056, 2560, 8192, 16384]) {
      expect(rsa(bits)).toEqual([{ rule: 'rsaKeySizeNotAccepted', bits, accepted: [2048, 3072, 4096] }]);
    }
  });

  test('EC keys must be on P-256 or P-384; Ed25519 and other key types are refused', () => {
    const ec = (publicKey: PublicKeyInfo) => checkCsr(csr({ publicKey }), NAMES);
    expect(ec({ algorithm: 'ec', bits: 521, curve: 'P-521' })).toEqual([{ rule: 'ecCurveNotAccepted', curve: 'P-521', accepted: ['P-256', 'P-384'] }]);
    expect(ec({ algorithm: 'ec', bits: 0, curve: 'secp256k1' })).toEqual([{ rule: 'ecCurveNotAccepted', curve: 'secp256k1', accepted: ['P-256', 'P-384'] }]);
    expect(ec({ algorithm: 'ec', bits: 0 })).toEqual([{ rule: 'ecCurveNotAccepted', curve: 'unknown', accepted: ['P-256', 'P-384'] }]);
    // The key rule alone explains an Ed25519 CSR; its signature algorithm follows from the key.
    expect(checkCsr(csr({ publicKey: { algorithm: 'ed25519', bits: 256 }, signatureAlgorithm: 'ED25519' }), NAMES)).toEqual([{ rule: 'keyAlgorithmNotAccepted', algorithm: 'ed25519' }]);
    expect(checkCsr(csr({ publicKey: { algorithm: 'other', bits: 2048 }, signatureAlgorithm: 'rsassaPss' }), NAMES)).toEqual([{ rule: 'keyAlgorithmNotAccepted', algorithm: 'other' }]);
  });

  test('an invalid signature is reported for accepted algorithms; SHA-1 and RSA-PSS signatures are refused as such', () => {
    expect(checkCsr(csr({ signatureValid: false }), NAMES)).toEqual([{ rule: 'signatureInvalid' }]);
    const rsa: PublicKeyInfo = { algorithm: 'rsa', bits: 2048 };
    for (const algorithm of ['sha1WithRSAEncryption', 'rsassaPss', 'md5WithRSAEncryption']) {
      expect(checkCsr(csr({ publicKey: rsa, signatureAlgorithm: algorithm, signatureValid: false }), NAMES)).toEqual([{ rule: 'signatureAlgorithmNotAccepted', algorithm }]);
    }
  });

  test('every broken rule is reported at once: signature, key, then names', () => {
    const info = csr({ names: ['a.example.com'], publicKey: { algorithm: 'rsa', bits: 1024 }, signatureAlgorithm: 'sha1WithRSAEncryption' });
    expect(rules(checkCsr(info, ['example.com']))).toEqual(['signatureAlgorithmNotAccepted', 'rsaKeyTooSmall', 'nameMissing', 'nameExtra']);
  });
});

describe('describeCsrViolation', () => {
  const samples: Record<CsrRule, CsrViolation> = {
    signatureInvalid: { rule: 'signatureInvalid' },
    signatureAlgorithmNotAccepted: { rule: 'signatureAlgorithmNotAccepted', algorithm: 'sha1WithRSAEncryption' },
    rsaKeyTooSmall: { rule: 'rsaKeyTooSmall', bits: 1024, min: 2048 },
    rsaKeySizeNotAccepted: { rule: 'rsaKeySizeNotAccepted', bits: 8192, accepted: [2048, 3072, 4096] },
    ecCurveNotAccepted: { rule: 'ecCurveNotAccepted', curve: 'secp256k1', accepted: ['P-256', 'P-384'] },
    keyAlgorithmNotAccepted: { rule: 'keyAlgorithmNotAccepted', algorithm: 'other' },
    nameMissing: { rule: 'nameMissing', name: 'www.example.com' },
    nameExtra: { rule: 'nameExtra', name: 'api.example.com' },
  };

  test('gives Chinese text naming the problem for every rule', () => {
    expect(describeCsrViolation(samples.rsaKeyTooSmall)).toMatch(/^CSR 中的 RSA 密钥只有 1024 位，至少需要 2048 位：/);
    expect(describeCsrViolation(samples.nameMissing)).toMatch(/^CSR 缺少域名 www\.example\.com：/);
    expect(describeCsrViolation(samples.nameExtra)).toContain('api.example.com');
    expect(describeCsrViolation(samples.rsaKeySizeNotAccepted)).toContain('8192 位，证书颁发机构只接受 2048、3072、4096 位');
    expect(describeCsrViolation(samples.ecCurveNotAccepted)).toContain('secp256k1');
    expect(describeCsrViolation(samples.signatureAlgorithmNotAccepted)).toContain('sha1WithRSAEncryption');
    expect(describeCsrViolation(samples.signatureInvalid)).toContain('签名校验失败');
    for (const v of Object.values(samples)) expect(describeCsrViolation(v)).toMatch(/\p{Script=Han}/u);
    expect(new Set(Object.values(samples).map(describeCsrViolation)).size).toBe(Object.keys(samples).length);
  });

  test('says why P-521 and Ed25519 are refused', () => {
    expect(describeCsrViolation({ rule: 'ecCurveNotAccepted', curve: 'P-521', accepted: ['P-256', 'P-384'] })).toContain("P-521 曲线，Let's Encrypt 等证书颁发机构不接受");
    expect(describeCsrViolation({ rule: 'keyAlgorithmNotAccepted', algorithm: 'ed25519' })).toContain('Ed25519 密钥，公共证书颁发机构目前不签发');
    expect(describeCsrViolation({ rule: 'keyAlgorithmNotAccepted', algorithm: 'ed448' })).toContain('Ed448');
  });

  test('is re-exported next to checkCsr', () => {
    expect(reExported).toBe(describeCsrViolation);
  });
});

describe('checkCsr on real CSRs', () => {
  const keys = new NodeKeyService();
  const dir = useTempDir('csr-policy', 'all');
  async function opensslCsr(name: string, newkey: string[], extra: string[] = []): Promise<CsrInfo> {
    await promisify(execFile)('openssl', ['req', '-new', ...newkey, '-nodes', '-keyout', `${name}.key`, '-subj', '/CN=example.com',
      '-addext', 'subjectAltName=DNS:example.com,DNS:www.example.com', ...extra, '-out', `${name}.csr`], { cwd: dir() });
    return keys.inspectCsr(await readFile(join(dir(), `${name}.csr`), 'utf8'));
  }

  test.each(KEY_TYPES.map((t) => t.id))('our own %s CSRs pass for their names and fail for others', async (keyType) => {
    const generated = await keys.generate(keyType, NAMES);
    const info = await keys.inspectCsr(generated.csrPem);
    expect(checkCsr(info, NAMES)).toEqual([]);
    expect(checkCsr(info, ['example.com', 'api.example.com'])).toEqual([
      { rule: 'nameMissing', name: 'api.example.com' },
      { rule: 'nameExtra', name: 'www.example.com' },
    ]);
  }, 60_000);

  test('openssl CSRs: a good one passes; weak, P-521, Ed25519, SHA-1 and corrupted ones are refused for the right reason', async () => {
    expect(checkCsr(await opensslCsr('good', ['-newkey', 'rsa:2048']), NAMES)).toEqual([]);
    expect(checkCsr(await opensslCsr('weak', ['-newkey', 'rsa:1024']), NAMES)).toEqual([{ rule: 'rsaKeyTooSmall', bits: 1024, min: 2048 }]);
    expect(rules(checkCsr(await opensslCsr('p521', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521']), NAMES))).toEqual(['ecCurveNotAccepted']);
    expect(rules(checkCsr(await opensslCsr('ed', ['-newkey', 'ed25519']), NAMES))).toEqual(['keyAlgorithmNotAccepted']);
    expect(rules(checkCsr(await opensslCsr('sha1', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], ['-sha1']), NAMES))).toEqual(['signatureAlgorithmNotAccepted']);

    const pem = await readFile(join(dir(), 'good.csr'), 'utf8');
    const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64');
    der[der.length - 1] = der[der.length - 1]! ^ 0xff;
    const corrupted = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    expect(checkCsr(await keys.inspectCsr(corrupted), NAMES)).toEqual([{ rule: 'signatureInvalid' }]);
  }, 60_000);
});
