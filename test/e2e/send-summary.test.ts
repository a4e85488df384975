import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paperboy, paperboyAsync } from '../helpers/cli.js';
import { closeLater, confirmedYesterday } from '../helpers/delivery.js';
import { SAMPLE_PAGE, testApp } from '../helpers/env.js';
import { startSmtpSink, type SinkOptions } from '../helpers/smtp-sink.js';
import { TOPICS } from '../helpers/web.js';

/** A store with two readers of nas whose daily digest is due at 00:00 UTC, and the env to run the CLI on it. */
async function twoReaders(sinkOptions: SinkOptions = {}, extraEnv: Record<string, string> = {}) {
  const sink = await closeLater(await startSmtpSink(sinkOptions));
  const env = {
    SMTP_URL: sink.url,
    PAPERBOY_SECRET: 'send-summary-secret-0123456789abcdefgh',
    PUBLIC_URL: 'https://papers.example.org',
    MAIL_FROM: 'Paperboy <digest@papers.example.org>',
    ...extraEnv,
  };
  const app = await testApp({ env });
  await app.store.saveTopic(TOPICS[0]!, new Date().toISOString());
  await app.ingester.ingestFiles([SAMPLE_PAGE]);
  for (const email of ['ada@example.org', 'bob@example.org'])
    await confirmedYesterday(app, { email, topics: ['nas'], hour: 0 });
  return { sink, env, cwd: dirname(app.config.dataDir) };
}

/** An instant `ms` from now, to the second, as `send --at` takes it. */
const fromNow = (ms: number) => new Date(Math.floor((Date.now() + ms) / 1000) * 1000);
const shown = (d: Date) => d.toISOString().replace('.000Z', 'Z');

describe('paperboy send: the summary of what is left', () => {
  it('reports rows planned ahead as due later, with the first time, not as waiting for a retry', async () => {
    const { sink, env, cwd } = await twoReaders();
    const at = fromNow(3_600_000);
    const run = await paperboyAsync(cwd, ['send', '--at', at.toISOString(), '--wait', '0'], env);
    expect(run.stderr).not.toMatch(/paperboy:/);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`sent 0, failed 0, skipped 0, suppressed 0, 2 due later (first at ${shown(at)})\n`);
    expect(sink.messages).toHaveLength(0);
  });

  it('reports rows a relay deferred as waiting for retry, with the next time', async () => {
    const greylisted = { code: 451, text: '4.7.1 Greylisted, please try again later' };
    const { sink, env, cwd } = await twoReaders(
      { rcpt: (to, n) => (to === 'bob@example.org' && n === 1 ? greylisted : undefined) },
      { DELIVERY_BACKOFF_MS: '600000' },
    );
    const before = Date.now();
    const run = await paperboyAsync(cwd, ['send', '--wait', '0'], env);
    expect(run.stderr).not.toMatch(/paperboy:/);
    expect(run.status).toBe(0);
    const line = /^sent 1, failed 0, skipped 0, suppressed 0, waiting for retry 1 \(next at (\S+)\)\n$/.exec(
      run.stdout,
    );
    expect(line, run.stdout).not.toBeNull();
    // The first retry waits DELIVERY_BACKOFF_MS, ±25 %.
    const next = Date.parse(line![1]!);
    expect(next).toBeGreaterThanOrEqual(before + 450_000 - 1_000);
    expect(next).toBeLessThanOrEqual(Date.now() + 750_000);
    const rows = JSON.parse(paperboy(cwd, ['deliveries', 'list', '--status', 'pending', '--json'], env).stdout) as {
      email: string;
      nextAttemptAt: string;
    }[];
    expect(rows.map((r) => [r.email, r.nextAttemptAt.replace(/\.\d+Z$/, 'Z')])).toEqual([
      ['bob@example.org', line![1]],
    ]);
    expect([...sink.countsByRecipient()]).toEqual([['ada@example.org', 1]]);
  });
});
