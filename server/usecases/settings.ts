/**
 * A user's reminder settings, notification channels and banked WeChat subscription credits, all
 * in one `users` document (`user-<openid>`), changed by compare-and-swap.
 */
import { secretContext } from '../domain/account';
import type { ChannelType } from '../domain/notification';
import { ConflictError } from '../domain/errors';
import type { Cipher } from '../ports/cipher';
import type { Clock } from '../ports/clock';
import { DuplicateIdError, type StoredDoc, type Store } from '../ports/store';

export interface ChannelDoc {
  id: string;
  type: ChannelType;
  label: string;
  /** The destination with its secret parts masked, for display. */
  targetMasked: string;
  /** The destination, sealed (`secretContext.channelTarget`). */
  targetSealed: string;
  /** A webhook's signing secret, sealed (`secretContext.channelSecret`); null for other types. */
  secretSealed: string | null;
  createdAt: number;
  lastTest: { ok: boolean; at: number; message: string | null } | null;
}

export interface UserDoc extends StoredDoc {
  ownerId: string;
  reminderDays: number[];
  remindOnExpiry: boolean;
  channels: ChannelDoc[];
  /** Banked one-time subscription credits per WeChat template id. */
  credits: Record<string, number>;
  createdAt: number;
  updatedAt: number;
}

export interface Settings {
  reminderDays: number[];
  remindOnExpiry: boolean;
}

/** Reminders at 30, 14, 7, 3 and 1 days before expiry, and on the day. */
export const DEFAULT_SETTINGS: Settings = { reminderDays: [30, 14, 7, 3, 1], remindOnExpiry: true };
/** Channels a user may add besides WeChat. */
export const MAX_CHANNELS = 5;
/** A user cannot bank more than this per template (WeChat keeps its own count; ours only guides). */
export const MAX_CREDITS = 100;

export type UserFields = Omit<UserDoc, '_id' | 'version' | 'leaseOwner' | 'leaseUntil'>;

function defaults(ownerId: string, now: number): UserFields {
  return { ownerId, ...DEFAULT_SETTINGS, channels: [], credits: {}, createdAt: now, updatedAt: now };
}

export function userDocId(ownerId: string): string {
  return `user-${ownerId}`;
}

/** The user's document, or the defaults when they never changed anything. */
export async function getUser(deps: { store: Store; clock: Clock }, ownerId: string): Promise<UserFields> {
  return (await deps.store.collection<UserDoc>('users').get(userDocId(ownerId))) ?? defaults(ownerId, deps.clock.now());
}

/**
 * Applies `change` to the user's document (created with the defaults when missing) by
 * compare-and-swap, retrying when someone else wrote in between. `change` returns the patch, or
 * null to leave the document as it is; it may run more than once, so it must not have effects.
 */
export async function changeUser(
  deps: { store: Store; clock: Clock },
  ownerId: string,
  change: (user: UserFields, now: number) => Partial<UserFields> | null,
): Promise<UserFields> {
  const users = deps.store.collection<UserDoc>('users');
  for (let attempt = 0; attempt < 8; attempt++) {
    const now = deps.clock.now();
    const stored = await users.get(userDocId(ownerId));
    const patch = change(stored ?? defaults(ownerId, now), now);
    if (patch === null) return stored ?? defaults(ownerId, now);
    if (!stored) {
      try {
        return await users.insert({ _id: userDocId(ownerId), ...defaults(ownerId, now), ...patch, updatedAt: now });
      } catch (error) {
        if (!(error instanceof DuplicateIdError)) throw error;
        continue; // created meanwhile: change that one
      }
    }
    const saved = await users.update(stored, { ...patch, updatedAt: now });
    if (saved) return saved;
  }
  throw new ConflictError('busy', '设置正在被修改，请稍后再试');
}

/** Updates the given fields; reminder days are de-duplicated and sorted descending. */
export function updateSettings(deps: { store: Store; clock: Clock }, ownerId: string, patch: Partial<Settings>): Promise<UserFields> {
  const clean: Partial<Settings> = { ...patch, ...(patch.reminderDays ? { reminderDays: [...new Set(patch.reminderDays)].sort((a, b) => b - a) } : {}) };
  return changeUser(deps, ownerId, () => clean);
}

/**
 * Banks one credit for each template the user accepted in `wx.requestSubscribeMessage`
 * (`accept`, or the audio/alert variants). Ids not in `templateIds` are ignored.
 */
export function bankSubscriptions(deps: { store: Store; clock: Clock }, ownerId: string, results: Record<string, string>, templateIds: readonly string[]): Promise<UserFields> {
  const accepted = templateIds.filter((id) => ACCEPTED.has(results[id] ?? ''));
  return changeUser(deps, ownerId, (user) => {
    if (accepted.length === 0) return null;
    const credits = { ...user.credits };
    for (const id of accepted) credits[id] = Math.min(MAX_CREDITS, (credits[id] ?? 0) + 1);
    return { credits };
  });
}

const ACCEPTED = new Set(['accept', 'acceptWithAudio', 'acceptWithAlert']);

/** Takes one credit for `templateId`; false (and nothing changed) when none is left. */
export async function takeCredit(deps: { store: Store; clock: Clock }, ownerId: string, templateId: string): Promise<boolean> {
  let taken = false;
  await changeUser(deps, ownerId, (user) => {
    const left = user.credits[templateId] ?? 0;
    taken = left > 0;
    return taken ? { credits: { ...user.credits, [templateId]: left - 1 } } : null;
  });
  return taken;
}

/** Gives back a credit taken for a message WeChat did not send; `clear` zeroes it instead (43101). */
export async function settleCredit(deps: { store: Store; clock: Clock }, ownerId: string, templateId: string, outcome: 'refund' | 'clear'): Promise<void> {
  await changeUser(deps, ownerId, (user) => {
    const left = user.credits[templateId] ?? 0;
    const next = outcome === 'clear' ? 0 : Math.min(MAX_CREDITS, left + 1);
    return next === left ? null : { credits: { ...user.credits, [templateId]: next } };
  });
}

/** Adds a channel whose target was already checked; the target and secret are sealed here. */
export async function addChannel(
  deps: { store: Store; clock: Clock; cipher: Cipher },
  ownerId: string,
  input: { id: string; type: ChannelType; label: string; address: string; masked: string; secret: string | null },
): Promise<UserFields> {
  const channel: ChannelDoc = {
    id: input.id,
    type: input.type,
    label: input.label,
    targetMasked: input.masked,
    targetSealed: deps.cipher.encrypt(input.address, secretContext.channelTarget(ownerId, input.id)),
    secretSealed: input.secret === null ? null : deps.cipher.encrypt(input.secret, secretContext.channelSecret(ownerId, input.id)),
    createdAt: deps.clock.now(),
    lastTest: null,
  };
  return changeUser(deps, ownerId, (user) => {
    if (user.channels.length >= MAX_CHANNELS) throw new ConflictError('tooManyChannels', `最多添加 ${MAX_CHANNELS} 个通知渠道，请先删除不用的`);
    return { channels: [...user.channels, channel] };
  });
}

export function removeChannel(deps: { store: Store; clock: Clock }, ownerId: string, channelId: string): Promise<UserFields> {
  return changeUser(deps, ownerId, (user) => {
    if (!user.channels.some((c) => c.id === channelId)) throw new ConflictError('channelNotFound', '这个通知渠道不存在或已删除');
    return { channels: user.channels.filter((c) => c.id !== channelId) };
  });
}

/** Records a test message's outcome on the channel (ignored when the channel is gone meanwhile). */
export function recordChannelTest(deps: { store: Store; clock: Clock }, ownerId: string, channelId: string, result: { ok: boolean; message: string | null }): Promise<UserFields> {
  return changeUser(deps, ownerId, (user, now) =>
    user.channels.some((c) => c.id === channelId) ? { channels: user.channels.map((c) => (c.id === channelId ? { ...c, lastTest: { ...result, at: now } } : c)) } : null,
  );
}

/** A channel's destination and secret, decrypted for sending. */
export function openChannel(cipher: Cipher, ownerId: string, channel: ChannelDoc): { type: ChannelType; address: string; secret: string | null } {
  return {
    type: channel.type,
    address: cipher.decrypt(channel.targetSealed, secretContext.channelTarget(ownerId, channel.id)),
    secret: channel.secretSealed === null ? null : cipher.decrypt(channel.secretSealed, secretContext.channelSecret(ownerId, channel.id)),
  };
}
