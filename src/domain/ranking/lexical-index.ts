/**
 * The full-text engine the ranker asks for BM25 scores: a port, so that the domain stays free of
 * SQL. The adapter (store/lexical-index.ts) is SQLite's FTS5, for both store engines. The ranker hands it papers
 * already analysed (analyse.ts: stems, compounds, acronyms), so that the engine and the query
 * meet on the same tokens whatever the engine's own tokenizer would have made of the text.
 */

/** Papers containing a form, ascending by their position in the corpus, with their scores. */
export interface Hits {
  docs: Int32Array;
  scores: Float64Array;
}

export const NO_HITS: Hits = { docs: new Int32Array(0), scores: new Float64Array(0) };

/**
 * One paper as the engine indexes it: space-separated tokens per field. `title` and `abstract` are
 * the stems in reading order with the marks below between them; `titleWholes` and
 * `abstractWholes` are the whole forms of compounds ("lowrank"), kept apart so that a phrase never
 * runs into them.
 */
export interface IndexedPaper {
  title: string;
  abstract: string;
  titleWholes: string;
  abstractWholes: string;
}

/**
 * Tokens that stand where a phrase must stop. Neither is a stem (the analysis keeps letters and
 * digits only), and an engine's tokenizer keeps them as tokens of their own.
 * A clause ended (, . ; : ? ! or a bracket): no phrase runs over it.
 */
export const CLAUSE_MARK = '§';
/** A stopword was dropped: only a phrase typed with one ("state of the art") runs over it. */
export const DROPPED_MARK = '¶';

export interface LexicalIndex {
  /**
   * Papers containing every token (in order, next to each other, when `adjacent`; `loose` lets a
   * phrase stand across dropped words), with BM25 over the fields, a title occurrence weighing
   * `titleBoost` abstract ones. Higher scores are better.
   */
  search(tokens: readonly string[], adjacent: boolean, loose?: boolean): Hits;
  /** Frees the engine's memory (an index is built per ranking run). */
  close(): void;
}

export type LexicalIndexFactory = (papers: readonly IndexedPaper[], titleBoost: number) => LexicalIndex;
