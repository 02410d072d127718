/**
 * Headless Chromium through its command line (no playwright): one run to measure the page, one to
 * screenshot it. The flags keep Chromium off the network (this one is closed, and the pictures must
 * not depend on it) and out of the user's profile.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WIDTH = 375;
const MIN_HEIGHT = 667;

function run(args: string[]): string {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'certkeeper-chromium-'));
  try {
    return execFileSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-extensions',
        '--disable-default-apps',
        '--mute-audio',
        // Anything that is not the file itself or a data: URL resolves nowhere.
        '--host-resolver-rules=MAP * ~NOTFOUND',
        `--user-data-dir=${profile}`,
        '--hide-scrollbars',
        ...args,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
    );
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** The document's height at 375 px wide, as its inline script recorded it in `data-height`. */
export function measureHeight(htmlFile: string): number {
  const dom = run([`--window-size=${WIDTH},${MIN_HEIGHT}`, '--dump-dom', `file://${htmlFile}`]);
  const match = /data-height="(\d+)"/.exec(dom);
  if (!match?.[1]) throw new Error(`could not measure ${htmlFile}`);
  return Math.max(MIN_HEIGHT, Number(match[1]));
}

/** Screenshots `htmlFile` at 375 px wide, 2× device pixels, its full height, to `pngFile`. */
export function screenshot(htmlFile: string, pngFile: string): { height: number } {
  const height = measureHeight(htmlFile);
  fs.rmSync(pngFile, { force: true });
  run([`--window-size=${WIDTH},${height}`, '--force-device-scale-factor=2', `--screenshot=${pngFile}`, `file://${htmlFile}`]);
  return { height };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk; throws when the file is not a PNG. */
export function pngSize(file: string): { width: number; height: number } {
  const bytes = fs.readFileSync(file);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('ascii', 12, 16) !== 'IHDR') {
    throw new Error(`${file} is not a PNG`);
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
