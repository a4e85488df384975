// Migration 18: which digests showed a paper, by period.
import type { Migration } from './migration.js';

export default {
  sqlite: `
  -- digest_papers keyed by paper, then the digest's period: "which digests of other periods showed
  -- these papers" (planning's receivedAnyOf) reads two ranges of the key per paper, skipping the
  -- period being planned. Keyed by paper alone, it would read every digest the planning run has
  -- made so far that shows the paper (thousands of readers' own editions share a topic's best
  -- papers): the cost of each group's question grew with the run. A digest's period is part of
  -- what it is, so the key stays unique per (paper, digest). The table is rebuilt, as SQLite cannot
  -- change a primary key; the trigger fills the period from the digest as it is written.
  DROP TRIGGER digests_insert_papers;
  CREATE TABLE digest_papers_18 (
    paper_id    TEXT NOT NULL,
    period_kind TEXT NOT NULL,
    period_key  TEXT NOT NULL,
    digest_id   TEXT NOT NULL REFERENCES digests (id),
    updated     INTEGER NOT NULL,            -- 1: shown as updated (in updated_ids)
    PRIMARY KEY (paper_id, period_kind, period_key, digest_id)
  ) WITHOUT ROWID;
  INSERT INTO digest_papers_18 (paper_id, period_kind, period_key, digest_id, updated)
    SELECT dp.paper_id, g.period_kind, g.period_key, dp.digest_id, dp.updated
    FROM digest_papers dp JOIN digests g ON g.id = dp.digest_id;
  DROP TABLE digest_papers;
  ALTER TABLE digest_papers_18 RENAME TO digest_papers;
  CREATE TRIGGER digests_insert_papers AFTER INSERT ON digests
    BEGIN
      INSERT OR IGNORE INTO digest_papers (paper_id, period_kind, period_key, digest_id, updated)
        SELECT p.value, new.period_kind, new.period_key, new.id, p.value IN (SELECT u.value FROM json_each(new.updated_ids) u)
        FROM json_each(new.paper_ids) p;
    END;
  `,
  postgres: `
  -- SQLite's migration 18: digest_papers keyed by paper, then the digest's period, so planning
  -- reads the digests of other periods that showed a paper without those of the period planned.
  ALTER TABLE digest_papers ADD COLUMN period_kind text COLLATE "C", ADD COLUMN period_key text COLLATE "C";
  UPDATE digest_papers dp SET period_kind = g.period_kind, period_key = g.period_key FROM digests g WHERE g.id = dp.digest_id;
  ALTER TABLE digest_papers
    ALTER COLUMN period_kind SET NOT NULL,
    ALTER COLUMN period_key SET NOT NULL,
    DROP CONSTRAINT digest_papers_pkey,
    ADD PRIMARY KEY (paper_id, period_kind, period_key, digest_id);
  CREATE OR REPLACE FUNCTION digest_papers_fill() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO digest_papers (paper_id, period_kind, period_key, digest_id, updated)
        SELECT p.id, g.period_kind, g.period_key, g.id, g.updated_ids::jsonb ? p.id
        FROM changed g CROSS JOIN LATERAL jsonb_array_elements_text(g.paper_ids::jsonb) AS p(id)
        ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$;
  `,
} satisfies Migration;
