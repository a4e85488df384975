// Finds the papers of a reader's library: stored ones by id or title, the others fetched from
// arXiv by id, politely (one request at a time, ARXIV_DELAY_MS apart, batched by id_list).
import { PaperboyError, ParseError } from '../../domain/errors.js';
import { canonicalId, normalisePaperInput, type Paper, type PaperInput } from '../../domain/paper.js';
import { normaliseWhitespace } from '../../domain/text.js';
import { isRateExceeded, parseArxivAtom } from '../../ingest/arxiv-atom.js';
import { decodeSource } from '../../ingest/decode.js';
import { type LibraryEntry, entryLabel } from '../../ingest/library/entry.js';
import type { Fetcher } from '../../ingest/fetch.js';
import type { PaperStore, PersonalStore } from '../../store/ports.js';

/** arXiv's API answers up to this many ids a request comfortably. */
const ID_BATCH = 50;

export interface LibraryDeps {
  store: Pick<PaperStore, 'getPapers' | 'upsertPapers'> & Pick<PersonalStore, 'papersTitled'>;
  fetcher: Fetcher;
  clock: () => Date;
  config: { arxivApiUrl: string; arxivDelayMs: number };
}

/** What was understood from a library: the papers found and, for each entry not found, why. */
export interface LibraryReport {
  read: number;
  /** Found among the stored papers. */
  matched: number;
  /** Fetched from arXiv by id. */
  fetched: number;
  notFound: { entry: string; why: string }[];
  /** Paper ids, in the library's order, each once. */
  paperIds: string[];
}

/** The arXiv API's answer for some ids could not be had: nothing is saved, the reader tries again later. */
export class ArxivUnavailableError extends PaperboyError {
  /** Why, for the log: the reader is told only that arXiv did not answer. */
  readonly detail: string;
  constructor(detail: string, options?: { cause?: unknown }) {
    super('FETCH_FAILED', 'arXiv did not answer: nothing was saved, try again in a few minutes', options);
    this.detail = detail;
  }
}

/** Looks every entry up: by arXiv id (stored, else fetched), else by title among the stored papers. */
export async function findLibraryPapers(deps: LibraryDeps, entries: readonly LibraryEntry[]): Promise<LibraryReport> {
  const { store } = deps;
  const withId = entries.filter((e) => e.arxivId);
  const wantedIds = [...new Set(withId.map((e) => `arxiv:${e.arxivId}`))];
  const stored = new Set((await store.getPapers(wantedIds)).map((p) => p.id));
  const missing = wantedIds.filter((id) => !stored.has(id)).map((id) => id.slice('arxiv:'.length));
  const { fetched, refused } = await fetchFromArxiv(deps, missing);

  const byTitle = await titleMatches(
    store,
    entries.filter((e) => !e.arxivId && e.title),
  );
  const report: LibraryReport = { read: entries.length, matched: 0, fetched: 0, notFound: [], paperIds: [] };
  const counted = new Set<string>();
  const found = (id: string, how: 'matched' | 'fetched') => {
    if (counted.has(id)) return;
    counted.add(id);
    report.paperIds.push(id);
    report[how]++;
  };
  for (const e of entries) {
    if (e.arxivId) {
      const id = `arxiv:${e.arxivId}`;
      if (stored.has(id)) found(id, 'matched');
      else if (fetched.has(id)) found(id, 'fetched');
      else report.notFound.push({ entry: entryLabel(e), why: refused.get(id) ?? `arXiv has no paper ${e.arxivId}` });
    } else if (e.title) {
      const paper = byTitle.get(titleLookup(e.title));
      if (paper) found(paper.id, 'matched');
      else {
        const doi = e.doi ? ` (DOI ${e.doi}, which arXiv cannot be asked by)` : '';
        report.notFound.push({ entry: entryLabel(e), why: `no arXiv id${doi}, and no stored paper has this title` });
      }
    } else {
      report.notFound.push({
        entry: entryLabel(e),
        why: e.doi ? `only a DOI (${e.doi}): no arXiv id or title to look up` : 'no arXiv id and no title',
      });
    }
  }
  return report;
}

const titleLookup = (title: string) => normaliseWhitespace(title).replace(/\.$/, '').toLowerCase();

async function titleMatches(
  store: LibraryDeps['store'],
  entries: readonly LibraryEntry[],
): Promise<Map<string, Paper>> {
  const keys = [...new Set(entries.flatMap((e) => (e.title ? [titleLookup(e.title)] : [])))];
  // A title may be stored with or without a final full stop.
  const papers = await store.papersTitled([...keys, ...keys.map((k) => `${k}.`)]);
  const byKey = new Map<string, Paper>();
  // An arXiv paper wins over a title-only one of the same title.
  for (const p of papers.sort((a, b) => Number(Boolean(b.arxivId)) - Number(Boolean(a.arxivId)))) {
    const key = titleLookup(p.title);
    if (!byKey.has(key)) byKey.set(key, p);
  }
  return byKey;
}

/**
 * Fetches papers by id and stores them, each as first seen when arXiv first published it: an old
 * paper from a reader's library is not news, and must not appear in anyone's digest or the site feed as new.
 */
async function fetchFromArxiv(
  deps: LibraryDeps,
  ids: readonly string[],
): Promise<{ fetched: Set<string>; refused: Map<string, string> }> {
  const { fetcher, store, clock, config } = deps;
  const papers: PaperInput[] = [];
  // A batch arXiv answers with an error entry (an id it cannot read): its ids are not found, with arXiv's reason.
  const refused = new Map<string, string>();
  for (let i = 0; i < ids.length; i += ID_BATCH) {
    const batch = ids.slice(i, i + ID_BATCH);
    const url = new URL(config.arxivApiUrl);
    url.searchParams.set('id_list', batch.join(','));
    url.searchParams.set('max_results', String(batch.length));
    let text: string;
    try {
      const result = await fetcher.get(url.toString(), {
        minIntervalMs: config.arxivDelayMs,
        retryBody: isRateExceeded,
      });
      if (result.notModified) continue;
      text = decodeSource(result.bytes, 'the arXiv API', result.contentType).text;
    } catch (err) {
      throw new ArxivUnavailableError((err as Error).message, { cause: err });
    }
    let parsed: PaperInput[];
    try {
      parsed = parseArxivAtom(text, 'the arXiv API').papers;
    } catch (err) {
      if (isRateExceeded(text) || !(err instanceof ParseError)) {
        throw new ArxivUnavailableError((err as Error).message, { cause: err });
      }
      for (const id of batch) refused.set(`arxiv:${id}`, `arXiv could not look it up (${err.detail})`);
      continue;
    }
    const wanted = new Set(batch.map((id) => `arxiv:${id}`));
    papers.push(...parsed.filter((p) => wanted.has(canonicalId(p))).map(normalisePaperInput));
  }
  const now = clock().toISOString();
  for (const p of papers) {
    const published = p.publishedAt && p.publishedAt < now ? p.publishedAt : now;
    await store.upsertPapers([p], published);
  }
  return { fetched: new Set(papers.map((p) => canonicalId(p))), refused };
}
