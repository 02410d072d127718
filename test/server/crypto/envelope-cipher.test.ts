import { randomBytes } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvelopeCipher, MasterKeyError, parseMasterKeys } from '../../../server/adapters/crypto/envelope-cipher';
import { loadOrCreateDevMasterKey } from '../../../server/local/dev-key';
import { DecryptionError } from '../../../server/ports/cipher';
import { useTempDir } from '../support/temp-dir';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const SECRET = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg…\n-----END PRIVATE KEY-----\n';

describe('EnvelopeCipher', () => {
  const cipher = new EnvelopeCipher(parseMasterKeys(key('k1')));

  test('round-trips text, including non-ASCII, and never repeats a sealed value', () => {
    const a = cipher.encrypt(SECRET, 'certificateVersions/v1/privateKey');
    const b = cipher.encrypt(SECRET, 'certificateVersions/v1/privateKey');
    expect(a).not.toBe(b);
    expect(a).not.toContain('PRIVATE KEY');
    expect(a).toMatch(/^ck1\.k1\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){3}$/);
    expect(cipher.decrypt(a, 'certificateVersions/v1/privateKey')).toBe(SECRET);
    expect(cipher.decrypt(cipher.encrypt('证书 🔐', 'x'), 'x')).toBe('证书 🔐');
    expect(cipher.decrypt(cipher.encrypt('', 'x'), 'x')).toBe('');
  });

  test('a value moved to another context does not decrypt', () => {
    const sealed = cipher.encrypt(SECRET, 'accounts/a1/key');
    expect(() => cipher.decrypt(sealed, 'accounts/a2/key')).toThrow(DecryptionError);
  });

  test('tampering with any part is detected', () => {
    const sealed = cipher.encrypt(SECRET, 'c');
    const parts = sealed.split('.');
    for (let i = 2; i < parts.length; i++) {
      const bytes = Buffer.from(parts[i]!, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      const tampered = [...parts.slice(0, i), bytes.toString('base64url'), ...parts.slice(i + 1)].join('.');
      expect(() => cipher.decrypt(tampered, 'c')).toThrow(DecryptionError);
    }
    expect(() => cipher.decrypt('ck1.k1.short', 'c')).toThrow(/not a ck1 sealed value/);
    expect(() => cipher.decrypt(sealed.slice(0, -30), 'c')).toThrow(DecryptionError);
  });

  test('a value sealed with an unknown master key names the key id, not the secret', () => {
    const other = new EnvelopeCipher(parseMasterKeys(key('other')));
    const sealed = other.encrypt(SECRET, 'c');
    expect(() => cipher.decrypt(sealed, 'c')).toThrow('sealed with master key "other"');
  });

  test('rotation: the new key encrypts, old keys still decrypt, and old values are flagged', () => {
    const oldKey = key('2026-01');
    const before = new EnvelopeCipher(parseMasterKeys(oldKey));
    const sealedOld = before.encrypt(SECRET, 'c');
    const rotated = new EnvelopeCipher(parseMasterKeys(`${key('2026-11')},${oldKey}`));
    expect(rotated.decrypt(sealedOld, 'c')).toBe(SECRET);
    expect(rotated.needsReencryption(sealedOld)).toBe(true);
    const sealedNew = rotated.encrypt(SECRET, 'c');
    expect(sealedNew.startsWith('ck1.2026-11.')).toBe(true);
    expect(rotated.needsReencryption(sealedNew)).toBe(false);
    expect(() => before.decrypt(sealedNew, 'c')).toThrow(DecryptionError);
  });
});

describe('parseMasterKeys', () => {
  test.each([
    [undefined, /CERTKEEPER_MASTER_KEY: not set/],
    ['   ', /not set/],
    ['no-colon-here', /entry 1 has no valid key id/],
    ['bad id!:' + randomBytes(32).toString('base64'), /entry 1 has no valid key id/],
    ['k1:' + randomBytes(16).toString('base64'), /key "k1" must be base64 of exactly 32 bytes \(got 16\)/],
    ['k1:not*base64', /key "k1" must be base64/],
    [`${key('k1')},${key('k1')}`, /key id "k1" appears twice/],
    [`${key('k1')},broken`, /entry 2 has no valid key id/],
  ])('%p is refused with a message naming the setting and the rule', (value, message) => {
    expect(() => parseMasterKeys(value)).toThrow(MasterKeyError);
    expect(() => parseMasterKeys(value)).toThrow(message);
  });

  test('the error never echoes the key material', () => {
    const material = randomBytes(16).toString('base64');
    expect(() => parseMasterKeys(`k1:${material}`)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(material) }));
  });

  test('fromEnv reads CERTKEEPER_MASTER_KEY', () => {
    const cipher = EnvelopeCipher.fromEnv({ CERTKEEPER_MASTER_KEY: key('env') });
    expect(cipher.encrypt('x', 'c').split('.')[1]).toBe('env');
    expect(() => EnvelopeCipher.fromEnv({})).toThrow(/CERTKEEPER_MASTER_KEY: not set/);
  });
});

describe('dev master key file', () => {
  const tempDir = useTempDir('key');

  test('is created once with mode 0600, then reused', async () => {
    const path = join(tempDir(), 'nested', 'master.key');
    const first = await loadOrCreateDevMasterKey(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(tempDir(), 'nested'))).mode & 0o777).toBe(0o700);
    expect(await loadOrCreateDevMasterKey(path)).toBe(first);
    expect(new EnvelopeCipher(parseMasterKeys(first)).encrypt('x', 'c')).toMatch(/^ck1\.dev-\d{8}\./);
    expect((await readFile(path, 'utf8')).trim()).toBe(first);
  });

  test('a key file readable by others is tightened and reported', async () => {
    const path = join(tempDir(), 'master.key');
    await writeFile(path, `${key('k1')}\n`);
    await chmod(path, 0o644);
    const warnings: string[] = [];
    await loadOrCreateDevMasterKey(path, (m) => warnings.push(m));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([expect.stringContaining('changed to 600')]);
  });
});
