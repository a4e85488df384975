import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { FIXTURES, SAMPLE_PAGE, fixedClock, tempDir, testApp } from '../helpers/env.js';

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
    expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
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
      JSON.stringify({ papers: [{ title: 'A Paper', abstract: 'Revised.', arxivId: '2403.00001v2', authors: ['Ada'] }] }),
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

  it('names a missing file', async () => {
    const app = await testApp();
    await expect(app.ingester.ingestFiles(['/nonexistent/papers.txt'])).rejects.toThrow(
      '/nonexistent/papers.txt: cannot read: no such file',
    );
  });
});

describe('the full-text index', () => {
  it('stays in step with the papers: added, changed twice in one batch, changed in a later one', async () => {
    const app = await testApp();
    const dir = tempDir();
    const one = join(dir, 'one.json');
    const two = join(dir, 'two.json');
    writeFileSync(one, JSON.stringify({ papers: [
      { title: 'Quantum kettles', abstract: 'Boiling water, slowly.', arxivId: '2403.00001v1' },
      { title: 'Quantum kettles', abstract: 'Boiling water with qubits.', arxivId: '2403.00001v2' },
      { title: 'Loud toasters', abstract: 'Bread and noise.' },
    ] }));
    writeFileSync(two, JSON.stringify({ papers: [{ title: 'Quantum kettles', abstract: 'Tea, finally.', arxivId: '2403.00001v3' }] }));
    await app.ingester.ingestFiles([one]);
    expect((await app.store.searchPapers('qubits', 10)).map((p) => p.id)).toEqual(['arxiv:2403.00001']);
    expect(await app.store.searchPapers('slowly', 10)).toEqual([]);
    await app.ingester.ingestFiles([two]);
    expect(await app.store.searchPapers('qubits', 10)).toEqual([]);
    expect((await app.store.searchPapers('TEA', 10)).map((p) => p.title)).toEqual(['Quantum kettles']);
    expect((await app.store.searchPapers('toasters', 10)).map((p) => p.title)).toEqual(['Loud toasters']);
    // Words only: FTS operators typed by a user are not operators.
    expect(await app.store.searchPapers('NOT AND (', 10)).toEqual([]);
    const path = app.config.database.kind === 'sqlite' ? app.config.database.path : '';
    const db = new Database(path);
    expect(() => db.exec("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)")).not.toThrow();
    db.close();
  });
});
