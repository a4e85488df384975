import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/domain/errors.js';
import { createIngester, readSource } from '../../src/jobs/ingest.js';
import { parseFiles } from '../../src/jobs/parse-files.js';
import { silentLogger } from '../../src/log.js';
import { openSqliteStore } from '../../src/store/sqlite/open.js';
import { FIXTURES, SAMPLE_PAGE, fixedClock, tempDir } from '../helpers/env.js';

const SOURCES = ['arxiv-api-page1.xml', 'arxiv-rss-cs-lg.xml', 'hf-daily-2024-03-21.json', 'feed-lab.atom.xml', 'paperboy.json', 'feed-journal.rss.xml'];

/** An ingester on a new SQLite file; `parallelMinBytes: 0` sends files to worker threads however small. */
function ingester(parallelMinBytes: number) {
  const store = openSqliteStore(join(tempDir(), 'paperboy.db'));
  return { store, ingester: createIngester({ store, clock: fixedClock('2024-03-21T09:00:00Z'), logger: silentLogger, parallelMinBytes }) };
}

describe('ingesting many files on worker threads', () => {
  it('stores the same papers, with the same fields, as parsing the files one by one', async () => {
    const files = [...SOURCES.map((f) => `${FIXTURES}sources/${f}`), SAMPLE_PAGE];
    const one = ingester(Number.POSITIVE_INFINITY);
    const many = ingester(0);
    const progress: number[] = [];
    const report = await many.ingester.ingestFiles(files, 'auto', { onFile: (done) => progress.push(done) });
    expect(await one.ingester.ingestFiles(files)).toEqual(report);
    expect(report.added).toBeGreaterThan(110);
    expect(progress).toEqual(files.map((_, i) => i + 1));
    const all = async (s: typeof one.store) => (await s.listPapers({})).map(({ firstSeenAt, updatedAt, ...p }) => p);
    expect(await all(many.store)).toEqual(await all(one.store));
    expect((await many.store.searchPapers('sparse attention', 10)).map((p) => p.id)).toEqual((await one.store.searchPapers('sparse attention', 10)).map((p) => p.id));
    await Promise.all([one.store.close(), many.store.close()]);
  });

  it('gives what the main thread would from files parsed by the worker threads alone', async () => {
    const files = [...SOURCES.map((f) => `${FIXTURES}sources/${f}`), SAMPLE_PAGE];
    const here = await parseFiles(files, 'auto', readSource, { minBytes: Number.POSITIVE_INFINITY });
    const there = await parseFiles(files, 'auto', readSource, { minBytes: 0, threads: 2, workersOnly: true });
    expect(there.byWorkers).toBe(files.length);
    expect(there.parsed).toEqual(here.parsed);
    expect(here.parsed.map((p) => p.papers.length)).toEqual([3, 4, 3, 2, 2, 2, 103]);
    const bad = await parseFiles([files[0] as string, `${FIXTURES}sources/hf-daily-bad.json`, files[1] as string], 'auto', readSource, { minBytes: 0, workersOnly: true });
    expect(bad.parsed.map((p) => p.file)).toEqual([files[0]]);
    expect(bad.byWorkers).toBeGreaterThanOrEqual(2);
    // The error crosses from the worker with its file, line and field.
    expect(bad.error).toBeInstanceOf(ParseError);
    expect((bad.error as ParseError).message).toMatch(/hf-daily-bad\.json:6: daily paper 2: .* \(field paper\.upvotes\)$/);
    expect((bad.error as ParseError).field).toBe('paper.upvotes');
  });

  it('refuses the whole batch with the error of the first bad file, and stores nothing', async () => {
    const dir = tempDir();
    const files = SOURCES.map((f) => `${FIXTURES}sources/${f}`);
    const cut = join(dir, 'cut.xml');
    copyFileSync(`${FIXTURES}sources/arxiv-rss-truncated.xml`, cut);
    const { store, ingester: ingest } = ingester(0);
    const err = await ingest.ingestFiles([...files.slice(0, 3), cut, join(dir, 'missing.json'), ...files.slice(3)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).message).toMatch(/^.*cut\.xml:43: the document ends inside <arxiv:anno>, .* a truncated download\?$/);
    expect(await store.countPapers()).toBe(0);
    await store.close();
  });
});
