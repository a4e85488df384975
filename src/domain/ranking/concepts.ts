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
  if (long) addForm(concept, { tokens: long.stems, adjacent: true, via: long.long, ...(dropsWords(long.long) ? { loose: true } : {}) });
  const short = reverse.get(term.tokens.join(' '));
  if (short !== undefined && term.tokens.length > 1) addForm(concept, { tokens: [short], adjacent: false, via: acronyms.get(short)?.short ?? short });
  return concept;
}

/**
 * The concepts of one alternative. Unquoted words that spell out a known long form ("vision
 * transformer") become one concept that the acronym (ViT) also satisfies.
 */
export function conceptsOf(alternative: Alternative, acronyms: AcronymTable, reverse: ReadonlyMap<string, string>): Concept[] {
  const terms = alternative.required;
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
        forms: [{ tokens, adjacent: false }, { tokens: [short], adjacent: false, via: acronyms.get(short)?.short ?? short }],
      });
      i += len;
      merged = true;
    }
    if (!merged) concepts.push(conceptOf(terms[i++] as QueryTerm, acronyms, reverse));
  }
  return concepts;
}

/** Forms of the excluded terms: a paper containing any of them is left out. */
export function excludedForms(terms: readonly QueryTerm[], acronyms: AcronymTable, reverse: ReadonlyMap<string, string>): Form[] {
  return terms.flatMap((t) => conceptOf(t, acronyms, reverse).forms);
}

export { formKey };
