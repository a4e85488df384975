// What a reader's library export says about each paper, whatever the format it came in.
import { parseArxivId } from '../../domain/paper.js';
import { normaliseWhitespace } from '../../domain/text.js';

/** One paper of an uploaded or pasted library, before it is looked up. */
export interface LibraryEntry {
  /** Where the entry starts in the file (1-based), for the reader's report. */
  line: number;
  /** The export's own key for it (a BibTeX key, a Zotero item key), when it has one. */
  key?: string;
  title?: string;
  /** Without version. */
  arxivId?: string;
  doi?: string;
}

/** An entry from what a format found, leaving out what it did not (empty fields included). */
export function libraryEntry(found: {
  line: number;
  key?: string;
  title?: string;
  arxivId?: string;
  doi?: string;
}): LibraryEntry {
  const { line, key, title, arxivId, doi } = found;
  return {
    line,
    ...(key ? { key } : {}),
    ...(title ? { title: normaliseWhitespace(title) } : {}),
    ...(arxivId ? { arxivId } : {}),
    ...(doi ? { doi } : {}),
  };
}

// An arXiv id as exports write it: in a link, after "arXiv:", in arXiv's DOI, or bare.
const NEW_ID = String.raw`\d{4}\.\d{4,5}(?:v\d+)?`;
const OLD_ID = String.raw`[a-z-]+(?:\.[A-Z]{2})?\/\d{7}(?:v\d+)?`;
const ID = `(${NEW_ID}|${OLD_ID})`;
const IN_LINK = new RegExp(String.raw`arxiv\.org\/(?:abs|pdf)\/${ID}`, 'i');
const AFTER_PREFIX = new RegExp(String.raw`arxiv[:\s]\s*${ID}`, 'i');
const IN_DOI = new RegExp(String.raw`10\.48550\/arxiv\.${ID}`, 'i');
const BARE = new RegExp(`^\\s*${ID}\\s*$`);

/** The arXiv id (without version) named in a field's text: a link, `arXiv:…`, arXiv's DOI; `bare` also takes the id alone (an eprint field). */
export function arxivIdIn(text: string | undefined, bare = false): string | undefined {
  if (!text) return undefined;
  const m = IN_LINK.exec(text) ?? IN_DOI.exec(text) ?? AFTER_PREFIX.exec(text) ?? (bare ? BARE.exec(text) : null);
  return m?.[1] ? parseArxivId(m[1])?.id : undefined;
}

/** An entry's name in the report: its key if it has one, else its title's start, and its line. */
export function entryLabel(entry: LibraryEntry): string {
  const name =
    entry.key ??
    (entry.title ? `"${entry.title.length > 60 ? `${entry.title.slice(0, 59)}…` : entry.title}"` : undefined);
  return name ? `${name} (line ${entry.line})` : `line ${entry.line}`;
}
