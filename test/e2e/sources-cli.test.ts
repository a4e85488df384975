import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paperboyAsync } from '../helpers/cli.js';
import { tempDir } from '../helpers/env.js';
import { startFixtureServer } from '../helpers/http-fixtures.js';

// The fixture server lives in this process: the CLI runs as a child without blocking it.
// Each CLI run is a process start (~1-3 s on a loaded machine): these tests run ten of them.
describe('paperboy ingest <url> and paperboy sources', { timeout: 180_000 }, () => {
  it('ingests URLs and files together, and refuses the whole batch when one URL answers garbage', async () => {
    const server = await startFixtureServer();
    server.route('/daily', { fixture: 'hf-daily-2024-03-21.json', type: 'application/json' });
    server.route('/lab.atom', { fixture: 'feed-lab.atom.xml' });
    server.route('/broken', { fixture: 'arxiv-rss-truncated.xml' });
    const cwd = tempDir();
    const ok = await paperboyAsync(cwd, ['ingest', server.url('/daily'), server.url('/lab.atom')]);
    expect(ok.stderr).not.toMatch(/paperboy:/);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`${server.url('/daily')}: 3 papers; ${server.url('/lab.atom')}: 2 papers`);
    expect(ok.stdout).toContain('added 4, updated 1, unchanged 0');
    expect(server.requests[0]?.headers['user-agent']).toMatch(/^Paperboy\/0\.1 \(/);

    const bad = await paperboyAsync(cwd, ['ingest', server.url('/lab.atom'), server.url('/broken')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(
      /^paperboy: http:\/\/127\.0\.0\.1:\d+\/broken:43: the document ends inside <arxiv:anno>/,
    );
    const papers = await paperboyAsync(cwd, ['papers', '--json']);
    expect(JSON.parse(papers.stdout)).toHaveLength(4);
  });

  it('refuses a download over SOURCE_MAX_BYTES after one request, with one line', async () => {
    const server = await startFixtureServer();
    server.route('/huge.xml', { streamBytes: 600 * 1024 * 1024 });
    const cwd = tempDir();
    const run = await paperboyAsync(cwd, ['ingest', server.url('/huge.xml')], { SOURCE_MAX_BYTES: '1048576' });
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('paperboy:'))).toEqual([
      `paperboy: ${server.url('/huge.xml')}: the answer is 600 MB, more than the 1 MB limit: not downloaded (raise SOURCE_MAX_BYTES to accept it)`,
    ]);
    expect(server.requestsTo('/huge.xml')).toHaveLength(1);
  });

  it('adds, lists with health, runs and removes sources; names a bad sources file by line and field', async () => {
    const server = await startFixtureServer();
    server.route('/rss/cs.LG', { fixture: 'arxiv-rss-cs-lg.xml' });
    server.route('/down', { status: 404, body: 'gone' });
    const cwd = tempDir();
    const env = { SOURCES_FILE: join(cwd, 'sources.json'), FETCH_RETRIES: '0' };
    expect((await paperboyAsync(cwd, ['sources'], env)).stdout).toMatch(/^no sources configured/);
    const add = await paperboyAsync(
      cwd,
      ['sources', 'add', 'cs-lg', '--format', 'arxiv-rss', '--url', server.url('/rss/cs.LG'), '--cron', '0 6 * * 1-5'],
      env,
    );
    expect(add.stdout).toBe(`added cs-lg in ${env.SOURCES_FILE}\n`);
    await paperboyAsync(
      cwd,
      ['sources', 'add', 'gone', '--format', 'rss', '--url', server.url('/down'), '--cron', '0 6 * * *'],
      env,
    );
    const badAdd = await paperboyAsync(cwd, ['sources', 'add', 'x', '--format', 'rss', '--cron', 'often'], env);
    expect(badAdd.status).toBe(1);
    expect(badAdd.stderr).toMatch(/^paperboy: cron: not a valid cron expression/);

    const list = await paperboyAsync(cwd, ['sources'], env);
    expect(list.stdout.split('\n')[0]).toMatch(
      /^cs-lg\tnever-run\tarxiv-rss\tlast success -\tseen 0\tnew 0\t0 6 \* \* 1-5\t/,
    );
    const run = await paperboyAsync(cwd, ['sources', 'run', '--force'], env);
    expect(run.status).toBe(2);
    // The recorded feed is from March 2024: fetched today, its papers are stored but it is stale.
    expect(run.stdout).toMatch(
      /^cs-lg\tstale\tseen 4, added 4, updated 0\tnewest paper is from 2024-03-21T04:00:00.000Z, more than 96 h ago\ngone\tfailed\tseen 0, added 0, updated 0\t.*\/down: HTTP 404\n$/,
    );
    const after = await paperboyAsync(cwd, ['sources', '--json'], env);
    expect(after.status).toBe(3);
    const health = JSON.parse(after.stdout) as { name: string; status: string; itemsSeen: number }[];
    expect(health.map((h) => [h.name, h.status, h.itemsSeen])).toEqual([
      ['cs-lg', 'stale', 4],
      ['gone', 'failed', 0],
    ]);
    expect((await paperboyAsync(cwd, ['sources', 'remove', 'gone'], env)).stdout).toBe('removed gone\n');
    expect((await paperboyAsync(cwd, ['sources', 'remove', 'gone'], env)).status).toBe(1);

    writeFileSync(
      env.SOURCES_FILE,
      '{\n  "sources": [\n    { "name": "a", "format": "rss", "url": "ftp://x", "cron": "0 6 * * *" }\n  ]\n}\n',
    );
    const broken = await paperboyAsync(cwd, ['sources'], env);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/^paperboy: .*sources\.json:3: source 1: .* \(field url\)\n$/);
  });
});
