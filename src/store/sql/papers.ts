// Reading papers, on both engines. Writing them is each engine's own (sqlite/papers.ts,
// postgres/papers.ts): SQLite upserts row by row in short batches, PostgreSQL in a few statements.
import type { PaperStore } from '../ports.js';
import { type PaperRow, toPaper } from '../rows.js';
import type { SqlDb } from './db.js';
import { dialect, inList, sql } from './statement.js';

export const PAPER_COLUMNS = `id, arxiv_id, version, title, abstract, authors, url, published_at, first_seen_at, updated_at,
  categories, upvotes, ai_summary, ai_keywords, github_repo, featured_on, revised_at`;

/** The order papers were stored in, the tie-break between papers first seen at the same time. */
const STORED_ORDER = dialect('rowid', 'seq');
/** No limit when the parameter is null. */
const limitOrAll = (param: string) => dialect(`coalesce(:${param}, -1)`, `:${param}`);

const FIRST_SEEN_BETWEEN = sql`
  SELECT ${PAPER_COLUMNS} FROM papers WHERE first_seen_at > :after AND first_seen_at <= :upTo ORDER BY first_seen_at, ${STORED_ORDER}`;
const REVISED_BETWEEN = sql`
  SELECT ${PAPER_COLUMNS} FROM papers WHERE revised_at > :after AND revised_at <= :upTo AND first_seen_at <= :after
  ORDER BY first_seen_at, ${STORED_ORDER}`;
const LIST = sql`
  SELECT ${PAPER_COLUMNS} FROM papers WHERE first_seen_at >= :since ORDER BY first_seen_at DESC, ${STORED_ORDER} LIMIT ${limitOrAll('limit')}`;
const BY_IDS = sql`SELECT ${PAPER_COLUMNS} FROM papers WHERE ${inList('id', 'ids')}`;
const COUNT = sql`SELECT count(*) AS n FROM papers`;

export type PaperReads = Omit<PaperStore, 'upsertPapers' | 'searchPapers'>;

export function paperReads(db: SqlDb): PaperReads {
  return {
    async papersFirstSeenBetween(after, upTo) {
      return (await db.all<PaperRow>(FIRST_SEEN_BETWEEN, { after, upTo })).map(toPaper);
    },
    async papersRevisedBetween(after, upTo) {
      return (await db.all<PaperRow>(REVISED_BETWEEN, { after, upTo })).map(toPaper);
    },
    async listPapers({ since, limit }) {
      return (await db.all<PaperRow>(LIST, { since: since ?? '', limit: limit ?? null })).map(toPaper);
    },
    async getPapers(ids) {
      const byId = new Map((await db.all<PaperRow>(BY_IDS, { ids })).map((r) => [r.id, toPaper(r)]));
      // In the order asked; unknown ids are left out.
      return ids.flatMap((id) => byId.get(id) ?? []);
    },
    async countPapers() {
      return (await db.get<{ n: number }>(COUNT))!.n;
    },
  };
}
