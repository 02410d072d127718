/**
 * Encryption of secrets at rest: ACME account keys, certificate private keys, DNS credentials.
 *
 * `context` names where the secret lives (e.g. `certificateVersions/<id>/privateKey`) and is
 * authenticated with it: a sealed value copied to another document or field does not decrypt.
 * Sealed values are printable ASCII, safe to store as strings in any document.
 */
export interface Cipher {
  /** Encrypts under the current master key. Two calls never return the same text. */
  encrypt(plaintext: string, context: string): string;
  /**
   * Decrypts a value from `encrypt` with whichever configured master key sealed it.
   * Throws `DecryptionError` when the value was tampered with, belongs to another context,
   * or was sealed with a master key that is not configured. Never returns partial plaintext.
   */
  decrypt(sealed: string, context: string): string;
  /** True when `sealed` was made with a master key other than the current one (re-encrypt it). */
  needsReencryption(sealed: string): boolean;
}

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}
