import Database from 'better-sqlite3';
import { DROPPED_MARK, NO_HITS, type IndexedPaper, type LexicalIndex } from '../domain/ranking/lexical-index.js';

/**
 * The ranker's full-text engine: SQLite's FTS5, in memory, one index per ranking run (a digest
 * window's candidates, a feed's recent papers). Both store engines use it, so a topic ranks the
 * same papers the same way on SQLite and on PostgreSQL (whose ts_rank is not BM25).
 *
 * FTS5's bm25() weighs each column's hits before saturating once over the whole row, as BM25F
 * does. The texts arrive analysed (stems, marks, whole compounds), so the `ascii` tokenizer only
 * splits them on spaces; it keeps the non-ASCII marks as tokens, which is what stops phrases.
 */
export function createFtsLexicalIndex(papers: readonly IndexedPaper[], titleBoost: number): LexicalIndex {
  const db = new Database(':memory:');
  db.pragma('journal_mode = OFF');
  db.exec(
    "CREATE VIRTUAL TABLE paper_text USING fts5(title, abstract, title_wholes, abstract_wholes, tokenize = 'ascii')",
  );
  const insert = db.prepare(
    'INSERT INTO paper_text (rowid, title, abstract, title_wholes, abstract_wholes) VALUES (?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    // rowid is the paper's position + 1: FTS5 rowids are positive.
    for (const [i, p] of papers.entries()) insert.run(i + 1, p.title, p.abstract, p.titleWholes, p.abstractWholes);
  })();
  const boost = Number(titleBoost);
  const search = db
    .prepare(
      `SELECT rowid, -bm25(paper_text, ${boost}, 1, ${boost}, 1) FROM paper_text WHERE paper_text MATCH ? ORDER BY rowid`,
    )
    .raw(true);

  return {
    search(tokens, adjacent, loose = false) {
      if (tokens.length === 0) return NO_HITS;
      const rows = search.all(matchExpression(tokens, adjacent, loose)) as [number, number][];
      const docs = new Int32Array(rows.length);
      const scores = new Float64Array(rows.length);
      for (let k = 0; k < rows.length; k++) {
        const row = rows[k] as [number, number];
        docs[k] = row[0] - 1;
        scores[k] = row[1];
      }
      return { docs, scores };
    },
    close() {
      db.close();
    },
  };
}

// A loose phrase is searched as each way of having a dropped word in its gaps (the analysis marks
// a run of dropped words once): 2^(words − 1) phrases, so only up to this many words.
const MAX_LOOSE_WORDS = 7;

/** The FTS5 query for a form: its tokens AND-ed, or one phrase (or, when loose, the phrases with dropped words between). */
function matchExpression(tokens: readonly string[], adjacent: boolean, loose: boolean): string {
  const quote = (words: readonly string[]) => `"${words.join(' ').replaceAll('"', '""')}"`;
  if (!adjacent || tokens.length === 1) return [...new Set(tokens)].map((t) => quote([t])).join(' AND ');
  if (!loose || tokens.length > MAX_LOOSE_WORDS) return quote(tokens);
  const phrases: string[] = [];
  for (let gaps = 0; gaps < 2 ** (tokens.length - 1); gaps++) {
    const words: string[] = [tokens[0] as string];
    for (let k = 1; k < tokens.length; k++) {
      if (gaps & (1 << (k - 1))) words.push(DROPPED_MARK);
      words.push(tokens[k] as string);
    }
    phrases.push(quote(words));
  }
  return phrases.join(' OR ');
}
