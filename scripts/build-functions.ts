/**
 * Bundles each cloud function: cloudfunctions/<fn>/index.ts → cloudfunctions/<fn>/index.js
 * (CommonJS, Node 18, everything inlined but `wx-server-sdk`, which the cloud installs from the
 * function's package.json). Usage: tsx scripts/build-functions.ts [fn ...]
 */
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
export const FUNCTIONS_DIR = join(ROOT, 'cloudfunctions');

/** Packages that must never reach a cloud bundle (native addons, local-only tooling). */
const FORBIDDEN_IN_BUNDLE = ['node_modules/better-sqlite3/', 'server/local/'];

export function listFunctions(): string[] {
  return readdirSync(FUNCTIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(FUNCTIONS_DIR, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort();
}

export async function buildFunction(name: string, outfile = join(FUNCTIONS_DIR, name, 'index.js')) {
  const dir = join(FUNCTIONS_DIR, name);
  for (const required of ['package.json', 'config.json']) {
    if (!existsSync(join(dir, required))) throw new Error(`cloud function ${name}: ${required} is missing`);
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  if (!manifest.dependencies?.['wx-server-sdk']) {
    throw new Error(`cloud function ${name}: package.json must depend on wx-server-sdk`);
  }
  const result = await build({
    entryPoints: [join(dir, 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    external: ['wx-server-sdk'],
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: `// Built from cloudfunctions/${name}/index.ts by scripts/build-functions.ts. Do not edit.` },
  });
  const inputs = Object.keys(result.metafile.inputs);
  const forbidden = inputs.filter((input) => FORBIDDEN_IN_BUNDLE.some((pattern) => input.includes(pattern)));
  if (forbidden.length > 0) {
    throw new Error(`cloud function ${name}: bundle pulls in local-only code: ${forbidden.join(', ')}`);
  }
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return { name, outfile, bytes, inputs: inputs.length };
}

async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const names = requested.length > 0 ? requested : listFunctions();
  for (const name of names) {
    const started = performance.now();
    const built = await buildFunction(name);
    const ms = Math.round(performance.now() - started);
    console.log(`built ${relative(ROOT, built.outfile)}: ${(built.bytes / 1024).toFixed(1)} KiB from ${built.inputs} files in ${ms} ms`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
