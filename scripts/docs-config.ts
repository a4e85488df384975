// `npm run docs:config`: rewrites the configuration table, between <!-- settings:start --> and
// <!-- settings:end -->, in every document that has one (README.md, docs/*.md), from the
// declarations in src/settings/declarations.ts. test/unit/settings-docs.test.ts fails until it is run.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentsWithSettingsTable, TABLE_START, withSettingsTable } from '../src/settings/docs-table.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const files = documentsWithSettingsTable(root);
if (files.length === 0) {
  process.stderr.write(`docs:config: no document has ${TABLE_START}: add the markers where the table belongs\n`);
  process.exit(1);
}
for (const file of files) {
  const before = readFileSync(file, 'utf8');
  const after = withSettingsTable(before);
  if (after !== before) writeFileSync(file, after);
  console.log(`${relative(root, file)}: ${after === before ? 'up to date' : 'table rewritten'}`);
}
