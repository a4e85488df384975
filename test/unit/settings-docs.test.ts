import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/settings/declarations.js';
import {
  documentsWithSettingsTable,
  settingsTable,
  TABLE_END,
  TABLE_START,
  withSettingsTable,
} from '../../src/settings/docs-table.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the configuration table', () => {
  it('in the docs is the one the declarations give (else: npm run docs:config)', () => {
    const documents = documentsWithSettingsTable(ROOT);
    expect(documents.map((f) => f.slice(ROOT.length))).toContain('docs/configuration.md');
    for (const file of documents) {
      const text = readFileSync(file, 'utf8');
      expect(text, `${file} is out of date: run npm run docs:config`).toBe(withSettingsTable(text));
    }
  });

  it('has a row for every setting, with its default', () => {
    const table = settingsTable();
    for (const name of Object.keys(SETTINGS)) expect(table).toContain(`| \`${name}\` |`);
    expect(table).toContain('| `PUBLIC_URL` | `http://localhost:$PORT` | an http(s) URL |');
    expect(table).toContain('| `DELIVERY_CLAIM_BATCH` | `16` | whole number, 1–1000 |');
    expect(table).toContain(
      '| `PAPERBOY_SECRET` | unset: generated on first run | at least 32 characters (a secret: never shown) |',
    );
  });

  it('replaces only what lies between the markers, and refuses a document without them', () => {
    const document = `# Title\n\nbefore\n${TABLE_START}\nold table\n${TABLE_END}\nafter\n`;
    const updated = withSettingsTable(document);
    expect(updated.startsWith(`# Title\n\nbefore\n${TABLE_START}\n<!-- Generated`)).toBe(true);
    expect(updated.endsWith(`|\n${TABLE_END}\nafter\n`)).toBe(true);
    expect(updated).not.toContain('old table');
    expect(withSettingsTable(updated)).toBe(updated);
    expect(() => withSettingsTable('# Title\n')).toThrow(`no ${TABLE_START} … ${TABLE_END} in the document`);
  });
});
