// Migration 8: revised papers.
import type { Migration } from './migration.js';

export default {
  sqlite: `
  -- A revised paper may be shown once more, marked updated (SHOW_REVISED_PAPERS). revised_at is
  -- when a newer arXiv version than the stored one last arrived; NULL for a paper never revised.
  ALTER TABLE papers ADD COLUMN revised_at TEXT;
  CREATE INDEX papers_revised ON papers (revised_at) WHERE revised_at IS NOT NULL;
  -- The papers of paper_ids that the digest shows as updated (JSON array): a paper shown as
  -- updated to a subscriber is never shown to them again.
  ALTER TABLE digests ADD COLUMN updated_ids TEXT NOT NULL DEFAULT '[]';
  -- A revision can fill a group that had nothing new: it is planner work, like a new paper.
  CREATE TRIGGER papers_revised_plan AFTER UPDATE OF revised_at ON papers
    WHEN new.revised_at IS NOT old.revised_at
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'plan_version'; END;
  `,
  postgres: `
  -- SQLite's migration 8: a revised paper may be shown once more, marked updated.
  ALTER TABLE papers ADD COLUMN revised_at text COLLATE "C";
  CREATE INDEX papers_revised ON papers (revised_at) WHERE revised_at IS NOT NULL;
  ALTER TABLE digests ADD COLUMN updated_ids text COLLATE "C" NOT NULL DEFAULT '[]';
  -- A row trigger (a statement trigger with a transition table cannot name columns); revisions
  -- are few. It bumps content before plan, the order every writer keeps (see migration 7).
  CREATE FUNCTION bump_on_revision() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'content_version';
      UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'plan_version';
      RETURN NULL;
    END $$;
  CREATE TRIGGER papers_revised_versions AFTER UPDATE OF revised_at ON papers
    FOR EACH ROW WHEN (OLD.revised_at IS DISTINCT FROM NEW.revised_at) EXECUTE FUNCTION bump_on_revision();
  `,
} satisfies Migration;
