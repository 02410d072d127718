/**
 * DNS provider credentials: checked against the provider's descriptor, tested against the vendor
 * before they are stored, sealed at rest, shown masked, scoped to their owner.
 */
import { secretContext } from '../domain/account';
import { DNS_PROVIDERS, type DnsProviderId } from '../domain/dns-providers';
import { CREDENTIAL_MESSAGES } from '../domain/dns-providers.messages.zh';
import { ConflictError, InputRejectedError, NotFoundError, type Violation } from '../domain/errors';
import { DnsProviderError, type DnsCredentials, type DnsProvider } from '../ports/dns-provider';
import type { Page, StoredDoc } from '../ports/store';
import type { EngineDeps } from './engine';

export interface CredentialDoc extends StoredDoc {
  ownerId: string;
  provider: DnsProviderId;
  label: string;
  /** Every field, as JSON, sealed (`secretContext.credential`). */
  fieldsSealed: string;
  /** Non-secret fields partly masked, secret ones as dots: what the app shows. */
  masked: Record<string, string>;
  createdAt: number;
  lastTest: { ok: boolean; at: number; message: string | null; zones: number | null };
}

/** Credentials a user may keep. */
export const MAX_CREDENTIALS = 10;

/** Checks the fields, tests them against the vendor, and stores them sealed; refuses what does not work. */
export async function addCredential(
  deps: EngineDeps,
  ownerId: string,
  input: { provider: DnsProviderId; label: string | undefined; fields: Record<string, string> },
): Promise<CredentialDoc> {
  const descriptor = DNS_PROVIDERS[input.provider];
  const violations: Violation[] = [];
  const fields: Record<string, string> = {};
  for (const field of descriptor.fields) {
    const value = (input.fields[field.key] ?? '').trim();
    if (!field.pattern.test(value)) violations.push({ field: `fields.${field.key}`, rule: 'credentialField', message: CREDENTIAL_MESSAGES.fieldInvalid(field.label) });
    fields[field.key] = value;
  }
  for (const key of Object.keys(input.fields)) {
    if (!descriptor.fields.some((f) => f.key === key)) violations.push({ field: `fields.${key}`, rule: 'unknownField', message: CREDENTIAL_MESSAGES.unknownField });
  }
  if (violations.length > 0) throw new InputRejectedError(violations);
  const existing = await listCredentials(deps, ownerId);
  if (existing.length >= MAX_CREDENTIALS) throw new ConflictError('tooManyCredentials', CREDENTIAL_MESSAGES.tooMany(MAX_CREDENTIALS));

  const test = await tryConnection(deps.dns.providers[input.provider](fields));
  if (!test.ok) throw new InputRejectedError([{ field: 'fields', rule: 'connectionFailed', message: test.message }]);
  const id = deps.store.newId();
  const now = deps.clock.now();
  const doc = await deps.store.collection<CredentialDoc>('credentials').insert({
    _id: id,
    ownerId,
    provider: input.provider,
    label: input.label !== undefined && input.label.trim() !== '' ? input.label.trim() : descriptor.displayName,
    fieldsSealed: deps.cipher.encrypt(JSON.stringify(fields), secretContext.credential(ownerId, id)),
    masked: Object.fromEntries(descriptor.fields.map((f) => [f.key, f.secret ? '••••••••' : mask(fields[f.key] ?? '')])),
    createdAt: now,
    lastTest: { ok: true, at: now, message: null, zones: test.zones },
  });
  deps.logger.info('credential.added', { credentialId: id, provider: input.provider });
  return doc;
}

export async function listCredentials(deps: Pick<EngineDeps, 'store'>, ownerId: string): Promise<CredentialDoc[]> {
  const all: CredentialDoc[] = [];
  let after: string | null = null;
  do {
    const page: Page<CredentialDoc> = await deps.store.collection<CredentialDoc>('credentials').listByOwner(ownerId, { limit: 100, after });
    all.push(...page.items);
    after = page.nextCursor;
  } while (after);
  return all;
}

export async function ownCredential(deps: Pick<EngineDeps, 'store'>, ownerId: string, credentialId: string): Promise<CredentialDoc> {
  const doc = await deps.store.collection<CredentialDoc>('credentials').get(credentialId);
  if (!doc || doc.ownerId !== ownerId) throw new NotFoundError(`credential ${credentialId}`);
  return doc;
}

/** A provider client for a stored credential. */
export async function providerFor(deps: EngineDeps, ownerId: string, credentialId: string): Promise<DnsProvider> {
  const doc = await ownCredential(deps, ownerId, credentialId);
  const fields = JSON.parse(deps.cipher.decrypt(doc.fieldsSealed, secretContext.credential(ownerId, credentialId))) as DnsCredentials;
  return deps.dns.providers[doc.provider](fields);
}

/** Tests a stored credential again and records the outcome. */
export async function testCredential(deps: EngineDeps, ownerId: string, credentialId: string): Promise<CredentialDoc> {
  const result = await tryConnection(await providerFor(deps, ownerId, credentialId));
  const credentials = deps.store.collection<CredentialDoc>('credentials');
  for (let attempt = 0; attempt < 3; attempt++) {
    const doc = await ownCredential(deps, ownerId, credentialId);
    const saved = await credentials.update(doc, { lastTest: { ok: result.ok, at: deps.clock.now(), message: result.ok ? null : result.message, zones: result.ok ? result.zones : null } });
    if (saved) return saved;
  }
  throw new ConflictError('busy', CREDENTIAL_MESSAGES.busy);
}

/** Removes a credential no certificate uses. */
export async function removeCredential(deps: EngineDeps, ownerId: string, credentialId: string, usedBy: number): Promise<void> {
  await ownCredential(deps, ownerId, credentialId);
  if (usedBy > 0) throw new ConflictError('credentialInUse', CREDENTIAL_MESSAGES.inUse(usedBy));
  await deps.store.collection<CredentialDoc>('credentials').delete(credentialId);
}

async function tryConnection(provider: DnsProvider): Promise<{ ok: true; zones: number } | { ok: false; message: string }> {
  try {
    return { ok: true, zones: (await provider.testConnection()).zones };
  } catch (error) {
    if (error instanceof DnsProviderError) return { ok: false, message: CREDENTIAL_MESSAGES.connection[error.kind] };
    throw error;
  }
}

/** `AKIDz8kr…MPLE`: enough to recognise a key, not to use it. */
function mask(value: string): string {
  return value.length <= 8 ? '••••' : `${value.slice(0, 4)}••••${value.slice(-4)}`;
}
