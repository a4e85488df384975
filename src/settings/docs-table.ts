import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECLARED } from './read.js';
import type { Declaration, Group } from './setting.js';

export const TABLE_START = '<!-- settings:start -->';
export const TABLE_END = '<!-- settings:end -->';

const cell = (s: string) => s.replace(/\|/g, '\\|');

function defaultCell(declaration: Declaration<unknown>): string {
  const { default: fallback, defaultNote: note } = declaration;
  if (fallback === undefined) return note ? `unset: ${note}` : 'unset';
  const shown = typeof fallback === 'string' ? `\`${fallback}\`` : fallback.shown;
  return note ? `${shown} (${note})` : shown;
}

/** The configuration tables (one per group, in declaration order), as Markdown. */
export function settingsTable(): string {
  const groups = new Map<Group, string[]>();
  for (const [name, declaration] of DECLARED) {
    const accepts = declaration.secret
      ? `${declaration.kind.accepts} (a secret: never shown)`
      : declaration.kind.accepts;
    const row = `| \`${name}\` | ${cell(defaultCell(declaration))} | ${cell(accepts)} | ${cell(declaration.doc)} |`;
    groups.set(declaration.group, [...(groups.get(declaration.group) ?? []), row]);
  }
  const sections = [...groups].map(([group, rows]) =>
    [`### ${group}`, '', '| variable | default | accepts | meaning |', '|---|---|---|---|', ...rows].join('\n'),
  );
  return [
    '<!-- Generated from src/settings/declarations.ts by `npm run docs:config`: edit the declarations, not this. -->',
    ...sections,
  ].join('\n\n');
}

/** A document with the text between the markers replaced by the current tables. */
export function withSettingsTable(document: string): string {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`no ${TABLE_START} … ${TABLE_END} in the document`);
  return `${document.slice(0, start + TABLE_START.length)}\n${settingsTable()}\n${document.slice(end)}`;
}

/** The Markdown files of the project (README.md, docs/*.md) that hold the configuration table. */
export function documentsWithSettingsTable(root: string): string[] {
  const docs = join(root, 'docs');
  const candidates = [
    join(root, 'README.md'),
    ...(existsSync(docs)
      ? readdirSync(docs, { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.md'))
          .map((f) => join(docs, f))
      : []),
  ];
  return candidates.filter((file) => existsSync(file) && readFileSync(file, 'utf8').includes(TABLE_START));
}
