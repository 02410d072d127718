import { accountIdFor, secretContext, type AccountDoc } from '../domain/account';
import type { CaId } from '../domain/ca-catalog';
import type { AcmeSession } from '../ports/acme';
import { DuplicateIdError } from '../ports/store';
import type { EngineDeps } from './engine';

/**
 * The account document for (owner, CA, directory), created with a fresh sealed key when there is
 * none. Does not contact the CA. Concurrent callers end up with the same document.
 */
export async function findOrCreateAccountDoc(
  deps: Pick<EngineDeps, 'store' | 'keys' | 'cipher' | 'clock'>,
  input: { ownerId: string; caId: CaId; directoryUrl: string; eab: { kid: string; hmacKey: string } | null },
): Promise<AccountDoc> {
  const accounts = deps.store.collection<AccountDoc>('accounts');
  const id = accountIdFor(input.ownerId, input.caId, input.directoryUrl);
  const existing = await accounts.get(id);
  if (existing) return updateEab(deps, existing, input.eab);
  const now = deps.clock.now();
  try {
    return await accounts.insert({
      _id: id,
      ownerId: input.ownerId,
      caId: input.caId,
      directoryUrl: input.directoryUrl,
      accountKeySealed: deps.cipher.encrypt(await deps.keys.generateAccountKey(), secretContext.accountKey(id)),
      accountUrl: null,
      eabKid: input.eab?.kid ?? null,
      eabHmacSealed: input.eab ? deps.cipher.encrypt(input.eab.hmacKey, secretContext.eabHmac(id)) : null,
      createdAt: now,
      updatedAt: now,
    });
  } catch (error) {
    if (!(error instanceof DuplicateIdError)) throw error;
    const winner = await accounts.get(id);
    if (!winner) throw error;
    return updateEab(deps, winner, input.eab);
  }
}

/** New EAB credentials matter only while the CA has no account yet. */
async function updateEab(
  deps: Pick<EngineDeps, 'store' | 'cipher' | 'clock'>,
  account: AccountDoc,
  eab: { kid: string; hmacKey: string } | null,
): Promise<AccountDoc> {
  if (!eab || account.accountUrl) return account;
  const updated = await deps.store.collection<AccountDoc>('accounts').update(account, {
    eabKid: eab.kid,
    eabHmacSealed: deps.cipher.encrypt(eab.hmacKey, secretContext.eabHmac(account._id)),
    updatedAt: deps.clock.now(),
  });
  return updated ?? account;
}

/**
 * A signing session for the account, registering it at the CA first if needed (one request,
 * idempotent for the key). Throws AcmeError from the CA.
 */
export async function openSession(deps: EngineDeps, accountId: string): Promise<AcmeSession> {
  const accounts = deps.store.collection<AccountDoc>('accounts');
  let account = await accounts.get(accountId);
  if (!account) throw new Error(`account ${accountId} is missing`);
  const endpoint = deps.cas.endpoint(account.directoryUrl);
  const accountKeyPem = deps.cipher.decrypt(account.accountKeySealed, secretContext.accountKey(account._id));
  if (!account.accountUrl) {
    const eab =
      account.eabKid && account.eabHmacSealed
        ? { kid: account.eabKid, hmacKey: deps.cipher.decrypt(account.eabHmacSealed, secretContext.eabHmac(account._id)) }
        : undefined;
    const { accountUrl } = await deps.acme.createAccount(endpoint, { accountKeyPem, ...(eab ? { externalAccountBinding: eab } : {}) });
    // Another caller may have stored the same URL meanwhile: the key is the same, so is the account.
    account = (await accounts.update(account, { accountUrl, updatedAt: deps.clock.now() })) ?? account;
    deps.logger.info('acme.account.registered', { accountId: account._id, caId: account.caId });
    return { ...endpoint, accountKeyPem, accountUrl };
  }
  return { ...endpoint, accountKeyPem, accountUrl: account.accountUrl };
}
