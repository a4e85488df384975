// The weekly plan with readers' feedback (issue 18): bench/plan.ts's 100,000 subscribers, of whom
// 10 % have 20 ratings each and 5 % a personal topic seeded with 30 papers
// (bench/plan-feedback-data.ts), planned from scratch in a child process (peak RSS is the
// planner's). Baseline beside it, in turns: the same plan on bench/plan.ts's data without feedback.
//
//   node --import tsx bench/plan-feedback.ts [runs, default 1]
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePlanData } from './plan-data.js';
import { generateFeedbackPlanData } from './plan-feedback-data.js';
import { runChild, type ChildResult } from './plan.js';
import { summarise, type Summary } from './stats.js';

async function benchPlanFeedback(runs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-plan-feedback-'));
  try {
    const sources = { plain: join(dir, 'plain.db'), feedback: join(dir, 'feedback.db') };
    await generatePlanData(sources.plain);
    await generateFeedbackPlanData(sources.feedback);
    const results: Record<keyof typeof sources, ChildResult[]> = { plain: [], feedback: [] };
    for (let i = 0; i < runs; i++) {
      for (const kind of ['plain', 'feedback'] as const) {
        const copy = join(dir, `${kind}-${i}.db`);
        copyFileSync(sources[kind], copy);
        const r = await runChild(copy, 'plan');
        if (r.report.deliveriesCreated !== 100_000)
          throw new Error(`${kind}: planned ${r.report.deliveriesCreated} deliveries, expected 100000`);
        results[kind].push(r);
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${copy}${suffix}`, { force: true });
      }
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function print(results: Awaited<ReturnType<typeof benchPlanFeedback>>): void {
  const s = (x: Summary, unit: string) =>
    `median ${x.median.toFixed(0)} ${unit} (min ${x.min.toFixed(0)}, max ${x.max.toFixed(0)}, n=${x.runs})`;
  console.log('weekly plan of 100,000 subscribers / 10,000 papers, with and without readers’ feedback:');
  for (const [kind, rs] of Object.entries(results)) {
    const last = rs.at(-1)!.report;
    console.log(
      `  ${kind} (${last.groups} groups, ${last.digestsCreated} digests): CPU ${s(summarise(rs.map((r) => r.cpuMs)), 'ms')}; wall ${s(summarise(rs.map((r) => r.ms)), 'ms')}; peak RSS ${s(summarise(rs.map((r) => r.maxRssMb)), 'MB')}`,
    );
  }
  const ratios = results.feedback.map((r, i) => r.cpuMs / results.plain[i]!.cpuMs);
  console.log(`  feedback / plain, CPU, per run: ${ratios.map((x) => `${x.toFixed(1)}x`).join(', ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) print(await benchPlanFeedback(Number(process.argv[2] ?? 1)));
