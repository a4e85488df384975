// What an import must do on SQLite besides writing the rows (the rest: sql/transfer.ts).

/**
 * The paper store indexes the rows it writes itself (no insert trigger): index the copied papers,
 * all of them, since the store held none before.
 */
export const REINDEX_PAPERS = "INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')";
