import type { OperatorView } from '../jobs/operate/operator.js';

// Prometheus text exposition format 0.0.4, written by hand: a few gauges and counters.

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function family(
  out: string[],
  name: string,
  type: 'gauge' | 'counter',
  help: string,
  samples: [Record<string, string>, number][],
): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const [labels, value] of samples) {
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${label(v)}"`)
      .join(',');
    out.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
  }
}

const seconds = (iso: string | Date) => Math.floor(new Date(iso).getTime() / 1000);

/** The counters of the admin page, for a Prometheus scraper. */
export function prometheusText(v: OperatorView): string {
  const out: string[] = [];
  family(
    out,
    'paperboy_deliveries',
    'gauge',
    'Delivery rows in the store by status.',
    Object.entries(v.deliveries).map(([status, n]) => [{ status }, n]),
  );
  // The admin chart's last bar: delivery rows that reached sent, failed or skipped this UTC day.
  const today = v.perDay.at(-1);
  family(
    out,
    'paperboy_deliveries_today',
    'gauge',
    'Deliveries sent, failed and skipped so far this UTC day (the last bar of the admin chart), from the delivery rows.',
    today ? (['sent', 'failed', 'skipped'] as const).map((k) => [{ result: k }, today[k]]) : [],
  );
  family(
    out,
    'paperboy_subscribers',
    'gauge',
    'Subscribers by status.',
    Object.entries(v.subscribers).map(([status, n]) => [{ status }, n]),
  );
  family(out, 'paperboy_suppressions', 'gauge', 'Addresses on the suppression list.', [[{}, v.suppressions]]);
  family(out, 'paperboy_papers', 'gauge', 'Papers in the store.', [[{}, v.papers]]);
  family(
    out,
    'paperboy_runs_total',
    'counter',
    'Recorded job runs (runs that did something or failed) by job and outcome.',
    v.totals.map((t) => [{ job: t.job, outcome: t.outcome }, t.runs]),
  );
  const byJob = new Map<string, { planned: number; sent: number; failed: number; skipped: number }>();
  for (const t of v.totals) {
    const j = byJob.get(t.job) ?? { planned: 0, sent: 0, failed: 0, skipped: 0 };
    for (const k of ['planned', 'sent', 'failed', 'skipped'] as const) j[k] += t[k];
    byJob.set(t.job, j);
  }
  family(
    out,
    'paperboy_run_deliveries_total',
    'counter',
    'Deliveries planned, sent, failed and skipped by recorded runs.',
    [...byJob].flatMap(([job, c]) =>
      (['planned', 'sent', 'failed', 'skipped'] as const)
        .filter((k) => c[k] > 0 || job === 'deliver' || job === 'plan')
        .map((k) => [{ job, result: k }, c[k]] as [Record<string, string>, number]),
    ),
  );
  family(
    out,
    'paperboy_source_up',
    'gauge',
    'Whether the latest ingest of a source succeeded (1) or failed (0).',
    v.sources.map((s) => [{ source: s.source }, s.last.outcome === 'ok' ? 1 : 0]),
  );
  family(
    out,
    'paperboy_source_last_success_timestamp_seconds',
    'gauge',
    'When a source was last ingested without error.',
    v.sources.filter((s) => s.lastOkAt).map((s) => [{ source: s.source }, seconds(s.lastOkAt!)]),
  );
  family(
    out,
    'paperboy_job_last_run_ok',
    'gauge',
    'Whether the last scheduled run of a job succeeded (1) or failed (0), in this process.',
    v.jobs.filter((j) => j.lastRun).map((j) => [{ job: j.name }, j.lastRun!.outcome === 'ok' ? 1 : 0]),
  );
  family(
    out,
    'paperboy_job_next_run_timestamp_seconds',
    'gauge',
    'When the scheduler runs a job next, in this process.',
    v.jobs.filter((j) => j.nextRun).map((j) => [{ job: j.name }, seconds(j.nextRun!)]),
  );
  family(
    out,
    'paperboy_next_send_timestamp_seconds',
    'gauge',
    'When digests next fall due.',
    v.nextSends.slice(0, 1).map((n) => [{}, seconds(n.at)]),
  );
  return `${out.join('\n')}\n`;
}
