// Messages per second to a local SMTP sink: Paperboy's delivery run (claim a row, re-check the
// subscriber, fill the holes, send, record) for 2,000 deliveries of a real digest, by number of
// connections; and, in the same run, a bare nodemailer pool sending the same pre-rendered
// message, which is the ceiling.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Subscriber } from '../src/domain/subscriber.js';
import { newId } from '../src/domain/tokens.js';
import { digestMessage } from '../src/jobs/deliver/digest-message.js';
import { toNodemailer } from '../src/mail/compose.js';
import { silentLogger } from '../src/log.js';
import { subscriber } from '../test/contract/fixtures.js';
import { SAMPLE_DATA_DIR } from '../src/paths.js';

const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url));
const SINK = fileURLToPath(new URL('./smtp-sink.ts', import.meta.url));

async function startSink(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', TSX, SINK], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => {
    child.stdout!.on('data', (c: Buffer) => {
      const m = /ready (\d+)/.exec(c.toString());
      if (m) resolve(Number(m[1]));
    });
  });
  return { url: `smtp://127.0.0.1:${port}`, child };
}

async function preparedApp(smtpUrl: string, connections: number, recipients: number) {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-'));
  const app = await createApp(
    loadConfig(
      {
        SMTP_URL: smtpUrl,
        SMTP_CONNECTIONS: String(connections),
        PUBLIC_URL: 'https://papers.example.org',
        MAIL_FROM: 'Paperboy <digest@papers.example.org>',
      },
      dir,
    ),
    { logger: silentLogger },
  );
  const now = app.clock().toISOString();
  // Confirmed the day before: today's 00:00 UTC edition is theirs (a first digest waits for the
  // first send time after confirming).
  const signedUp = new Date(app.clock().getTime() - 86_400_000).toISOString();
  await app.store.saveTopic(
    { slug: 'efficient', name: 'Efficient models', query: 'efficient OR efficiency OR compression' },
    now,
  );
  await app.ingester.ingestFiles([join(SAMPLE_DATA_DIR, 'daily-papers-2024-03-21.txt')]);
  const batch: { subscriber: Subscriber; events: [] }[] = [];
  for (let i = 0; i < recipients; i++) {
    batch.push({
      subscriber: subscriber({
        id: newId('sub'),
        email: `reader${i}@example.org`,
        topics: ['efficient'],
        sendHour: 0,
        createdAt: now,
        updatedAt: now,
        confirmedAt: signedUp,
      }),
      events: [],
    });
  }
  await app.store.saveSubscribers(batch);
  await app.planner.plan(app.clock());
  return { app, dir };
}

async function paperboyRate(smtpUrl: string, connections: number, recipients: number) {
  const { app, dir } = await preparedApp(smtpUrl, connections, recipients);
  try {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const summary = await app.deliverer.run({ maxWaitMs: 0 });
    const rate = summary.sent / ((performance.now() - started) / 1000);
    const cpuUs = cpuMicros(process.cpuUsage(cpu)) / recipients;
    if (summary.sent !== recipients) throw new Error(`sent ${summary.sent} of ${recipients}`);
    const [digest] = await app.store.listDigests({ limit: 1 });
    // The message the ceiling sends: the same digest, rendered for one recipient once.
    const message = toNodemailer(
      digestMessage({
        digest: digest!,
        to: 'reader0@example.org',
        tokenSubject: 'x',
        deliveryId: 'bench',
        topicNames: 'Efficient models',
        config: app.config,
        secret: app.secret,
        date: new Date(),
      }),
    );
    return { rate, cpuUs, message, htmlKb: Buffer.byteLength(digest!.html) / 1024 };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ceiling: a bare nodemailer pool sending one pre-rendered message to every recipient. */
async function ceilingRate(smtpUrl: string, connections: number, recipients: number, message: object) {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: connections,
    maxMessages: 100_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  let next = 0;
  const t0 = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < recipients) {
        const i = next++;
        await transport.sendMail({ ...message, to: `reader${i}@example.org` });
      }
    }),
  );
  const rate = recipients / ((performance.now() - t0) / 1000);
  const cpuUs = cpuMicros(process.cpuUsage(cpu)) / recipients;
  transport.close();
  return { rate, cpuUs };
}

// CPU time of the sending process: steadier than wall time on a shared machine.
const cpuMicros = (u: NodeJS.CpuUsage) => u.user + u.system;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/**
 * Rounds alternate Paperboy and the ceiling, so both see the same machine; ratios are per round.
 * Both use the same pool settings (pool, maxConnections, maxMessages 100,000, no DKIM) and put
 * the same message bytes on the wire.
 */
// 2,000 messages a round is ~10 s at these rates: enough for a steady rate, and three rounds give a median.
export async function benchDelivery(recipients = 2000, connectionCounts = [1, 4], rounds = 3) {
  const sink = await startSink();
  const rows: {
    connections: number;
    paperboy: number;
    ceiling: number;
    ratios: number[];
    cpuPaperboy: number;
    cpuCeiling: number;
    htmlKb: number;
  }[] = [];
  try {
    // Unmeasured: the first round in the process would otherwise pay for compiling nodemailer's
    // sending path, and only Paperboy's side would pay it (it runs first in every round).
    const warm = await paperboyRate(sink.url, connectionCounts[0] ?? 1, 300);
    await ceilingRate(sink.url, connectionCounts[0] ?? 1, 300, warm.message);
    for (const connections of connectionCounts) {
      const ours: number[] = [];
      const bare: number[] = [];
      const oursCpu: number[] = [];
      const bareCpu: number[] = [];
      let htmlKb = 0;
      for (let round = 0; round < rounds; round++) {
        const p = await paperboyRate(sink.url, connections, recipients);
        htmlKb = p.htmlKb;
        ours.push(p.rate);
        oursCpu.push(p.cpuUs);
        const c = await ceilingRate(sink.url, connections, recipients, p.message);
        bare.push(c.rate);
        bareCpu.push(c.cpuUs);
      }
      rows.push({
        connections,
        paperboy: median(ours),
        ceiling: median(bare),
        ratios: ours.map((o, i) => o / bare[i]!),
        cpuPaperboy: median(oursCpu),
        cpuCeiling: median(bareCpu),
        htmlKb,
      });
    }
  } finally {
    sink.child.kill('SIGTERM');
  }
  return rows;
}

export function printDelivery(rows: Awaited<ReturnType<typeof benchDelivery>>, recipients = 2000): void {
  console.log(
    `delivery of ${recipients} digests (${rows[0]?.htmlKb.toFixed(0)} KB HTML each) to a local SMTP sink in another process:`,
  );
  for (const r of rows) {
    const pct = r.ratios.map((x) => `${(x * 100).toFixed(0)} %`).join(', ');
    console.log(
      `  ${r.connections} connection(s): Paperboy median ${r.paperboy.toFixed(0)} msg/s, bare nodemailer median ${r.ceiling.toFixed(0)} msg/s; ratio per round ${pct}; ` +
        `CPU per message ${r.cpuPaperboy.toFixed(0)} µs vs ${r.cpuCeiling.toFixed(0)} µs (${((r.cpuCeiling / r.cpuPaperboy) * 100).toFixed(0)} %)`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printDelivery(await benchDelivery());
