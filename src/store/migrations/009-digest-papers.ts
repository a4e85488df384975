// Migration 9: which digests showed a paper.
import type { Migration } from './migration.js';

export default {
  sqlite: `
  -- Which digests showed a paper, and whether as updated: who had a revised paper is then read by
  -- the paper's id, not by expanding the id lists of every digest cut off since it was first seen
  -- (a paper revised a year on would mean a year of digests each planning run). Derived from
  -- paper_ids and updated_ids by a trigger, as a digest is written once and never changed: every
  -- way a digest is written fills it, an import too. Filled here for the digests already stored.
  CREATE TABLE digest_papers (
    paper_id  TEXT NOT NULL,
    digest_id TEXT NOT NULL REFERENCES digests (id),
    updated   INTEGER NOT NULL,            -- 1: shown as updated (in updated_ids)
    PRIMARY KEY (paper_id, digest_id)
  ) WITHOUT ROWID;
  INSERT OR IGNORE INTO digest_papers (paper_id, digest_id, updated)
    SELECT p.value, g.id, p.value IN (SELECT u.value FROM json_each(g.updated_ids) u)
    FROM digests g CROSS JOIN json_each(g.paper_ids) p;
  CREATE TRIGGER digests_insert_papers AFTER INSERT ON digests
    BEGIN
      INSERT OR IGNORE INTO digest_papers (paper_id, digest_id, updated)
        SELECT p.value, new.id, p.value IN (SELECT u.value FROM json_each(new.updated_ids) u)
        FROM json_each(new.paper_ids) p;
    END;
  `,
  postgres: `
  -- SQLite's migration 9: which digests showed a paper, and whether as updated, read by the
  -- paper's id; filled by a trigger from paper_ids and updated_ids, and here for the stored digests.
  CREATE TABLE digest_papers (
    paper_id  text COLLATE "C" NOT NULL,
    digest_id text COLLATE "C" NOT NULL REFERENCES digests (id),
    updated   boolean NOT NULL,
    PRIMARY KEY (paper_id, digest_id)
  );
  INSERT INTO digest_papers (paper_id, digest_id, updated)
    SELECT p.id, g.id, g.updated_ids::jsonb ? p.id
    FROM digests g CROSS JOIN LATERAL jsonb_array_elements_text(g.paper_ids::jsonb) AS p(id)
    ON CONFLICT DO NOTHING;
  CREATE FUNCTION digest_papers_fill() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO digest_papers (paper_id, digest_id, updated)
        SELECT p.id, g.id, g.updated_ids::jsonb ? p.id
        FROM changed g CROSS JOIN LATERAL jsonb_array_elements_text(g.paper_ids::jsonb) AS p(id)
        ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$;
  CREATE TRIGGER digests_insert_papers AFTER INSERT ON digests REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION digest_papers_fill();
  `,
} satisfies Migration;
