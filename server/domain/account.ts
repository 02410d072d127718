/**
 * One ACME account per (user, CA directory). The account key is generated and sealed before the
 * account exists at the CA; creating it there is idempotent for one key (RFC 8555 §7.3.1), so a
 * crash between the two steps only means the next step asks again.
 */
import type { StoredDoc } from '../ports/store';
import type { CaId } from './ca-catalog';

export interface AccountDoc extends StoredDoc {
  ownerId: string;
  caId: CaId;
  directoryUrl: string;
  accountKeySealed: string;
  /** Set once the CA has the account. */
  accountUrl: string | null;
  /** EAB key id (not secret) and the sealed HMAC key, for CAs that bind accounts. */
  eabKid: string | null;
  eabHmacSealed: string | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * The account document's id: stable for (owner, CA, directory), so two requests racing to create
 * it collide on the id instead of making two accounts. The directory URL is hashed (FNV-1a, not a
 * security measure) to keep the id short and within the store's id alphabet.
 */
export function accountIdFor(ownerId: string, caId: CaId, directoryUrl: string): string {
  return `acct-${caId}-${fnv1a(directoryUrl)}-${ownerId}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** Where a sealed secret lives; the cipher binds the ciphertext to it. */
export const secretContext = {
  accountKey: (accountId: string) => `accounts/${accountId}/accountKey`,
  eabHmac: (accountId: string) => `accounts/${accountId}/eabHmac`,
  /** The certificate key, sealed once for its order; the version it becomes keeps the same seal. */
  orderKey: (orderId: string) => `orders/${orderId}/privateKey`,
  /** A notification channel's destination (WeCom robot URL with its key, e-mail address, webhook URL). */
  channelTarget: (ownerId: string, channelId: string) => `users/${ownerId}/channels/${channelId}/target`,
  /** A DNS provider credential's fields (JSON). */
  credential: (ownerId: string, credentialId: string) => `credentials/${ownerId}/${credentialId}/fields`,
  /** A webhook channel's signing secret. */
  channelSecret: (ownerId: string, channelId: string) => `users/${ownerId}/channels/${channelId}/secret`,
} as const;
