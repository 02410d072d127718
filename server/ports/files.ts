/**
 * Short-lived files for the user to fetch on another device (exports). Contents may be secret
 * (private keys, PFX files): adapters keep them only as long as asked and never log them.
 */
export interface FileStorage {
  /**
   * Stores `content` at `path` (unique per call; callers include the owner) and returns a
   * download URL valid for about `ttlSeconds`. Overwrites a file at the same path.
   */
  put(path: string, content: Buffer, ttlSeconds: number): Promise<{ url: string; expiresAt: number }>;
}
