import { dirname } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { paperboyAsync } from '../helpers/cli.js';
import { SAMPLE_PAGE, testApp } from '../helpers/env.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { TOPICS } from '../helpers/web.js';
import { confirmedYesterday } from '../helpers/delivery.js';

describe('structured logs', () => {
  it('give one JSON line per job with its counts and duration, and nothing secret', async () => {
    const sink = await startSmtpSink();
    onTestFinished(() => sink.close());
    const secret = 'log-test-secret-0123456789abcdefghij';
    const env = {
      SMTP_URL: sink.url,
      PAPERBOY_SECRET: secret,
      ADMIN_TOKEN: 'admin-token-for-logs-0123456789',
      PUBLIC_URL: 'https://papers.example.org',
    };
    const app = await testApp({ env });
    await app.store.saveTopic(TOPICS[0]!, new Date().toISOString());
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    for (const email of ['a@example.org', 'b@example.org']) {
      await confirmedYesterday(app, { email, topics: ['nas'], hour: 0 });
    }
    await app.close();

    const run = await paperboyAsync(dirname(app.config.dataDir), ['send', '--wait', '0'], env);
    expect(run.status).toBe(0);
    const lines = run.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const jobs = lines.filter((l) => l.job);
    expect(jobs.map((l) => [l.msg, l.level])).toEqual([
      ['plan done', 'info'],
      ['deliver done', 'info'],
    ]);
    expect(jobs[0]).toMatchObject({ planned: 2, due: 2, groups: 1 });
    expect(jobs[1]).toMatchObject({ sent: 2, failed: 0, skipped: 0 });
    for (const l of jobs) {
      expect(typeof l.duration_ms).toBe('number');
      expect(new Date(l.time as string).toISOString()).toBe(l.time);
    }
    for (const s of [secret, env.ADMIN_TOKEN]) expect(run.stderr).not.toContain(s);
  });
});
