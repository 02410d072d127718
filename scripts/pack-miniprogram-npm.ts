/**
 * Builds `miniprogram/miniprogram_npm/` (git-ignored) from the root package.json, like DevTools →
 * 工具 → 构建 npm with the `packNpmRelationList` of project.config.json, but headless: miniprogram-ci's
 * `packNpmManually` works offline and needs no AppID or upload key. It builds every `dependencies`
 * entry, which is why that list holds Mini Program runtime packages only.
 *
 * Usage: npm run build:npm
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { packNpmManually } from 'miniprogram-ci';

const repoRoot = path.resolve(__dirname, '..');
const packageJsonPath = path.join(repoRoot, 'package.json');
const miniprogramRoot = path.join(repoRoot, 'miniprogram');
const outputDir = path.join(miniprogramRoot, 'miniprogram_npm');
/** A file the pages need; if it is missing after the build, the build did not do its job. */
const sentinel = path.join(outputDir, 'tdesign-miniprogram', 'button', 'button.js');

async function main(): Promise<void> {
  const started = performance.now();
  // packNpmManually only adds files: start clean so a removed dependency does not linger.
  rmSync(outputDir, { recursive: true, force: true });

  const result = await packNpmManually({ packageJsonPath, miniprogramNpmDistDir: miniprogramRoot });

  for (const warning of result.warnList) {
    console.warn(`warning: ${warning.msg}${warning.jsPath ? ` (${warning.jsPath})` : ''}`);
  }
  if (!existsSync(sentinel)) {
    throw new Error(`${path.relative(repoRoot, sentinel)} is missing after the build; is tdesign-miniprogram installed (npm ci)?`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `built ${path.relative(repoRoot, outputDir)}: ${result.miniProgramPackNum} Mini Program package(s) copied, ` +
      `${result.otherNpmPackNum} other package(s) bundled, in ${seconds} s`,
  );
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`build:npm failed: ${message}`);
  process.exitCode = 1;
});
