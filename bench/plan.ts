// A weekly run at scale: 100,000 confirmed subscribers over 1,000 topic sets and a 10,000-paper
// week (generated, not timed), planned from scratch: every digest frozen and rendered, every
// delivery created. Each run is a fresh copy of the generated file, in a child process whose peak
// RSS is reported. The baseline in the same run: a bare INSERT … SELECT of the same number of
// delivery rows (the floor of writing the rows, with no grouping, ranking or rendering).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePlanData } from './plan-data.js';
import { summarise, type Summary } from './stats.js';

const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url));
const CHILD = fileURLToPath(new URL('./plan-child.ts', import.meta.url));

export interface ChildResult {
  ms: number;
  /** A second planning run a minute later, with nothing left to plan (plan mode only). */
  idleMs?: number;
  cpuMs: number;
  maxRssMb: number;
  report: { deliveriesCreated: number; digestsCreated?: number; groups?: number; due?: number };
}

/** One run in a child process; `at` (ISO) plans at another time than PLAN_AT, `env` adds settings. */
export function runChild(
  path: string,
  mode: 'plan' | 'bare',
  at?: string,
  env: Record<string, string> = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const args = ['--import', TSX, CHILD, path, mode, ...(at ? [at] : [])];
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult)
        : reject(new Error(`plan child exited ${code}`)),
    );
  });
}

/** Generates the plan data at `path` and plans its first week (100,000 deliveries): where the revised-paper benchmarks start. */
export async function generateWeekOnePlanned(path: string): Promise<void> {
  await generatePlanData(path);
  const week1 = await runChild(path, 'plan');
  if (week1.report.deliveriesCreated !== 100_000) throw new Error(`week 1 planned ${week1.report.deliveriesCreated}`);
}

export async function benchPlan(runs = 3) {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-plan-'));
  try {
    const source = join(dir, 'generated.db');
    const g0 = performance.now();
    await generatePlanData(source);
    const generateMs = performance.now() - g0;
    const plan: number[] = [];
    const bare: number[] = [];
    const planCpu: number[] = [];
    const bareCpu: number[] = [];
    const rss: number[] = [];
    const idle: number[] = [];
    let last: ChildResult | undefined;
    for (let i = 0; i < runs; i++) {
      // Alternate, so both see the same machine.
      for (const mode of ['plan', 'bare'] as const) {
        const copy = join(dir, `${mode}-${i}.db`);
        copyFileSync(source, copy);
        const r = await runChild(copy, mode);
        if (mode === 'plan') {
          if (r.report.deliveriesCreated !== 100_000)
            throw new Error(`planned ${r.report.deliveriesCreated} deliveries, expected 100000`);
          plan.push(r.ms);
          planCpu.push(r.cpuMs);
          rss.push(r.maxRssMb);
          idle.push(r.idleMs!);
          last = r;
        } else {
          bare.push(r.ms);
          bareCpu.push(r.cpuMs);
        }
        rmSync(copy, { force: true });
        rmSync(`${copy}-wal`, { force: true });
        rmSync(`${copy}-shm`, { force: true });
      }
    }
    return {
      generateMs,
      plan: summarise(plan),
      planCpu: summarise(planCpu),
      bare: summarise(bare),
      bareCpu: summarise(bareCpu),
      rss: summarise(rss),
      idle: summarise(idle),
      report: last!.report,
      ratios: plan.map((p, i) => p / bare[i]!),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printPlan(r: Awaited<ReturnType<typeof benchPlan>>): void {
  const s = (x: Summary, unit: string, f = 0) =>
    `median ${x.median.toFixed(f)} ${unit} (min ${x.min.toFixed(f)}, max ${x.max.toFixed(f)}, n=${x.runs})`;
  console.log(
    `weekly plan of 100,000 subscribers / 1,000 topic sets / 10,000 papers (generated in ${(r.generateMs / 1000).toFixed(1)} s, not timed):`,
  );
  console.log(
    `  plan (${r.report.digestsCreated} digests rendered, ${r.report.deliveriesCreated} deliveries): wall ${s(r.plan, 'ms')}; CPU ${s(r.planCpu, 'ms')}; peak RSS ${s(r.rss, 'MB')}`,
  );
  console.log(
    `  bare INSERT … SELECT of 100,000 delivery rows (the floor): wall ${s(r.bare, 'ms')}; CPU ${s(r.bareCpu, 'ms')}`,
  );
  console.log(
    `  the next minute's run, nothing left to plan (what the scheduler pays every minute): wall ${s(r.idle, 'ms')}`,
  );
  console.log(`  plan / floor per run: ${r.ratios.map((x) => `${x.toFixed(1)}x`).join(', ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printPlan(await benchPlan());
