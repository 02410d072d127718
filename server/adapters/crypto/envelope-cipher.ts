import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptionError, type Cipher } from '../../ports/cipher';

/**
 * AES-256-GCM envelope encryption. Each value gets its own random data key; the data key is
 * encrypted ("wrapped") with the master key. The sealed text names the master key by id, so keys
 * can be rotated: configure the new key first and keep the old ones for decryption until every
 * value has been re-encrypted.
 *
 * Sealed format (base64url parts): `ck1.<keyId>.<wrapIv>.<wrappedKey+tag>.<iv>.<ciphertext+tag>`.
 * Both encryptions authenticate `ck1.<keyId>.<context>` as additional data.
 */

export const MASTER_KEY_VARIABLE = 'CERTKEEPER_MASTER_KEY';

export interface MasterKey {
  id: string;
  key: Buffer;
}

/** Master keys, the first one current (used to encrypt), the others kept to decrypt. */
export interface Keyring {
  current: MasterKey;
  all: ReadonlyMap<string, Buffer>;
}

/** A setting that is missing or malformed; the message names it and the rule it breaks. */
export class MasterKeyError extends Error {
  constructor(message: string) {
    super(`${MASTER_KEY_VARIABLE}: ${message}`);
    this.name = 'MasterKeyError';
  }
}

const VERSION = 'ck1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const FORMAT_HINT = 'expected "<keyId>:<base64 of 32 random bytes>", several separated by commas, the current one first';

/**
 * Parses `CERTKEEPER_MASTER_KEY`, e.g. `2026-11:3q2+7w…=` or `2027-01:…,2026-11:…` while rotating.
 * Generate a key with `openssl rand -base64 32`.
 */
export function parseMasterKeys(value: string | undefined): Keyring {
  if (value === undefined || value.trim() === '') {
    throw new MasterKeyError(`not set; ${FORMAT_HINT}`);
  }
  const keys: MasterKey[] = value.split(',').map((entry, index) => {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator).trim();
    const encoded = entry.slice(separator + 1).trim();
    if (separator < 0 || !KEY_ID.test(id)) {
      throw new MasterKeyError(`entry ${index + 1} has no valid key id (1-32 of A-Z a-z 0-9 _ -); ${FORMAT_HINT}`);
    }
    const key = Buffer.from(encoded, 'base64');
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded) || key.length !== KEY_BYTES) {
      throw new MasterKeyError(`key "${id}" must be base64 of exactly ${KEY_BYTES} bytes (got ${key.length}); ${FORMAT_HINT}`);
    }
    return { id, key };
  });
  const all = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (all.has(id)) throw new MasterKeyError(`key id "${id}" appears twice`);
    all.set(id, key);
  }
  const [current] = keys;
  if (!current) throw new MasterKeyError(`not set; ${FORMAT_HINT}`);
  return { current, all };
}

export class EnvelopeCipher implements Cipher {
  constructor(private readonly keyring: Keyring) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): EnvelopeCipher {
    return new EnvelopeCipher(parseMasterKeys(env[MASTER_KEY_VARIABLE]));
  }

  encrypt(plaintext: string, context: string): string {
    const { id, key } = this.keyring.current;
    const aad = additionalData(id, context);
    const dataKey = randomBytes(KEY_BYTES);
    const wrapped = seal(key, dataKey, aad);
    const body = seal(dataKey, Buffer.from(plaintext, 'utf8'), aad);
    dataKey.fill(0);
    return [VERSION, id, wrapped.iv, wrapped.sealed, body.iv, body.sealed].join('.');
  }

  decrypt(sealed: string, context: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 6 || parts[0] !== VERSION) {
      throw new DecryptionError(`cipher: not a ${VERSION} sealed value`);
    }
    const [, id, wrapIv, wrappedKey, iv, body] = parts as [string, string, string, string, string, string];
    const masterKey = this.keyring.all.get(id);
    if (!masterKey) {
      throw new DecryptionError(`cipher: sealed with master key "${id}", which ${MASTER_KEY_VARIABLE} does not contain`);
    }
    const aad = additionalData(id, context);
    const dataKey = open(masterKey, wrapIv, wrappedKey, aad);
    try {
      return open(dataKey, iv, body, aad).toString('utf8');
    } finally {
      dataKey.fill(0);
    }
  }

  needsReencryption(sealed: string): boolean {
    return sealed.split('.')[1] !== this.keyring.current.id;
  }
}

function additionalData(keyId: string, context: string): Buffer {
  return Buffer.from(`${VERSION}.${keyId}.${context}`, 'utf8');
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): { iv: string; sealed: string } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { iv: iv.toString('base64url'), sealed: sealed.toString('base64url') };
}

function open(key: Buffer, ivText: string, sealedText: string, aad: Buffer): Buffer {
  const iv = Buffer.from(ivText, 'base64url');
  const sealed = Buffer.from(sealedText, 'base64url');
  if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) throw new DecryptionError('cipher: sealed value is truncated');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError('cipher: authentication failed (tampered value, wrong context or wrong key)');
  }
}
