// Migration 13: each reader's digest layout, and each edition's compact variant.
import type { Migration } from './migration.js';

export default {
  sqlite: `
  -- How each reader wants digests laid out, and the compact variant of each edition, rendered once
  -- with it (NULL for editions frozen before: those go out as they are).
  ALTER TABLE subscribers ADD COLUMN layout TEXT NOT NULL DEFAULT 'full' CHECK (layout IN ('full', 'compact'));
  ALTER TABLE digests ADD COLUMN compact_html TEXT;
  ALTER TABLE digests ADD COLUMN compact_text TEXT;
  `,
  postgres: `
  -- SQLite's migration 13: each reader's digest layout, and each edition's compact variant.
  ALTER TABLE subscribers ADD COLUMN layout text COLLATE "C" NOT NULL DEFAULT 'full' CHECK (layout IN ('full', 'compact'));
  ALTER TABLE digests ADD COLUMN compact_html text;
  ALTER TABLE digests ADD COLUMN compact_text text;
  `,
} satisfies Migration;
