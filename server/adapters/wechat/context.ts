import * as cloud from 'wx-server-sdk';
import type { CloudDatabase } from '../store/cloudbase-store';
import type { CloudDatabaseAdmin } from '../store/cloudbase-bootstrap';
import type { FileStorage } from '../../ports/files';
import type { SubscribeMessageCloud } from './subscribe-message';

/** Binds the SDK to the environment the function runs in. Idempotent; call per invocation. */
function init(): void {
  // The SDK documents DYNAMIC_CURRENT_ENV as the `env` value but types it as a bare symbol.
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
}

/**
 * The caller as WeChat injected it into this invocation. OPENID comes from the platform (the
 * `WX_*` environment of the function), never from the event a client sends. Undefined when the
 * invocation has no user: timer triggers, function-to-function calls, local debugging.
 */
export function wechatCallerOpenId(): string | undefined {
  init();
  const { OPENID } = cloud.getWXContext();
  return OPENID ? OPENID : undefined;
}

/** The environment's document database, as the CloudBase store adapter uses it. */
export function cloudDatabase(): CloudDatabase {
  init();
  // The SDK's database satisfies the adapter's slice of it; its own typings are too loose to prove it.
  return cloud.database() as unknown as CloudDatabase;
}

/** The same database with the one admin call the bootstrap makes (`createCollection`). */
export function cloudDatabaseAdmin(): CloudDatabaseAdmin {
  init();
  // `createCollection` is on the SDK's Database (index.d.ts); its typings are too loose to prove the slice.
  return cloud.database() as unknown as CloudDatabaseAdmin;
}

/** Exports go to cloud storage; the user gets a temporary link (CloudBase signs it). */
export class CloudFileStorage implements FileStorage {
  async put(path: string, content: Buffer, ttlSeconds: number): Promise<{ url: string; expiresAt: number }> {
    init();
    const uploaded = (await cloud.uploadFile({ cloudPath: path, fileContent: content })) as { fileID: string };
    const answer = (await cloud.getTempFileURL({ fileList: [{ fileID: uploaded.fileID, maxAge: ttlSeconds }] })) as {
      fileList: { tempFileURL?: string; status?: number; errMsg?: string }[];
    };
    const url = answer.fileList[0]?.tempFileURL;
    if (!url) throw new Error(`cloud storage: no temporary URL for ${path}: ${answer.fileList[0]?.errMsg ?? 'unknown'}`);
    return { url, expiresAt: Date.now() + ttlSeconds * 1000 };
  }
}

/**
 * Hands scheduler batches to the `worker` function, one call per batch, all at once, and waits
 * for them (each ends inside its own budget, well within the caller's 60 s).
 */
export async function fanOutToWorkers(batches: readonly { kind: string; ids: string[] }[]): Promise<void> {
  init();
  const results = await Promise.allSettled(batches.map((batch) => cloud.callFunction({ name: 'worker', data: batch }) as Promise<unknown>));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) throw new Error(`worker calls failed: ${failed.length} of ${batches.length}`);
}

/** The SDK's cloud calls (`openapi`), bound to this environment. */
export function cloudOpenApi(): SubscribeMessageCloud {
  init();
  // `openapi` is typed as any by the SDK; the adapter declares the one call it makes.
  return cloud as unknown as SubscribeMessageCloud;
}
