import { DuplicateIdError, type StoredDoc, type Store } from '../ports/store';
import type { Clock } from '../ports/clock';

export interface UserDoc extends StoredDoc {
  ownerId: string;
  reminderDays: number[];
  remindOnExpiry: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Settings {
  reminderDays: number[];
  remindOnExpiry: boolean;
}

/** Reminders at 30, 14, 7, 3 and 1 days before expiry, and on the day. */
export const DEFAULT_SETTINGS: Settings = { reminderDays: [30, 14, 7, 3, 1], remindOnExpiry: true };

export async function getSettings(deps: { store: Store }, ownerId: string): Promise<Settings> {
  const user = await deps.store.collection<UserDoc>('users').get(userId(ownerId));
  return user ? { reminderDays: user.reminderDays, remindOnExpiry: user.remindOnExpiry } : DEFAULT_SETTINGS;
}

/** Updates the given fields; reminder days are de-duplicated and sorted descending. */
export async function updateSettings(deps: { store: Store; clock: Clock }, ownerId: string, patch: Partial<Settings>): Promise<Settings> {
  const users = deps.store.collection<UserDoc>('users');
  const clean: Partial<Settings> = { ...patch, ...(patch.reminderDays ? { reminderDays: [...new Set(patch.reminderDays)].sort((a, b) => b - a) } : {}) };
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = deps.clock.now();
    const user = await users.get(userId(ownerId));
    if (!user) {
      try {
        const created = await users.insert({ _id: userId(ownerId), ownerId, ...DEFAULT_SETTINGS, ...clean, createdAt: now, updatedAt: now });
        return { reminderDays: created.reminderDays, remindOnExpiry: created.remindOnExpiry };
      } catch (error) {
        if (!(error instanceof DuplicateIdError)) throw error;
        continue; // created meanwhile: update it instead
      }
    }
    const saved = await users.update(user, { ...clean, updatedAt: now });
    if (saved) return { reminderDays: saved.reminderDays, remindOnExpiry: saved.remindOnExpiry };
  }
  throw new Error('settings kept changing');
}

function userId(ownerId: string): string {
  return `user-${ownerId}`;
}
