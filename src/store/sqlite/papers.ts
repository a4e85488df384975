import type Database from 'better-sqlite3';
import { canonicalId, type Paper, type PaperInput } from '../../domain/paper.js';
import { fieldsFromInput, mergePaper, sameFields, type PaperFields } from '../../domain/paper-merge.js';
import type { IngestCounts, PaperStore } from '../ports.js';

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
    at,
  };
}

export function sqlitePaperStore(db: Database.Database): PaperStore {
  const select = db.prepare<[string], PaperRow>('SELECT * FROM papers WHERE id = ?');
  const insert = db.prepare(`
    INSERT INTO papers (id, arxiv_id, version, title, abstract, authors, url, published_at, first_seen_at, updated_at)
    VALUES (@id, @arxiv_id, @version, @title, @abstract, @authors, @url, @published_at, @at, @at)`);
  const update = db.prepare(`
    UPDATE papers SET arxiv_id = @arxiv_id, version = @version, title = @title, abstract = @abstract,
      authors = @authors, url = @url, published_at = @published_at, updated_at = @at
    WHERE id = @id`);

  const upsertAll = db.transaction((papers: readonly PaperInput[], seenAt: string): IngestCounts => {
    const counts: IngestCounts = { added: 0, updated: 0, unchanged: 0 };
    for (const input of papers) {
      const id = canonicalId(input);
      const row = select.get(id);
      if (!row) {
        insert.run(rowParams(id, fieldsFromInput(input), seenAt));
        counts.added++;
        continue;
      }
      const existing = toPaper(row);
      const merged = mergePaper(existing, input);
      if (sameFields(existing, merged)) {
        counts.unchanged++;
      } else {
        update.run(rowParams(id, merged, seenAt));
        counts.updated++;
      }
    }
    return counts;
  });

  return {
    async upsertPapers(papers, seenAt) {
      return upsertAll(papers, seenAt);
    },
    async papersFirstSeenBetween(after, upTo) {
      const rows = db
        .prepare<[string, string], PaperRow>(
          'SELECT * FROM papers WHERE first_seen_at > ? AND first_seen_at <= ? ORDER BY first_seen_at, rowid',
        )
        .all(after, upTo);
      return rows.map(toPaper);
    },
    async listPapers({ since, limit }) {
      const rows = db
        .prepare<[string, number], PaperRow>(
          'SELECT * FROM papers WHERE first_seen_at >= ? ORDER BY first_seen_at DESC, rowid LIMIT ?',
        )
        .all(since ?? '', limit ?? -1);
      return rows.map(toPaper);
    },
    async getPapers(ids) {
      const byId = new Map<string, Paper>();
      for (const id of ids) {
        const row = select.get(id);
        if (row) byId.set(id, toPaper(row));
      }
      return ids.flatMap((id) => byId.get(id) ?? []);
    },
    async countPapers() {
      return (db.prepare('SELECT count(*) AS n FROM papers').get() as { n: number }).n;
    },
  };
}
