import type { Alternative, QueryTerm } from '../query.js';
import type { AcronymTable } from './acronyms.js';
import { dropsWords } from './analyse.js';

/** One way a concept can appear in a paper: its stems, in order when `adjacent`. */
export interface Form {
  tokens: readonly string[];
  adjacent: boolean;
  /** The phrase as typed has words the analysis drops ("state of the art"): it may stand across such words. */
  loose?: boolean;
  /** Shown in explanations when this form, not the typed one, matched ("as NAS"). */
  via?: string;
}

/** One thing the query asks for (a word, a phrase, an acronym) and every form that satisfies it. */
export interface Concept {
  label: string;
  forms: Form[];
}

const formKey = (f: Form) => `${f.adjacent ? (f.loose ? '~"' : '"') : ''}${f.tokens.join(' ')}`;

function addForm(concept: Concept, form: Form): void {
  if (!concept.forms.some((f) => formKey(f) === formKey(form))) concept.forms.push(form);
}

function conceptOf(term: QueryTerm, acronyms: AcronymTable, reverse: ReadonlyMap<string, string>): Concept {
  const typed: Form = { tokens: term.tokens, adjacent: term.phrase };
  if (term.phrase && dropsWords(term.text)) typed.loose = true;
  const concept: Concept = { label: term.text, forms: [typed] };
  if (term.whole) addForm(concept, { tokens: [term.whole], adjacent: false });
  const only = term.tokens.length === 1 ? term.tokens[0] : undefined;
  // NAS → "neural architecture search", only when typed as an acronym: "robot" is not RoBoT.
  const long = only !== undefined && term.acronym ? acronyms.get(only) : undefined;
  if (long)
    addForm(concept, {
      tokens: long.stems,
      adjacent: true,
      via: long.long,
      ...(dropsWords(long.long) ? { loose: true } : {}),
    });
  const short = reverse.get(term.tokens.join(' '));
  if (short !== undefined && term.tokens.length > 1)
    addForm(concept, { tokens: [short], adjacent: false, via: acronyms.get(short)?.short ?? short });
  return concept;
}

/**
 * The concepts of one alternative. Unquoted words that spell out a known long form ("vision
 * transformer") become one concept that the acronym (ViT) also satisfies.
 */
export function conceptsOf(
  alternative: Alternative,
  acronyms: AcronymTable,
  reverse: ReadonlyMap<string, string>,
): Concept[] {
  const terms = alternative.terms;
  const concepts: Concept[] = [];
  for (let i = 0; i < terms.length; ) {
    let merged = false;
    for (let len = Math.min(5, terms.length - i); len >= 2 && !merged; len--) {
      const run = terms.slice(i, i + len);
      if (run.some((t) => t.phrase)) continue;
      const tokens = run.flatMap((t) => t.tokens);
      const short = reverse.get(tokens.join(' '));
      if (short === undefined) continue;
      concepts.push({
        label: run.map((t) => t.text).join(' '),
        forms: [
          { tokens, adjacent: false },
          { tokens: [short], adjacent: false, via: acronyms.get(short)?.short ?? short },
        ],
      });
      i += len;
      merged = true;
    }
    if (!merged) concepts.push(conceptOf(terms[i++] as QueryTerm, acronyms, reverse));
  }
  return concepts;
}

/** What a natural query's alternative asks for: each term on its own, and the phrases its adjacent terms make. */
export interface NaturalConcepts {
  /** One per term, in the order typed; `required` and `list` as the term's. */
  words: (Concept & Pick<QueryTerm, 'required' | 'list'>)[];
  /** Two terms typed together ("point clouds"), as a phrase: a bonus where a paper has them together. */
  pairs: { concept: Concept; of: [number, number] }[];
}

/**
 * The concepts of an alternative of a natural query. Each term is a concept of its own, so that a
 * paper with some of the words matches some of the query. Words that spell out a known long form
 * ("large language models") each also count as matched by the acronym (LLM), and adjacent terms
 * make a phrase worth a bonus (the acronym standing in for the long form's phrases too).
 */
export function naturalConceptsOf(
  alternative: Alternative,
  acronyms: AcronymTable,
  reverse: ReadonlyMap<string, string>,
): NaturalConcepts {
  const terms = alternative.terms;
  const words = terms.map((t) => ({
    ...conceptOf(t, acronyms, reverse),
    required: t.required,
    ...(t.list ? { list: t.list } : {}),
  }));
  const pairs: NaturalConcepts['pairs'] = [];
  for (let i = 0; i < terms.length; i++) {
    // The longest run from here that spells out a long form: its acronym stands in for each word.
    for (let len = Math.min(5, terms.length - i); len >= 2; len--) {
      const run = terms.slice(i, i + len);
      if (run.some((t) => t.quoted) || run.slice(1).some((t) => !t.follows)) continue;
      const short = reverse.get(run.flatMap((t) => t.tokens).join(' '));
      if (short === undefined) continue;
      const via = acronyms.get(short)?.short ?? short;
      for (let k = i; k < i + len; k++) addForm(words[k] as Concept, { tokens: [short], adjacent: false, via });
      break;
    }
    const next = terms[i + 1];
    const term = terms[i] as QueryTerm;
    if (!next?.follows || term.quoted || next.quoted) continue;
    const phrase: QueryTerm = {
      ...term,
      text: `${term.text} ${next.text}`,
      tokens: [...term.tokens, ...next.tokens],
      phrase: true,
      acronym: false,
    };
    delete phrase.whole;
    pairs.push({ concept: conceptOf(phrase, acronyms, reverse), of: [i, i + 1] });
  }
  return { words, pairs };
}

/** Forms of the excluded terms: a paper containing any of them is left out. */
export function excludedForms(
  terms: readonly QueryTerm[],
  acronyms: AcronymTable,
  reverse: ReadonlyMap<string, string>,
): Form[] {
  return terms.flatMap((t) => conceptOf(t, acronyms, reverse).forms);
}

export { formKey };
