// Migration 17: a reader's own edition is stored as what it shows, rendered when first read.
import type { Migration } from './migration.js';

export default {
  sqlite: `
  -- For an edition of one reader (ranked with their ratings, or of their personal topic): its
  -- view (the papers, reasons and links the templates fill in) as deflated JSON in base64, with html and text left
  -- empty. Read by one recipient in one layout, it is rendered when first read, in that layout
  -- only (jobs/edition/lazy-digests.ts), instead of twice at planning and stored. NULL for the
  -- editions rendered when frozen.
  ALTER TABLE digests ADD COLUMN view TEXT;
  `,
  postgres: `
  -- SQLite's migration 17: a reader's own edition's view, rendered when first read.
  ALTER TABLE digests ADD COLUMN view text;
  `,
} satisfies Migration;
