import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The local runtime's master key: read from `path`, or generated there on first run (32 random
 * bytes, file mode 0600, directory 0700). Returns the value in `CERTKEEPER_MASTER_KEY` format.
 * A key file readable by group or others is tightened to 0600 and reported through `warn`.
 * Development only: deployed functions take the key from their environment.
 */
export async function loadOrCreateDevMasterKey(path: string, warn: (message: string) => void = console.warn): Promise<string> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const value = `dev-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}:${randomBytes(32).toString('base64')}`;
  try {
    // 'wx' fails if the file exists, so two starts racing cannot overwrite each other's key.
    await writeFile(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    await chmod(path, 0o600);
    warn(`dev master key ${path} was readable by others (mode ${mode.toString(8)}); changed to 600`);
  }
  return (await readFile(path, 'utf8')).trim();
}
