// The sample papers as the store would hold them, without a store: for the relevance evaluation
// and the ranking benchmark.
import { readFileSync } from 'node:fs';
import { canonicalId, normalisePaperInput, type Paper } from '../src/domain/paper.js';
import { parsePapers } from '../src/ingest/formats.js';

export const SAMPLE_FILE = new URL('../data/sample/daily-papers-2024-03-21.txt', import.meta.url).pathname;

export function samplePapers(file = SAMPLE_FILE, seenAt = '2024-03-21T08:00:00.000Z'): Paper[] {
  return parsePapers(readFileSync(file, 'utf8'), file).map((raw) => {
    const input = normalisePaperInput(raw);
    return {
      id: canonicalId(input),
      arxivId: input.arxivId ?? null,
      version: input.version ?? null,
      title: input.title,
      abstract: input.abstract,
      authors: input.authors,
      url: input.url ?? null,
      publishedAt: input.publishedAt ?? null,
      firstSeenAt: seenAt,
      updatedAt: seenAt,
    };
  });
}
