import { canonicalId, type PaperInput } from '../../domain/paper.js';
import { fieldsFromInput, isRevision, mergePaper, sameFields, type PaperFields } from '../../domain/paper-merge.js';
import type { IngestCounts, PaperStore } from '../ports.js';
import type { Pg } from './db.js';
import { type PaperRow, toPaper } from '../rows.js';

const COLUMNS = `id, arxiv_id, version, title, abstract, authors, url, published_at, first_seen_at, updated_at,
  categories, upvotes, ai_summary, ai_keywords, github_repo, featured_on, revised_at`;

const jsonList = (list: readonly string[] | undefined) => (list?.length ? JSON.stringify(list) : null);

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
  jsonList(f.categories),
  f.upvotes ?? null,
  f.aiSummary ?? null,
  jsonList(f.aiKeywords),
  f.githubRepo ?? null,
  f.featuredOn ?? null,
];

/**
 * Words as a text whose every word must match (plainto_tsquery ANDs them). paper_search_text()
 * is applied in SQL, as to the papers, so that both sides split and fold words alike.
 */
const SEARCH = `
  WITH q AS (SELECT plainto_tsquery('simple', paper_search_text($1)) AS q)
  SELECT ${COLUMNS} FROM papers, q WHERE search @@ q.q
  ORDER BY ts_rank('{0, 0, 0.33333, 1}', search, q.q) DESC, seq LIMIT $2`;

const PROGRESS_EVERY = 2_000;

export function pgPaperStore(db: Pg): PaperStore {
  return {
    async upsertPapers(papers, seenAt, options) {
      const onProgress = options?.onProgress;
      return db.tx(async (c) => {
        const counts: IngestCounts = { added: 0, updated: 0, unchanged: 0 };
        const ids = papers.map((p) => canonicalId(p));
        // One read for the batch; rows are locked so a concurrent ingest of the same papers waits.
        const found = await c.query<PaperRow>(`SELECT ${COLUMNS} FROM papers WHERE id = ANY($1) FOR UPDATE`, [ids]);
        const known = new Map(found.rows.map((r) => [r.id, toPaper(r)]));
        for (const [i, input] of papers.entries()) {
          if (onProgress && i % PROGRESS_EVERY === 0) onProgress(i, papers.length);
          const id = ids[i] as string;
          const existing = known.get(id);
          if (!existing) {
            const f = fieldsFromInput(input as PaperInput);
            await c.query(
              `INSERT INTO papers (id, arxiv_id, version, title, abstract, authors, url, published_at, first_seen_at, updated_at,
                 categories, upvotes, ai_summary, ai_keywords, github_repo, featured_on)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13, $14, $15)`,
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
          const revised = isRevision(existing, input as PaperInput);
          await c.query(
            `UPDATE papers SET arxiv_id = $2, version = $3, title = $4, abstract = $5, authors = $6, url = $7,
               published_at = $8, updated_at = $9, categories = $10, upvotes = $11, ai_summary = $12,
               ai_keywords = $13, github_repo = $14, featured_on = $15, revised_at = coalesce($16, revised_at) WHERE id = $1`,
            [...params(id, merged, seenAt), revised ? seenAt : null],
          );
          // The merged fields replace the stored ones whole: a fact the merge dropped must not linger.
          const revisedAt = revised ? seenAt : existing.revisedAt;
          known.set(id, { ...merged, id, firstSeenAt: existing.firstSeenAt, updatedAt: seenAt, ...(revisedAt ? { revisedAt } : {}) });
          counts.updated++;
        }
        onProgress?.(papers.length, papers.length);
        return counts;
      });
    },
    async searchPapers(words, limit) {
      // The same words as SQLite's query: none (only punctuation) finds nothing.
      if (!/[\p{L}\p{N}]/u.test(words)) return [];
      const { rows } = await db.query<PaperRow>(SEARCH, [words, limit]);
      return rows.map(toPaper);
    },
    async papersFirstSeenBetween(after, upTo) {
      const { rows } = await db.query<PaperRow>(
        `SELECT ${COLUMNS} FROM papers WHERE first_seen_at > $1 AND first_seen_at <= $2 ORDER BY first_seen_at, seq`,
        [after, upTo],
      );
      return rows.map(toPaper);
    },
    async papersRevisedBetween(after, upTo) {
      const { rows } = await db.query<PaperRow>(
        `SELECT ${COLUMNS} FROM papers WHERE revised_at > $1 AND revised_at <= $2 AND first_seen_at <= $1 ORDER BY first_seen_at, seq`,
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
