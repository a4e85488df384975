import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { normalisePaperInput } from '../../src/domain/paper.js';
import { parseDailyPage } from '../../src/ingest/daily-page.js';
import { FIXTURES, SAMPLE_PAGE, fixedClock, tempDir, testApp } from '../helpers/env.js';
import { fixtureBytes, startFixtureServer } from '../helpers/http-fixtures.js';

describe('ingest into a real SQLite file', () => {
  it('stores the sample page once: a second ingest changes nothing', async () => {
    const clock = fixedClock('2026-11-25T06:00:00Z');
    const app = await testApp({ clock });
    expect(await app.ingester.ingestFiles([SAMPLE_PAGE])).toMatchObject({ added: 103, updated: 0, unchanged: 0 });
    clock.set('2026-11-26T06:00:00Z');
    expect(await app.ingester.ingestFiles([SAMPLE_PAGE])).toMatchObject({ added: 0, updated: 0, unchanged: 103 });
    const papers = await app.store.listPapers({});
    expect(papers).toHaveLength(103);
    expect(papers.every((p) => p.firstSeenAt === '2026-11-25T06:00:00.000Z')).toBe(true);
  });

  it("dates a paper first seen in an arXiv replacement, and takes arXiv's earlier v1 date when it comes", async () => {
    const app = await testApp({ clock: fixedClock('2024-03-21T09:00:00Z') });
    await app.ingester.ingestFiles([`${FIXTURES}sources/arxiv-rss-cs-lg.xml`]);
    const [replaced] = await app.store.getPapers(['arxiv:2403.12345']);
    expect(replaced).toMatchObject({ version: 3, publishedAt: '2024-03-21T04:00:00.000Z' });
    // The API page has v2 (older than the stored v3) published on 18 March: the text stays v3's.
    await app.ingester.ingestFiles([`${FIXTURES}sources/arxiv-api-page1.xml`]);
    const [dated] = await app.store.getPapers(['arxiv:2403.12345']);
    expect(dated).toMatchObject({ version: 3, title: replaced?.title, publishedAt: '2024-03-18T09:12:41.000Z' });
  });

  it('uses WAL and records the schema version in the file', async () => {
    const app = await testApp();
    await app.store.countPapers();
    const path = app.config.database.kind === 'sqlite' ? app.config.database.path : '';
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('updates a changed paper in place and keeps its first-seen time', async () => {
    const clock = fixedClock('2026-11-25T06:00:00Z');
    const app = await testApp({ clock });
    const dir = tempDir();
    const v1 = join(dir, 'v1.json');
    const v2 = join(dir, 'v2.json');
    writeFileSync(v1, JSON.stringify({ papers: [{ title: 'A Paper', abstract: 'First.', arxivId: '2403.00001v1' }] }));
    writeFileSync(
      v2,
      JSON.stringify({
        papers: [{ title: 'A Paper', abstract: 'Revised.', arxivId: '2403.00001v2', authors: ['Ada'] }],
      }),
    );
    await app.ingester.ingestFiles([v1]);
    clock.set('2026-11-26T06:00:00Z');
    expect(await app.ingester.ingestFiles([v2])).toMatchObject({ added: 0, updated: 1, unchanged: 0 });
    expect(await app.ingester.ingestFiles([v1])).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
    const [stored] = await app.store.getPapers(['arxiv:2403.00001']);
    expect(stored).toMatchObject({
      abstract: 'Revised.',
      version: 2,
      authors: ['Ada'],
      firstSeenAt: '2026-11-25T06:00:00.000Z',
      updatedAt: '2026-11-26T06:00:00.000Z',
    });
  });

  it('stores nothing when any file of the batch is malformed, and names file and line', async () => {
    const app = await testApp();
    const dir = tempDir();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '[\n  {"title": "ok"},\n  {"title": ""}\n]\n');
    await expect(app.ingester.ingestFiles([SAMPLE_PAGE, bad])).rejects.toThrow(
      `${bad}:3: paper 2: must not be empty (field title)`,
    );
    expect(await app.store.countPapers()).toBe(0);
  });

  it('reads a Latin-1 source as declared: in its XML declaration, or in the charset of the server', async () => {
    const app = await testApp();
    const title = 'Schrödinger Bridges for Naïve Bayes: ±1 Bit of µ-Calculus';
    const server = await startFixtureServer();
    // The same Latin-1 bytes without their declaration: only the server's charset says what they are.
    const undeclared = Buffer.from(
      fixtureBytes('feed-latin1.rss.xml')
        .toString('latin1')
        .replace(/^<\?xml[^>]*>\n/, ''),
      'latin1',
    );
    server.route('/lab.rss', { bytes: undeclared, type: 'application/rss+xml; charset=ISO-8859-1' });
    const report = await app.ingester.ingestFiles([`${FIXTURES}sources/feed-latin1.rss.xml`, server.url('/lab.rss')]);
    expect(report.files.map((f) => f.warnings)).toEqual([[], []]);
    const papers = await app.store.listPapers({});
    expect(papers.map((p) => [p.title, p.authors])).toEqual([[title, ['Jürgen Müller']]]);
    expect(papers[0]?.abstract).toContain('Müller and Øster, with 2×2 grids at 40 °C');
  });

  it('stores a file that is not UTF-8, and says how many characters were replaced and where, in the report and the run', async () => {
    const app = await testApp();
    const file = join(tempDir(), 'page-latin1.txt');
    writeFileSync(
      file,
      Buffer.from(
        readFileSync(`${FIXTURES}sources/daily-page.txt`, 'utf8').replace(
          'Quiet Reasoning',
          'Quiet Reasoning à la Zürich',
        ),
        'latin1',
      ),
    );
    const report = await app.ingester.ingestFiles([file]);
    const warning = `${file}: 2 characters could not be read as UTF-8 and became "\uFFFD", the first at line 11, column 17 (an encoding the source does not declare?)`;
    expect(report.files[0]?.warnings).toEqual([warning]);
    const [run] = await app.store.listRuns({ limit: 1 });
    expect(run).toMatchObject({
      job: 'ingest',
      outcome: 'ok',
      source: file,
      detail: { warnings: [warning], warningCount: 1 },
    });
    expect((await app.store.listPapers({})).map((p) => p.title)).toContain(
      'Quiet Reasoning \uFFFD la Z\uFFFDrich: Language Models Can Teach Themselves to Think Before Speaking',
    );
  });

  it('stores only the certain papers of a page with a lost abstract and a stray line, and records the lines it left out', async () => {
    const app = await testApp();
    const real = readFileSync(SAMPLE_PAGE, 'utf8');
    const truth = new Map(
      parseDailyPage(real, 'x')
        .papers.map(normalisePaperInput)
        .map((p) => [p.title, p.abstract]),
    );
    const lines = real.split('\n');
    // The abstract after line 56 (paper 10's) is deleted; a stray line goes before paper 11's abstract.
    const lostTitle = lines[50] as string;
    const edited = [...lines.slice(0, 52), ...lines.slice(54, 56), 'Upvote 42', '', ...lines.slice(56)];
    const file = join(tempDir(), 'edited.txt');
    writeFileSync(file, edited.join('\n'));
    const report = await app.ingester.ingestFiles([file]);
    expect(report).toMatchObject({
      added: 101,
      files: [
        {
          papers: 101,
          warnings: [
            expect.stringMatching(
              new RegExp(`^${file}:51: 3 title lines in a row \\(lines 51, 53, 55\\) before the abstract at line 57`),
            ),
          ],
        },
      ],
    });
    const stored = await app.store.listPapers({});
    expect(stored).toHaveLength(101);
    for (const p of stored) expect(p.abstract, p.title).toBe(truth.get(p.title));
    expect(stored.map((p) => p.title)).not.toContain(lostTitle);
    const [run] = await app.store.listRuns({ limit: 1 });
    expect(run?.detail).toMatchObject({ papers: 101, warningCount: 1 });
  });

  it('refuses a file over SOURCE_MAX_BYTES without reading it', async () => {
    const app = await testApp({ env: { SOURCE_MAX_BYTES: '2048' } });
    await expect(app.ingester.ingestFiles([SAMPLE_PAGE])).rejects.toThrow(
      `${SAMPLE_PAGE}: the file is 172 KB, more than the 2 KB limit: not read (raise SOURCE_MAX_BYTES to accept it)`,
    );
    expect(await app.store.countPapers()).toBe(0);
  });

  it('records a failed ingest with its error as one line of bounded length, without control characters', async () => {
    const app = await testApp();
    const missing = `/nonexistent/${'deeper/'.repeat(400)}\u001b[2Jpapers\n.txt`;
    await expect(app.ingester.ingestFiles([missing])).rejects.toThrow('cannot read: no such file');
    const [run] = await app.store.listRuns({ limit: 1 });
    const error = run?.detail?.error as string;
    expect(error.length).toBeLessThanOrEqual(300);
    expect(error).toMatch(/^\/nonexistent\/deeper\/deeper\/.*….*deeper\/\[2Jpapers \.txt: cannot read: no such file$/);
  });

  it('names a missing file', async () => {
    const app = await testApp();
    await expect(app.ingester.ingestFiles(['/nonexistent/papers.txt'])).rejects.toThrow(
      '/nonexistent/papers.txt: cannot read: no such file',
    );
  });
});

describe('papers seen again', () => {
  it('take their newest version: changed twice in one batch, changed in a later one', async () => {
    const app = await testApp();
    const dir = tempDir();
    const one = join(dir, 'one.json');
    const two = join(dir, 'two.json');
    writeFileSync(
      one,
      JSON.stringify({
        papers: [
          { title: 'Quantum kettles', abstract: 'Boiling water, slowly.', arxivId: '2403.00001v1' },
          { title: 'Quantum kettles', abstract: 'Boiling water with qubits.', arxivId: '2403.00001v2' },
          { title: 'Loud toasters', abstract: 'Bread and noise.' },
        ],
      }),
    );
    writeFileSync(
      two,
      JSON.stringify({ papers: [{ title: 'Quantum kettles', abstract: 'Tea, finally.', arxivId: '2403.00001v3' }] }),
    );
    const abstracts = async () => (await app.store.listPapers({})).map((p) => [p.title, p.abstract, p.version]);
    await app.ingester.ingestFiles([one]);
    expect(await abstracts()).toEqual([
      ['Quantum kettles', 'Boiling water with qubits.', 2],
      ['Loud toasters', 'Bread and noise.', null],
    ]);
    await app.ingester.ingestFiles([two]);
    expect(await abstracts()).toEqual([
      ['Quantum kettles', 'Tea, finally.', 3],
      ['Loud toasters', 'Bread and noise.', null],
    ]);
  });
});
