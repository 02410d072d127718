/**
 * docs/configuration.md is generated from the schema: it must be what the generator writes now,
 * list every setting (no more, no fewer) with what the schema says of it, and its examples parse.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSetting } from '../../../server/config/read';
import { SETTING_LIST } from '../../../server/config/schema';
import { CONFIGURATION_DOC, renderConfigurationDoc } from '../../../scripts/docs-configuration';

const doc = readFileSync(CONFIGURATION_DOC, 'utf8');

test('docs/configuration.md is up to date with the schema (npx tsx scripts/docs-configuration.ts)', () => {
  expect(doc).toBe(renderConfigurationDoc());
});

test('the summary table lists every setting of the schema, with required, secret and readers as declared', () => {
  const rows = doc
    .split('\n')
    .filter((line) => line.startsWith('| [`CERTKEEPER_'))
    .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| /, '').replace(/ \|$/, '')));
  expect(rows.map((cells) => /`(\w+)`/.exec(cells[0] ?? '')?.[1])).toEqual(SETTING_LIST.map((s) => s.variable));
  for (const [index, setting] of SETTING_LIST.entries()) {
    const [, required, , secret, readers] = rows[index] ?? [];
    expect([setting.variable, required]).toEqual([setting.variable, setting.required ? '**required**' : 'optional']);
    expect([setting.variable, secret]).toEqual([setting.variable, setting.secret ? 'secret' : '—']);
    for (const reader of setting.readBy) expect(readers).toContain(reader);
  }
});

test('every setting has its own section with its default, secrecy, readers, format and an example', () => {
  for (const setting of SETTING_LIST) {
    const start = doc.indexOf(`### \`${setting.variable}\``);
    expect(start).toBeGreaterThan(0);
    const end = doc.indexOf('\n### ', start + 1);
    const text = doc.slice(start, end < 0 ? undefined : end);
    expect(text).toContain(setting.required ? '**Required**' : `**Optional**; default: ${setting.defaultText}`);
    expect(text).toContain(`**Secret**: ${setting.secret ? 'yes' : 'no'}`);
    expect(text).toContain('**Read by**');
    expect(text).toContain('**Format**');
    expect(text).toContain(`${setting.variable}=${setting.example}`);
  }
});

test('every example parses, except the master key, whose example is a placeholder on purpose', () => {
  for (const setting of SETTING_LIST) {
    const result = readSetting({ [setting.variable]: setting.example }, setting.key);
    expect([setting.variable, result.ok]).toEqual([setting.variable, setting.key !== 'masterKey']);
  }
});

test('the doc explains how to generate and rotate the master key, and why EAB is not configuration', () => {
  expect(doc).toContain('openssl rand -base64 32');
  expect(doc).toContain('### Rotating it');
  expect(doc).toContain('## EAB credentials are not configuration');
});

test('the README points to docs/configuration.md', () => {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const configuration = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  expect(configuration).toContain('docs/configuration.md');
  expect(configuration).toContain('CERTKEEPER_MASTER_KEY');
});
