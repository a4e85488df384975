// Paperboy's delivery against the limit of SMTP on this machine, in one run: Postfix's C client
// `smtp-source` and Paperboy's delivery run (claim, re-check the subscriber and the suppression
// list, sign links, fill the edition's email, send, record) each send 2,000 messages of the same
// size into Postfix's `smtp-sink` on loopback, over 1 and then 4 connections, in alternating rounds.
// With BENCH_BEFORE=<a checkout of an earlier tree> that tree's delivery run is measured in the
// same rounds, for the ratio to it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Subscriber } from '../src/domain/subscriber.js';
import { newId } from '../src/domain/tokens.js';
import { digestMessage, digestWireMessage, digestWireTemplate } from '../src/jobs/deliver/digest-message.js';
import { silentLogger } from '../src/log.js';
import { composeEml } from '../src/mail/compose.js';
import { SAMPLE_DATA_DIR } from '../src/paths.js';
import { subscriber } from '../test/contract/fixtures.js';
import { freePortNumber } from './ports.js';
import { findPostfix, type Postfix, processCpuUs, smtpSource, startPostfixSink } from './postfix.js';

type AppModule = typeof import('../src/app.js');
type ConfigModule = typeof import('../src/config.js');

interface Tree {
  name: string;
  root: string;
  app: AppModule;
  config: ConfigModule;
}

async function tree(name: string, root: string): Promise<Tree> {
  const at = (p: string) => pathToFileURL(join(root, p)).href;
  return { name, root, app: await import(at('src/app.ts')), config: await import(at('src/config.ts')) };
}

/** The settings of every delivery run of the bench, in this process or another. */
const settings = (smtpUrl: string, connections: number): Record<string, string> => ({
  SMTP_URL: smtpUrl,
  SMTP_CONNECTIONS: String(connections),
  PUBLIC_URL: 'https://papers.example.org',
  MAIL_FROM: 'Paperboy <digest@papers.example.org>',
  // Unset: the default for SQLite.
  ...(process.env.DELIVERY_CLAIM_BATCH ? { DELIVERY_CLAIM_BATCH: process.env.DELIVERY_CLAIM_BATCH } : {}),
});

async function preparedApp(t: Tree, smtpUrl: string, connections: number, recipients: number) {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-'));
  const app = await t.app.createApp(t.config.loadConfig(settings(smtpUrl, connections), dir), {
    logger: silentLogger,
  });
  const now = app.clock().toISOString();
  // Confirmed the day before: today's 00:00 UTC edition is theirs.
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

/** One delivery run of `recipients` messages: msg/s from its start to its end, CPU of this process per message. */
async function paperboyRate(t: Tree, smtpUrl: string, connections: number, recipients: number) {
  const { app, dir } = await preparedApp(t, smtpUrl, connections, recipients);
  try {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const summary = await app.deliverer.run({ maxWaitMs: 0 });
    const rate = summary.sent / ((performance.now() - started) / 1000);
    const used = process.cpuUsage(cpu);
    if (summary.sent !== recipients) throw new Error(`${t.name}: sent ${summary.sent} of ${recipients}`);
    return { rate, cpuUs: (used.user + used.system) / recipients };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const PROCESS = fileURLToPath(new URL('./delivery-process.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url));

/**
 * One delivery of `recipients` messages by `processes` processes of `connections` connections each
 * on one SQLite store (bench/delivery-process.ts), as `paperboy send` run more than once: msg/s
 * from "go" to the last one's end, their CPU per message. Each first sends a small warm-up store
 * (shared), so that what is timed runs compiled, as in the single-process run.
 */
async function paperboyProcesses(t: Tree, smtpUrl: string, processes: number, connections: number, recipients: number) {
  const main = await preparedApp(t, smtpUrl, connections, recipients);
  await main.app.close();
  const warm = await preparedApp(t, smtpUrl, connections, 1000 * processes);
  await warm.app.close();
  const children: ChildProcess[] = [];
  try {
    const env = { PATH: process.env.PATH ?? '', BENCH_PROCESS_TREE: t.root, ...settings(smtpUrl, connections) };
    const outputs = await Promise.all(
      Array.from({ length: processes }, async () => {
        const child = spawn(process.execPath, ['--import', TSX, PROCESS, main.dir, warm.dir], {
          env,
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        children.push(child);
        const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
        const ready = await lines.next();
        if (ready.value !== 'ready') throw new Error(`a sending process did not start (${ready.value})`);
        return { child, lines };
      }),
    );
    const started = Date.now();
    for (const o of outputs) o.child.stdin!.write('go\n');
    const results = await Promise.all(
      outputs.map(
        async (o) => JSON.parse((await o.lines.next()).value) as { sent: number; cpuUs: number; end: number },
      ),
    );
    const sent = results.reduce((n, r) => n + r.sent, 0);
    if (sent !== recipients) throw new Error(`${processes} processes: sent ${sent} of ${recipients}`);
    const seconds = (Math.max(...results.map((r) => r.end)) - started) / 1000;
    return { rate: sent / seconds, cpuUs: results.reduce((n, r) => n + r.cpuUs, 0) / recipients };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
    rmSync(main.dir, { recursive: true, force: true });
    rmSync(warm.dir, { recursive: true, force: true });
  }
}

/** The sizes of one recipient's digest email: composed by nodemailer (all base64), and built once (per relay). */
async function messageSizes(t: Tree, smtpUrl: string) {
  const { app, dir } = await preparedApp(t, smtpUrl, 1, 1);
  try {
    const [digest] = await app.store.listDigests({ limit: 1 });
    const recipient = {
      to: 'reader0@example.org',
      tokenSubject: 'sub_x',
      deliveryId: 'dlv_bench',
      config: app.config,
      secret: app.secret,
      date: new Date(),
    };
    const composed = await composeEml(digestMessage({ ...recipient, digest: digest!, topicNames: 'Efficient models' }));
    const built = (relayTakes8bit: boolean) => {
      const template = digestWireTemplate({
        digest: digest!,
        layout: 'full',
        topicNames: 'Efficient models',
        mailFrom: app.config.mailFrom,
        relayTakes8bit,
      });
      return { bytes: digestWireMessage(template, recipient).bytes.length, encodings: template.encodings };
    };
    return { composed: composed.length, eightBit: built(true), encoded: built(false) };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

interface Row {
  connections: number;
  limit: { rate: number; cpuUs: number };
  /** smtp-source with a new connection for every message. */
  reconnecting: { rate: number; cpuUs: number };
  paperboy: { rate: number; cpuUs: number };
  before?: { rate: number; cpuUs: number };
  /** Paperboy / smtp-source, per round. */
  shares: number[];
  /** smtp-sink's CPU a message (µs, median of the rounds) while smtp-source and while Paperboy sent into it. */
  sinkUs?: { source: number; paperboy: number };
  /** The same connections shared by two processes (two `paperboy send` on one store). */
  split?: { processes: number; rate: number; cpuUs: number; shares: number[] };
}

/** With 4 connections, also 2 processes of 2: the machine has 2 cores, one event loop uses one. */
const PROCESSES = 2;

export type DeliveryBench = { missing: string } | { rows: Row[]; sizes: Awaited<ReturnType<typeof messageSizes>> };

export async function benchDelivery(
  recipients = 2000,
  connectionCounts = [1, 4],
  rounds = 3,
  beforeRoot = process.env.BENCH_BEFORE,
): Promise<DeliveryBench> {
  const postfix = findPostfix();
  if ('missing' in postfix) return postfix;
  const port = await freePortNumber();
  const sink: ChildProcess = await startPostfixSink(postfix as Postfix, port);
  const smtpUrl = `smtp://127.0.0.1:${port}`;
  try {
    const current = await tree('current', fileURLToPath(new URL('..', import.meta.url)));
    const before = beforeRoot ? await tree('before', resolve(beforeRoot)) : undefined;
    const sizes = await messageSizes(current, smtpUrl);
    // Unmeasured: the first run in the process pays for compiling the sending path.
    await paperboyRate(current, smtpUrl, 1, 300);
    if (before) await paperboyRate(before, smtpUrl, 1, 300);
    const rows: Row[] = [];
    for (const connections of connectionCounts) {
      const limit: Row['limit'][] = [];
      const reconnecting: Row['limit'][] = [];
      const ours: Row['paperboy'][] = [];
      const theirs: Row['paperboy'][] = [];
      const split: Row['paperboy'][] = [];
      const splitting = connections >= 2 * PROCESSES && connections % PROCESSES === 0;
      // smtp-sink's CPU a message in each round, while smtp-source and while Paperboy sent.
      const sinkSource: number[] = [];
      const sinkPaperboy: number[] = [];
      const sinkCpu = async <T>(into: number[], run: () => Promise<T>): Promise<T> => {
        const before = processCpuUs(sink.pid);
        const result = await run();
        const after = processCpuUs(sink.pid);
        if (before !== undefined && after !== undefined) into.push((after - before) / recipients);
        return result;
      };
      for (let round = 0; round < rounds; round++) {
        // The limit at the size Paperboy sends now: its email as the relay takes it (8bit).
        limit.push(
          await sinkCpu(sinkSource, () => smtpSource(postfix, port, connections, recipients, sizes.eightBit.bytes)),
        );
        reconnecting.push(await smtpSource(postfix, port, connections, recipients, sizes.eightBit.bytes, true));
        ours.push(await sinkCpu(sinkPaperboy, () => paperboyRate(current, smtpUrl, connections, recipients)));
        if (splitting)
          split.push(await paperboyProcesses(current, smtpUrl, PROCESSES, connections / PROCESSES, recipients));
        if (before) theirs.push(await paperboyRate(before, smtpUrl, connections, recipients));
        process.stderr.write(
          `  ${connections} connection(s), round ${round + 1}: smtp-source ${limit.at(-1)!.rate.toFixed(0)} msg/s, ` +
            `Paperboy ${ours.at(-1)!.rate.toFixed(0)} msg/s` +
            `${splitting ? `, in ${PROCESSES} processes ${split.at(-1)!.rate.toFixed(0)} msg/s` : ''}` +
            `${before ? `, before ${theirs.at(-1)!.rate.toFixed(0)} msg/s` : ''}\n`,
        );
      }
      const pick = (xs: Row['paperboy'][]) => ({
        rate: median(xs.map((x) => x.rate)),
        cpuUs: median(xs.map((x) => x.cpuUs)),
      });
      rows.push({
        connections,
        limit: pick(limit),
        reconnecting: pick(reconnecting),
        paperboy: pick(ours),
        ...(before ? { before: pick(theirs) } : {}),
        shares: ours.map((o, i) => o.rate / limit[i]!.rate),
        ...(sinkSource.length > 0 && sinkPaperboy.length > 0
          ? { sinkUs: { source: median(sinkSource), paperboy: median(sinkPaperboy) } }
          : {}),
        ...(splitting
          ? {
              split: {
                processes: PROCESSES,
                ...pick(split),
                shares: split.map((o, i) => o.rate / limit[i]!.rate),
              },
            }
          : {}),
      });
    }
    return { rows, sizes };
  } finally {
    sink.kill('SIGTERM');
  }
}

export function printDelivery(result: DeliveryBench, recipients = 2000): void {
  if ('missing' in result) {
    console.log(`delivery against smtp-source: NOT MEASURED, ${result.missing}`);
    return;
  }
  const { sizes } = result;
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `delivery of ${recipients} digests into Postfix smtp-sink on loopback; message ${kb(sizes.composed)} composed by nodemailer (base64 parts), ` +
      `${kb(sizes.eightBit.bytes)} built once for a relay with 8BITMIME (${sizes.eightBit.encodings.join(' + ')}), ` +
      `${kb(sizes.encoded.bytes)} without (${sizes.encoded.encodings.join(' + ')}); smtp-source sends ${kb(sizes.eightBit.bytes)} bodies:`,
  );
  for (const r of result.rows) {
    const shares = r.shares.map((x) => x.toFixed(2)).join(', ');
    const before = r.before
      ? `; before: ${r.before.rate.toFixed(0)} msg/s, ${r.before.cpuUs.toFixed(0)} µs CPU (now ${(r.paperboy.rate / r.before.rate).toFixed(1)}x)`
      : '';
    const sinkCost = r.sinkUs
      ? `; smtp-sink spent ${r.sinkUs.source.toFixed(0)} µs CPU a message from smtp-source, ${r.sinkUs.paperboy.toFixed(0)} from Paperboy`
      : '';
    const split = r.split
      ? `; in ${r.split.processes} processes of ${r.connections / r.split.processes} connections: ${r.split.rate.toFixed(0)} msg/s, ` +
        `${r.split.cpuUs.toFixed(0)} µs CPU a message, share ${(r.split.rate / r.limit.rate).toFixed(2)} (per round ${r.split.shares.map((x) => x.toFixed(2)).join(', ')})`
      : '';
    console.log(
      `  ${r.connections} connection(s): smtp-source ${r.limit.rate.toFixed(0)} msg/s, ${r.limit.cpuUs.toFixed(0)} µs CPU a message ` +
        `(a connection a message: ${r.reconnecting.rate.toFixed(0)} msg/s); ` +
        `Paperboy ${r.paperboy.rate.toFixed(0)} msg/s, ${r.paperboy.cpuUs.toFixed(0)} µs CPU a message; share of the limit ${(r.paperboy.rate / r.limit.rate).toFixed(2)} (per round ${shares})${split}${before}${sinkCost}`,
    );
  }
  // Issue 20's targets, on the medians.
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const one = result.rows.find((r) => r.connections === 1);
  if (one?.before)
    console.log(`  target ≥ 3x before at 1 connection: ${met(one.paperboy.rate >= 3 * one.before.rate)}`);
  const four = result.rows.find((r) => r.connections === 4);
  if (four) {
    const byOne = four.paperboy.rate >= 0.6 * four.limit.rate;
    const byTwo = four.split ? four.split.rate >= 0.6 * four.limit.rate : false;
    console.log(
      `  target ≥ 0.6 of smtp-source at 4 connections: one process ${met(byOne)}` +
        `${four.split ? `; ${four.split.processes} processes ${met(byTwo)}` : ''}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const recipients = Number(process.env.BENCH_RECIPIENTS ?? 2000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  printDelivery(await benchDelivery(recipients, [1, 4], rounds), recipients);
}
