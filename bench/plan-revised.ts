// The weekly plan of bench/plan.ts one week later, with a history: week 1 is planned (not timed),
// then week 2 brings 10,000 new papers and new versions of 1,000 of week 1's papers (every tenth).
// Week 2 is planned from fresh copies of that file with SHOW_REVISED_PAPERS off and on, in turns,
// each in a child process; the baseline in the same run is bench/plan.ts's bare INSERT … SELECT of
// 100,000 delivery rows. On, the subscribers who had a revised paper that ranks for their topics
// get an edition of their own that also shows it as updated: more digests are rendered.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { PLAN_AT } from './plan-data.js';
import { generateWeekOnePlanned, runChild, type ChildResult } from './plan.js';
import { summarise, type Summary } from './stats.js';

const DAY = 86_400_000;
const WEEK2_AT = new Date(PLAN_AT.getTime() + 7 * DAY).toISOString();

/** Week 2's papers: week 1's texts under new ids, first seen seven days later; every tenth of week 1 revised on its Thursday. */
function addWeek2(path: string): { revised: number } {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    return db.transaction(() => {
      db.prepare(`
        INSERT INTO papers (id, title, abstract, authors, first_seen_at, updated_at)
        SELECT 'title:week2-' || substr(id, 13), title, abstract, authors,
          strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at, '+7 days'), strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at, '+7 days')
        FROM papers WHERE id LIKE 'title:bench-%'`).run();
      const revisedAt = new Date(PLAN_AT.getTime() + 2 * DAY).toISOString();
      const revised = db
        .prepare(
          `UPDATE papers SET version = 2, revised_at = ?, updated_at = ? WHERE id LIKE 'title:bench-%' AND CAST(substr(id, 13) AS INTEGER) % 10 = 0`,
        )
        .run(revisedAt, revisedAt).changes;
      return { revised };
    })();
  } finally {
    db.close();
  }
}

export async function benchPlanRevised(runs = 3) {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-revised-'));
  try {
    const source = join(dir, 'generated.db');
    await generateWeekOnePlanned(source);
    const { revised } = addWeek2(source);
    const series: Record<'off' | 'on' | 'bare', { wall: number[]; cpu: number[] }> = {
      off: { wall: [], cpu: [] },
      on: { wall: [], cpu: [] },
      bare: { wall: [], cpu: [] },
    };
    const reports: Partial<Record<'off' | 'on', ChildResult['report']>> = {};
    for (let i = 0; i < runs; i++) {
      for (const mode of ['off', 'on', 'bare'] as const) {
        const copy = join(dir, `${mode}-${i}.db`);
        copyFileSync(source, copy);
        const r = await runChild(copy, mode === 'bare' ? 'bare' : 'plan', WEEK2_AT, {
          SHOW_REVISED_PAPERS: mode === 'on' ? 'true' : 'false',
        });
        if (r.report.deliveriesCreated !== 100_000)
          throw new Error(`${mode}: planned ${r.report.deliveriesCreated} deliveries, expected 100000`);
        series[mode].wall.push(r.ms);
        series[mode].cpu.push(r.cpuMs);
        if (mode !== 'bare') reports[mode] = r.report;
        for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
      }
    }
    const sum = (m: 'off' | 'on' | 'bare') => ({ wall: summarise(series[m].wall), cpu: summarise(series[m].cpu) });
    return {
      revised,
      off: sum('off'),
      on: sum('on'),
      bare: sum('bare'),
      reports,
      ratios: series.on.cpu.map((c, i) => c / series.off.cpu[i]!),
      floorRatios: {
        off: series.off.wall.map((w, i) => w / series.bare.wall[i]!),
        on: series.on.wall.map((w, i) => w / series.bare.wall[i]!),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printPlanRevised(r: Awaited<ReturnType<typeof benchPlanRevised>>): void {
  const s = (x: Summary, unit: string) =>
    `median ${x.median.toFixed(0)} ${unit} (min ${x.min.toFixed(0)}, max ${x.max.toFixed(0)}, n=${x.runs})`;
  console.log(
    `week 2 of the weekly plan: 100,000 subscribers with a week of history, 10,000 new papers, ${r.revised} revised:`,
  );
  for (const m of ['off', 'on'] as const) {
    const rep = r.reports[m]!;
    console.log(
      `  SHOW_REVISED_PAPERS ${m} (${rep.digestsCreated} digests, ${rep.deliveriesCreated} deliveries): wall ${s(r[m].wall, 'ms')}; CPU ${s(r[m].cpu, 'ms')}`,
    );
  }
  console.log(
    `  bare INSERT … SELECT of 100,000 delivery rows (the floor): wall ${s(r.bare.wall, 'ms')}; CPU ${s(r.bare.cpu, 'ms')}`,
  );
  console.log(`  CPU on / off per run: ${r.ratios.map((x) => `${x.toFixed(2)}x`).join(', ')}`);
  console.log(
    `  wall / floor per run: off ${r.floorRatios.off.map((x) => `${x.toFixed(1)}x`).join(', ')}; on ${r.floorRatios.on.map((x) => `${x.toFixed(1)}x`).join(', ')}`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printPlanRevised(await benchPlanRevised());
