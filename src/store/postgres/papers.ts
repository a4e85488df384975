import { canonicalId, type PaperInput } from '../../domain/paper.js';
import { fieldsFromInput, isRevision, mergePaper, sameFields, type PaperFields } from '../../domain/paper-merge.js';
import type { IngestCounts, PaperStore } from '../ports.js';
import type { Pg } from './db.js';
import { type PaperRow, toPaper } from '../rows.js';
import { PAPER_COLUMNS } from '../sql/papers.js';

const COLUMNS = PAPER_COLUMNS;

const jsonList = (list: readonly string[] | undefined) => (list?.length ? JSON.stringify(list) : null);

/** A paper's columns as one element of the JSON array a set-based write reads its rows from. */
const jsonRow = (id: string, f: PaperFields, revisedAt: string | null) => ({
  id,
  arxiv_id: f.arxivId,
  version: f.version,
  title: f.title,
  abstract: f.abstract,
  authors: JSON.stringify(f.authors),
  url: f.url,
  published_at: f.publishedAt,
  categories: jsonList(f.categories),
  upvotes: f.upvotes ?? null,
  ai_summary: f.aiSummary ?? null,
  ai_keywords: jsonList(f.aiKeywords),
  github_repo: f.githubRepo ?? null,
  featured_on: f.featuredOn ?? null,
  revised_at: revisedAt,
});

const ROWS = `json_to_recordset($1::json) AS x(i int, id text, arxiv_id text, version int, title text, abstract text, authors text,
  url text, published_at text, categories text, upvotes int, ai_summary text, ai_keywords text, github_repo text,
  featured_on text, revised_at text)`;
// ORDER BY i: papers take their insertion order (seq) from the order they came in.
const INSERT = `
  INSERT INTO papers (id, arxiv_id, version, title, abstract, authors, url, published_at, first_seen_at, updated_at,
    categories, upvotes, ai_summary, ai_keywords, github_repo, featured_on, revised_at)
  SELECT id, arxiv_id, version, title, abstract, authors, url, published_at, $2, $2,
    categories, upvotes, ai_summary, ai_keywords, github_repo, featured_on, revised_at
  FROM ${ROWS} ORDER BY i`;
// The merged fields replace the stored ones whole: a fact the merge dropped must not linger.
const UPDATE = `
  UPDATE papers p SET arxiv_id = x.arxiv_id, version = x.version, title = x.title, abstract = x.abstract,
    authors = x.authors, url = x.url, published_at = x.published_at, updated_at = $2, categories = x.categories,
    upvotes = x.upvotes, ai_summary = x.ai_summary, ai_keywords = x.ai_keywords, github_repo = x.github_repo,
    featured_on = x.featured_on, revised_at = coalesce(x.revised_at, p.revised_at)
  FROM ${ROWS} WHERE p.id = x.id`;
/**
 * Papers per statement. One statement per paper fired the counters' statement triggers once per
 * paper, each an update of the same meta row in one transaction, which PostgreSQL slows down
 * quadratically: 20,000 papers took minutes and held those rows (and so planning) all along.
 */
const WRITE_CHUNK = 1_000;

const PROGRESS_EVERY = 2_000;

/** Writing papers on PostgreSQL: one read of the batch, then a few set-based statements. */
export function pgPaperWrites(db: Pg): Pick<PaperStore, 'upsertPapers'> {
  return {
    async upsertPapers(papers, seenAt, options) {
      const onProgress = options?.onProgress;
      return db.tx(async (c) => {
        const counts: IngestCounts = { added: 0, updated: 0, unchanged: 0 };
        const ids = papers.map((p) => canonicalId(p));
        // One read for the batch; rows are locked so a concurrent ingest of the same papers waits.
        const found = await c.query<PaperRow>(`SELECT ${COLUMNS} FROM papers WHERE id = ANY($1) FOR UPDATE`, [ids]);
        const known = new Map(found.rows.map((r) => [r.id, toPaper(r)]));
        // What each paper becomes, worked out in order (a paper may come twice), then written below.
        const inserts = new Map<string, { fields: PaperFields; revisedAt: string | null }>();
        const updates = new Map<string, { fields: PaperFields; revisedAt: string | null }>();
        for (const [i, input] of papers.entries()) {
          const id = ids[i] as string;
          const existing = known.get(id);
          if (!existing) {
            const f = fieldsFromInput(input as PaperInput);
            inserts.set(id, { fields: f, revisedAt: null });
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
          const pending = inserts.get(id) ?? updates.get(id);
          const revisedAt = revised ? seenAt : (pending?.revisedAt ?? null);
          (inserts.has(id) ? inserts : updates).set(id, { fields: merged, revisedAt });
          const shownRevisedAt = revisedAt ?? existing.revisedAt;
          known.set(id, {
            ...merged,
            id,
            firstSeenAt: existing.firstSeenAt,
            updatedAt: seenAt,
            ...(shownRevisedAt ? { revisedAt: shownRevisedAt } : {}),
          });
          counts.updated++;
        }
        let done = counts.unchanged;
        for (const [sql, rows] of [
          [INSERT, [...inserts]],
          [UPDATE, [...updates]],
        ] as const) {
          for (let start = 0; start < rows.length; start += WRITE_CHUNK) {
            if (onProgress && start % PROGRESS_EVERY === 0) onProgress(done, papers.length);
            const chunk = rows.slice(start, start + WRITE_CHUNK);
            await c.query(sql, [
              JSON.stringify(chunk.map(([id, w], i) => ({ i, ...jsonRow(id, w.fields, w.revisedAt) }))),
              seenAt,
            ]);
            done += chunk.length;
          }
        }
        onProgress?.(papers.length, papers.length);
        return counts;
      });
    },
  };
}
