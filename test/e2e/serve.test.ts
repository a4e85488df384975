import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/env.js';
import { paperboy, startServe } from '../helpers/cli.js';

describe('paperboy serve on the embedded defaults', () => {
  it('creates the store, loads the sample papers, serves feeds and digests, and stops cleanly on SIGTERM', async () => {
    const cwd = tempDir();
    const serve = startServe(cwd, { DIGEST_HOUR_UTC: '0' });
    try {
      const { base, line } = await serve.ready;
      expect(line).toMatch(
        /Paperboy is serving http:\/\/127\.0\.0\.1:\d+: open .*emails are written to .*data\/outbox\//,
      );
      expect(existsSync(join(cwd, 'data', 'paperboy.db'))).toBe(true);

      const feed = await fetch(`${base}/feed.xml`);
      expect(feed.status).toBe(200);
      expect((await feed.text()).match(/<item>/g)).toHaveLength(50);

      const home = await (await fetch(`${base}/`)).text();
      expect(home).toContain('103 papers');
      expect(home).toContain('href="/topics/nas"');

      // With the send hour passed, the daily job freezes today's topic digests right after start.
      let digestLink: string | undefined;
      for (let i = 0; i < 50 && !digestLink; i++) {
        digestLink = /href="(\/digests\/[\w-]+)"/.exec(await (await fetch(`${base}/topics/nas`)).text())?.[1];
        if (!digestLink) await new Promise((r) => setTimeout(r, 200));
      }
      expect(digestLink).toBeDefined();
      const digest = await fetch(`${base}${digestLink}`);
      expect(digest.status).toBe(200);
      expect(await digest.text()).toContain('Neural Architecture Search');

      const health = (await (await fetch(`${base}/healthz`)).json()) as { jobs: { name: string; nextRun: string }[] };
      expect(health.jobs[0]).toMatchObject({
        name: 'daily-digests',
        nextRun: expect.stringMatching(/T00:00:00\.000Z$/),
      });
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited).toBe(0);
    expect(
      serve
        .log()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    ).toContainEqual(expect.objectContaining({ msg: 'stopping', signal: 'SIGTERM' }));
    // Nothing is sent without subscribers: the outbox stays empty.
    expect(existsSync(join(cwd, 'data', 'outbox')) ? readdirSync(join(cwd, 'data', 'outbox')) : []).toEqual([]);

    // A second start finds the store as it was: no second copy of the sample papers.
    expect(paperboy(cwd, ['papers']).stderr).toContain('103 papers');
  });
});
