import type Database from 'better-sqlite3';
import { canonicalId, type PaperInput } from '../../domain/paper.js';
import { fieldsFromInput, isRevision, mergePaper, sameFields, type PaperFields } from '../../domain/paper-merge.js';
import type { IngestCounts, PaperStore } from '../ports.js';
import { toPaper, type PaperRow } from '../rows.js';
import type { SqliteDb } from './sql-db.js';
import { writeTransaction } from './write-transaction.js';

/** A paper row with SQLite's rowid, which the full-text index is keyed on. */
type RowidPaperRow = PaperRow & { row_id: number };

const jsonList = (list: readonly string[] | undefined) => (list?.length ? JSON.stringify(list) : null);

function rowParams(id: string, f: PaperFields, at: string) {
  return {
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
    at,
  };
}

/** Words as an FTS5 query that matches them all, each quoted so no word is read as an operator. */
export function ftsQuery(words: string): string {
  return (words.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => `"${w}"`).join(' ');
}

const PROGRESS_EVERY = 2_000;
/**
 * Papers written per transaction. SQLite has one writer for the whole file: an ingest of 80,000
 * revised papers in one transaction held it for 12 s, and a delivery waiting to record a send
 * could fail. A batch of this size takes a fraction of a second, so the other writers wait little.
 */
const UPSERT_BATCH = 2_000;
/**
 * The lock is left free this long between two batches. A process waiting for it polls (every
 * 100 ms once it has waited a while): with no gap at all it would wait out the whole ingest.
 */
const PAUSE_BETWEEN_BATCHES_MS = 20;

export function sqlitePaperWrites(sdb: SqliteDb, db: Database.Database): Pick<PaperStore, 'upsertPapers' | 'searchPapers'> {
  const select = db.prepare<[string], RowidPaperRow>('SELECT rowid AS row_id, * FROM papers WHERE id = ?');
  const lastRowid = db.prepare<[], { n: number | null }>('SELECT max(rowid) AS n FROM papers');
  // The full-text index: rows added by a batch are indexed at its end in one statement; a row that
  // existed before the batch is re-indexed when its title or abstract changes.
  const indexAdded = db.prepare('INSERT INTO papers_fts (rowid, title, abstract) SELECT rowid, title, abstract FROM papers WHERE rowid > ?');
  const unindex = db.prepare("INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', ?, ?, ?)");
  const index = db.prepare('INSERT INTO papers_fts (rowid, title, abstract) VALUES (?, ?, ?)');
  const insert = db.prepare(`
    INSERT INTO papers (id, arxiv_id, version, title, abstract, authors, url, published_at, first_seen_at, updated_at,
      categories, upvotes, ai_summary, ai_keywords, github_repo, featured_on)
    VALUES (@id, @arxiv_id, @version, @title, @abstract, @authors, @url, @published_at, @at, @at,
      @categories, @upvotes, @ai_summary, @ai_keywords, @github_repo, @featured_on)`);
  const update = db.prepare(`
    UPDATE papers SET arxiv_id = @arxiv_id, version = @version, title = @title, abstract = @abstract,
      authors = @authors, url = @url, published_at = @published_at, updated_at = @at,
      categories = @categories, upvotes = @upvotes, ai_summary = @ai_summary, ai_keywords = @ai_keywords,
      github_repo = @github_repo, featured_on = @featured_on, revised_at = coalesce(@revised_at, revised_at)
    WHERE id = @id`);
  const search = db.prepare<[string, number], RowidPaperRow>(`
    SELECT papers.rowid AS row_id, papers.* FROM papers_fts JOIN papers ON papers.rowid = papers_fts.rowid
    WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, 3.0, 1.0) LIMIT ?`);

  const upsertBatch = writeTransaction(
    db,
    (papers: readonly PaperInput[], seenAt: string, counts: IngestCounts, progress: (i: number) => void): void => {
      const before = lastRowid.get()?.n ?? 0;
      papers.forEach((input, i) => {
        progress(i);
        const id = canonicalId(input);
        const row = select.get(id);
        if (!row) {
          insert.run(rowParams(id, fieldsFromInput(input), seenAt));
          counts.added++;
          return;
        }
        const existing = toPaper(row);
        const merged = mergePaper(existing, input);
        if (sameFields(existing, merged)) {
          counts.unchanged++;
        } else {
          update.run({ ...rowParams(id, merged, seenAt), revised_at: isRevision(existing, input) ? seenAt : null });
          counts.updated++;
          const reindex = row.row_id <= before && (row.title !== merged.title || row.abstract !== merged.abstract);
          if (reindex) {
            unindex.run(row.row_id, row.title, row.abstract);
            index.run(row.row_id, merged.title, merged.abstract);
          }
        }
      });
      indexAdded.run(before);
    },
  );

  return {
    async upsertPapers(papers, seenAt, options) {
      const counts: IngestCounts = { added: 0, updated: 0, unchanged: 0 };
      const onProgress = options?.onProgress;
      for (let start = 0; start < papers.length; start += UPSERT_BATCH) {
        if (start > 0) await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_BATCHES_MS));
        await sdb.raw(() =>
          upsertBatch(papers.slice(start, start + UPSERT_BATCH), seenAt, counts, (i) => {
            if (onProgress && (start + i) % PROGRESS_EVERY === 0) onProgress(start + i, papers.length);
          }),
        );
      }
      onProgress?.(papers.length, papers.length);
      return counts;
    },
    async searchPapers(words, limit) {
      const query = ftsQuery(words);
      return query ? sdb.raw(() => search.all(query, limit).map(toPaper)) : [];
    },
  };
}
