import type { Alternative, Query, QueryTerm } from './query.js';
import type { AcronymTable } from './ranking/acronyms.js';
import { analyse } from './ranking/analyse.js';

/** What a query's words are looked for in: a paper's title and abstract. */
export interface SearchedText {
  title: string;
  abstract: string;
}

/** The words and phrases of one alternative. */
const termsOf = (alternative: Alternative): readonly QueryTerm[] => alternative.terms;

/** A word or phrase as the reader typed it: a phrase of several words in quotes. */
const shownTerm = (term: QueryTerm) => (/\s/.test(term.text.trim()) ? `"${term.text.trim()}"` : term.text);

/**
 * The words and phrases of a query that occur in none of the papers, as typed (phrases in quotes),
 * in the order of the query. They are looked for as the ranker looks for them, through the same
 * analysis (stems, folded accents, compounds whole or in parts, phrases in order), so that a
 * word listed here is one no paper could have matched: typed wrong, or not a word these papers use.
 * An acronym typed as one (NAS) counts as found where its learned long form stands, and a phrase
 * that spells out a learned long form where its acronym does. Excluded words are not looked for:
 * that no paper has them is what they ask.
 */
export function wordsWithoutHits(
  query: Query,
  papers: Iterable<SearchedText>,
  acronyms: AcronymTable = new Map(),
): string[] {
  const reverse = new Map<string, string>();
  for (const [key, { stems }] of acronyms) if (!reverse.has(stems.join(' '))) reverse.set(stems.join(' '), key);
  const sought = new Map<string, string[][]>();
  for (const term of query.alternatives.flatMap(termsOf)) {
    const shown = shownTerm(term);
    if (sought.has(shown)) continue;
    const forms = [term.tokens];
    if (term.whole) forms.push([term.whole]);
    const long = term.acronym && term.tokens.length === 1 ? acronyms.get(term.tokens[0] as string) : undefined;
    if (long) forms.push([...long.stems]);
    const short = term.tokens.length > 1 ? reverse.get(term.tokens.join(' ')) : undefined;
    if (short !== undefined) forms.push([short]);
    sought.set(shown, forms);
  }
  const missing = new Set(sought.keys());
  for (const paper of papers) {
    if (missing.size === 0) break;
    // Title and abstract apart: a phrase does not run from the end of one into the other.
    const texts = [analyse(paper.title), analyse(paper.abstract)];
    const words = new Set(texts.flatMap((t) => [...t.seq, ...t.whole]));
    for (const shown of missing) {
      const found = (sought.get(shown) as string[][]).some((form) =>
        form.length === 1
          ? words.has(form[0] as string)
          : form.every((t) => words.has(t)) && texts.some((t) => inOrder(t.seq, form)),
      );
      if (found) missing.delete(shown);
    }
  }
  return [...missing];
}

/** Whether the stems stand next to each other, in this order, somewhere in the sequence. */
function inOrder(seq: readonly string[], phrase: readonly string[]): boolean {
  for (
    let i = seq.indexOf(phrase[0] as string);
    i >= 0 && i + phrase.length <= seq.length;
    i = seq.indexOf(phrase[0] as string, i + 1)
  ) {
    if (phrase.every((t, k) => seq[i + k] === t)) return true;
  }
  return false;
}
