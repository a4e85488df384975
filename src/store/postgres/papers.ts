import { canonicalId, type Paper, type PaperInput } from '../../domain/paper.js';
import { fieldsFromInput, mergePaper, sameFields, type PaperFields } from '../../domain/paper-merge.js';
import type { IngestCounts, PaperStore } from '../ports.js';
import type { Pg } from './db.js';

interface PaperRow {
  id: string;
  arxiv_id: string | null;
  version: number | null;
  title: string;
  abstract: string;
  authors: string;
  url: string | null;
  published_at: string | null;
  first_seen_at: string;
  updated_at: string;
}

const COLUMNS = 'id, arxiv_id, version, title, abstract, authors, url, published_at, first_seen_at, updated_at';

function toPaper(row: PaperRow): Paper {
  return {
    id: row.id,
    arxivId: row.arxiv_id,
    version: row.version,
    title: row.title,
    abstract: row.abstract,
    authors: JSON.parse(row.authors) as string[],
    url: row.url,
    publishedAt: row.published_at,
    firstSeenAt: row.first_seen_at,
    updatedAt: row.updated_at,
  };
}

const params = (id: string, f: PaperFields, at: string) => [
  id,
  f.arxivId,
  f.version,
  f.title,
  f.abstract,
  JSON.stringify(f.authors),
  f.url,
  f.publishedAt,
  at,
];

export function pgPaperStore(db: Pg): PaperStore {
  return {
    async upsertPapers(papers, seenAt) {
      return db.tx(async (c) => {
        const counts: IngestCounts = { added: 0, updated: 0, unchanged: 0 };
        const ids = papers.map((p) => canonicalId(p));
        // One read for the batch; rows are locked so a concurrent ingest of the same papers waits.
        const found = await c.query<PaperRow>(`SELECT ${COLUMNS} FROM papers WHERE id = ANY($1) FOR UPDATE`, [ids]);
        const known = new Map(found.rows.map((r) => [r.id, toPaper(r)]));
        for (const [i, input] of papers.entries()) {
          const id = ids[i] as string;
          const existing = known.get(id);
          if (!existing) {
            const f = fieldsFromInput(input as PaperInput);
            await c.query(
              `INSERT INTO papers (id, arxiv_id, version, title, abstract, authors, url, published_at, first_seen_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
              params(id, f, seenAt),
            );
            known.set(id, { id, ...f, firstSeenAt: seenAt, updatedAt: seenAt });
            counts.added++;
            continue;
          }
          const merged = mergePaper(existing, input as PaperInput);
          if (sameFields(existing, merged)) {
            counts.unchanged++;
            continue;
          }
          await c.query(
            `UPDATE papers SET arxiv_id = $2, version = $3, title = $4, abstract = $5, authors = $6, url = $7,
               published_at = $8, updated_at = $9 WHERE id = $1`,
            params(id, merged, seenAt),
          );
          known.set(id, { ...existing, ...merged, updatedAt: seenAt });
          counts.updated++;
        }
        return counts;
      });
    },
    async papersFirstSeenBetween(after, upTo) {
      const { rows } = await db.query<PaperRow>(
        `SELECT ${COLUMNS} FROM papers WHERE first_seen_at > $1 AND first_seen_at <= $2 ORDER BY first_seen_at, seq`,
        [after, upTo],
      );
      return rows.map(toPaper);
    },
    async listPapers({ since, limit }) {
      const { rows } = await db.query<PaperRow>(
        `SELECT ${COLUMNS} FROM papers WHERE first_seen_at >= $1 ORDER BY first_seen_at DESC, seq LIMIT $2`,
        [since ?? '', limit ?? null],
      );
      return rows.map(toPaper);
    },
    async getPapers(ids) {
      const { rows } = await db.query<PaperRow>(`SELECT ${COLUMNS} FROM papers WHERE id = ANY($1)`, [[...ids]]);
      const byId = new Map(rows.map((r) => [r.id, toPaper(r)]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },
    async countPapers() {
      return (await db.query<{ n: number }>('SELECT count(*) AS n FROM papers')).rows[0]!.n;
    },
  };
}
