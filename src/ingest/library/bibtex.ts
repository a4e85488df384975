// BibTeX (.bib) as Zotero, Mendeley, JabRef, Google Scholar and arXiv export it: @type{key, field = {…} | "…" | number, …}.
import { ParseError } from '../../domain/errors.js';
import { latexToText } from '../../domain/latex.js';
import { arxivIdIn, type LibraryEntry, libraryEntry } from './entry.js';

/** Fields where an export puts an arXiv id: the eprint first, which may hold it bare. */
const ARXIV_FIELDS = ['journal', 'url', 'note', 'doi', 'howpublished', 'archiveprefix', 'booktitle', 'publisher'];

/** Reads every entry; a file that is not BibTeX, or an unclosed brace or quote, is a ParseError naming the line. */
export function parseBibtex(source: string, file: string): LibraryEntry[] {
  const entries: LibraryEntry[] = [];
  let i = 0;
  let line = 1;
  const advance = (to: number) => {
    for (let k = i; k < to; k++) if (source.charCodeAt(k) === 10) line++;
    i = to;
  };
  for (;;) {
    const at = source.indexOf('@', i);
    if (at < 0) break;
    advance(at);
    const head = /^@\s*([A-Za-z]+)\s*([{(])/.exec(source.slice(i, i + 100));
    if (!head) {
      advance(i + 1); // an @ in a comment between entries
      continue;
    }
    const type = (head[1] as string).toLowerCase();
    const start = line;
    const close = head[2] === '{' ? '}' : ')';
    const bodyStart = i + head[0].length;
    const end = matching(source, bodyStart, close, file, start);
    const body = source.slice(bodyStart, end);
    advance(end + 1);
    if (type === 'comment' || type === 'preamble' || type === 'string') continue;
    entries.push(entryOf(body, start, file));
  }
  if (entries.length === 0 && source.trim() !== '' && !source.includes('@')) {
    throw new ParseError(file, 1, 'not a BibTeX file: no @article{…} or other entry');
  }
  return entries;
}

const NEXT_ENTRY = /^[ \t]*@\s*[A-Za-z]+\s*[{(]/;

/** The index of the bracket that closes an entry opened just before `from`; braces nest, quotes do not. */
function matching(source: string, from: number, close: string, file: string, line: number): number {
  let depth = 0;
  for (let k = from; k < source.length; k++) {
    const c = source[k];
    if (c === '\\') {
      k++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0 && close === '}') return k;
      depth--;
      if (depth < 0) throw new ParseError(file, line, 'a closing brace } without an opening one in this entry');
    } else if (c === ')' && close === ')' && depth === 0) return k;
    // An entry starting on a new line means this one was never closed (else it would swallow the next).
    else if (c === '\n' && NEXT_ENTRY.test(source.slice(k + 1, k + 60))) break;
  }
  throw new ParseError(file, line, `this entry is not closed: a ${close} is missing (unbalanced braces?)`);
}

function entryOf(body: string, line: number, file: string): LibraryEntry {
  const comma = body.indexOf(',');
  const key = (comma < 0 ? body : body.slice(0, comma)).trim();
  const fields = readFields(comma < 0 ? '' : body.slice(comma + 1), file, line);
  const title = fields.get('title');
  const doi = fields.get('doi')?.trim();
  const arxivId =
    arxivIdIn(fields.get('eprint'), true) ?? ARXIV_FIELDS.map((f) => arxivIdIn(fields.get(f))).find(Boolean);
  return libraryEntry({ line, key, title: title && latexToText(title), arxivId, doi });
}

/** `name = {value}`, `"value"`, a number or a macro, joined with `#`; names lowercased. */
function readFields(text: string, file: string, line: number): Map<string, string> {
  const fields = new Map<string, string>();
  let k = 0;
  while (k < text.length) {
    const m = /^[\s,]*([A-Za-z][\w:.+-]*)\s*=\s*/.exec(text.slice(k));
    if (!m) {
      if (text.slice(k).trim().replace(/,/g, '') !== '') {
        throw new ParseError(file, line, `cannot read the fields after "${text.slice(k).trim().slice(0, 30)}"`);
      }
      break;
    }
    k += m[0].length;
    const parts: string[] = [];
    for (;;) {
      const c = text[k];
      if (c === '{') {
        const end = closingBrace(text, k + 1);
        if (end < 0) throw new ParseError(file, line, `field ${m[1]}: a } is missing`, { field: m[1] });
        parts.push(stripBraces(text.slice(k + 1, end)));
        k = end + 1;
      } else if (c === '"') {
        const end = closingQuote(text, k + 1);
        if (end < 0) throw new ParseError(file, line, `field ${m[1]}: a closing " is missing`, { field: m[1] });
        parts.push(stripBraces(text.slice(k + 1, end)));
        k = end + 1;
      } else {
        const word = /^[\w.:-]+/.exec(text.slice(k));
        if (!word) throw new ParseError(file, line, `field ${m[1]} has no value`, { field: m[1] });
        parts.push(word[0]);
        k += word[0].length;
      }
      const hash = /^\s*#\s*/.exec(text.slice(k));
      if (!hash) break;
      k += hash[0].length;
    }
    fields.set((m[1] as string).toLowerCase(), parts.join(''));
  }
  return fields;
}

function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let k = from; k < text.length; k++) {
    if (text[k] === '\\') k++;
    else if (text[k] === '{') depth++;
    else if (text[k] === '}') {
      if (depth === 0) return k;
      depth--;
    }
  }
  return -1;
}

function closingQuote(text: string, from: number): number {
  let depth = 0;
  for (let k = from; k < text.length; k++) {
    if (text[k] === '\\') k++;
    else if (text[k] === '{') depth++;
    else if (text[k] === '}') depth--;
    else if (text[k] === '"' && depth === 0) return k;
  }
  return -1;
}

/** Braces that only protect capitals ({BERT}) go; those of a LaTeX command ({\"u}) are for latexToText. */
function stripBraces(value: string): string {
  return value.replace(/\{([^{}\\]*)\}/g, '$1');
}
