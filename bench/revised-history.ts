// Who had a revised paper, as history grows: the store query behind SHOW_REVISED_PAPERS
// (updatableAudience) for 1,000 revised papers of week 1 of bench/plan.ts (planned, not timed:
// 1,000 digests, 100,000 deliveries), asked when the papers are revised a week on, and a year on
// after weekly or daily editions. In between, every topic set gets an edition of 10 other papers
// (1,000 digests an edition, without deliveries: what a scan of the span costs is reading those
// digests). The baseline in the same run is the one-week history: a query that reads by paper id
// costs the same after a year.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/store/sqlite/open.js';
import { PLAN_AT } from './plan-data.js';
import { generateWeekOnePlanned } from './plan.js';
import { summarise, type Summary } from './stats.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** `editions` more editions `spacing` days apart, then every tenth of week 1's papers revised the day after the last. */
function addHistory(path: string, editions: number, spacing: number): { digests: number; revisedAt: string } {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    return db.transaction(() => {
      const week1 = db.prepare('SELECT * FROM digests').all() as Record<string, string>[];
      const insert = db.prepare(`
        INSERT INTO digests (id, topic_set, period_kind, period_key, period_start, period_end, window_start, cutoff_at, created_at, subject, paper_ids, html, text)
        VALUES (@id, @topic_set, @period_kind, @period_key, @period_start, @period_end, @window_start, @cutoff_at, @created_at, @subject, @paper_ids, '<p></p>', '')`);
      let digests = 0;
      for (let w = 1; w <= editions; w++) {
        const shift = (t: string) => iso(Date.parse(t) + w * spacing * DAY);
        for (const [i, g] of week1.entries()) {
          const ids = Array.from({ length: 10 }, (_, k) => `title:week${w}-${(i * 10 + k) % 10_000}`);
          insert.run({
            ...g,
            id: `${g.id}-w${w}`,
            period_key: `${g.period_key}+${w}`,
            period_start: shift(g.period_start!),
            period_end: shift(g.period_end!),
            window_start: shift(g.window_start!),
            cutoff_at: shift(g.cutoff_at!),
            created_at: shift(g.created_at!),
            paper_ids: JSON.stringify(ids),
          });
          digests++;
        }
      }
      const revisedAt = iso(PLAN_AT.getTime() + (Math.max(editions * spacing, 7) + 1) * DAY);
      db.prepare(
        `UPDATE papers SET version = 2, revised_at = ? WHERE id LIKE 'title:bench-%' AND CAST(substr(id, 13) AS INTEGER) % 10 = 0`,
      ).run(revisedAt);
      return { digests, revisedAt };
    })();
  } finally {
    db.close();
  }
}

async function measure(path: string, revisedAt: string, runs: number) {
  const store = openSqliteStore(path);
  try {
    const revised = await store.papersRevisedBetween(iso(Date.parse(revisedAt) - DAY), revisedAt);
    const cpu: number[] = [];
    let pairs = 0;
    for (let i = 0; i < runs; i++) {
      const c0 = process.cpuUsage();
      const audience = await store.updatableAudience(revised);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      pairs = [...audience.values()].reduce((n, s) => n + s.size, 0);
    }
    return { revised: revised.length, pairs, cpu: summarise(cpu), series: cpu };
  } finally {
    await store.close();
  }
}

const HISTORIES = [
  { label: 'revised a week after first seen', editions: 0, spacing: 7 },
  { label: 'revised a year on, weekly editions', editions: 52, spacing: 7 },
  { label: 'revised a year on, daily editions', editions: 365, spacing: 1 },
];

export async function benchRevisedHistory(runs = 5) {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-history-'));
  try {
    const source = join(dir, 'generated.db');
    await generateWeekOnePlanned(source);
    const result: { label: string; digests: number; revised: number; pairs: number; cpu: Summary; series: number[] }[] =
      [];
    for (const { label, editions, spacing } of HISTORIES) {
      const copy = join(dir, `history-${editions}.db`);
      copyFileSync(source, copy);
      const { digests, revisedAt } = addHistory(copy, editions, spacing);
      result.push({ label, digests: digests + 1000, ...(await measure(copy, revisedAt, runs)) });
      for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
    }
    if (new Set(result.map((x) => x.pairs)).size !== 1)
      throw new Error(`the audiences differ: ${result.map((x) => x.pairs).join(', ')}`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printRevisedHistory(r: Awaited<ReturnType<typeof benchRevisedHistory>>): void {
  for (const x of r) {
    console.log(
      `${x.label} (${x.digests} digests stored, ${x.revised} revised papers, ${x.pairs} paper-subscriber pairs): ` +
        `updatableAudience CPU median ${x.cpu.median.toFixed(1)} ms (min ${x.cpu.min.toFixed(1)}, max ${x.cpu.max.toFixed(1)}, n=${x.cpu.runs}); ` +
        `${(x.cpu.median / r[0]!.cpu.median).toFixed(2)}x the one-week history`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printRevisedHistory(await benchRevisedHistory());
