import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { SAMPLE_PAGE, testApp } from '../helpers/env.js';
import { freshSchema } from '../helpers/postgres.js';
import { postgresAvailable } from '../helpers/system.js';
import { closeLater, confirmedYesterday } from '../helpers/delivery.js';
import { NODE_ARGS, paperboy, paperboyAsync } from '../helpers/cli.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { TOPICS } from '../helpers/web.js';

const RECIPIENTS = 300;

function killedMidRun(engineEnv: () => Record<string, string>) {
  it('loses no pending delivery and sends nothing twice after a restart', async () => {
    const sink = await closeLater(await startSmtpSink({ delayMs: 3 }));
    const env = {
      ...engineEnv(),
      SMTP_URL: sink.url,
      SMTP_CONNECTIONS: '2',
      PAPERBOY_SECRET: 'crash-test-secret-0123456789abcdefgh',
      PUBLIC_URL: 'https://papers.example.org',
      MAIL_FROM: 'Paperboy <digest@papers.example.org>',
    };
    // Set up the store the child processes will use: papers, a topic, confirmed subscribers.
    const app = await testApp({ env });
    const cwd = dirname(app.config.dataDir);
    await app.store.saveTopic(TOPICS[0]!, new Date().toISOString());
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    for (let i = 0; i < RECIPIENTS; i++) {
      await confirmedYesterday(app, { email: `r${i}@example.org`, topics: ['nas'], hour: 0 });
    }
    await app.close();

    // First run: killed with SIGKILL once a third of the recipients have their digest.
    const child = spawn(process.execPath, [...NODE_ARGS, 'send', '--wait', '0'], {
      cwd,
      env: { PATH: process.env.PATH, ...env },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await expect
      .poll(() => sink.messages.length, { timeout: 30_000, interval: 5 })
      .toBeGreaterThanOrEqual(RECIPIENTS / 3);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const beforeRestart = sink.messages.length;
    expect(beforeRestart).toBeLessThan(RECIPIENTS);

    // Restart: the run completes.
    const second = await paperboyAsync(cwd, ['send', '--wait', '0'], env);
    expect(second.stderr).not.toMatch(/paperboy:/);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/^sent \d+, failed 0, skipped 0, suppressed 0/);

    const rows = JSON.parse(paperboy(cwd, ['deliveries', 'list', '--json', '--limit', '1000'], env).stdout) as {
      email: string;
      status: string;
      errorKind: string | null;
    }[];
    expect(rows).toHaveLength(RECIPIENTS);
    const counts = sink.countsByRecipient();
    const held = rows.filter((r) => r.status === 'failed' && r.errorKind === 'interrupted');
    // Crash policy: only the rows caught in `sending` are held (at most one claim and one per
    // connection: the sends accepted since the last claim are among them), and each of those got
    // the message at most once; every other recipient got it exactly once.
    const { claimBatch } = loadConfig(env).delivery;
    expect(held.length).toBeLessThanOrEqual(claimBatch + 2 - 1);
    for (const r of rows) {
      if (held.includes(r)) expect(counts.get(r.email) ?? 0).toBeLessThanOrEqual(1);
      else {
        expect(r.status).toBe('sent');
        expect(counts.get(r.email), r.email).toBe(1);
      }
    }
    expect(Math.max(...counts.values())).toBe(1);
    if (held.length > 0)
      expect(second.stdout).toContain(`interrupted ${held.length} (held: paperboy deliveries retry --interrupted)`);
  });
}

describe('kill -9 in the middle of a run', { timeout: 60_000 }, () => {
  describe('SQLite', () => killedMidRun(() => ({})));
  describe.skipIf(!postgresAvailable())('PostgreSQL', () => killedMidRun(() => freshSchema().env));
});
