import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import judgementsFile from '../fixtures/relevance/judgements.json' with { type: 'json' };
import naturalFile from '../fixtures/relevance/natural.json' with { type: 'json' };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NATURAL = 'test/fixtures/relevance/natural.json';

/** `npm run eval:relevance -- <args>`, without npm's own lines. */
function evalRelevance(args: string[]) {
  // Without npm's INIT_CWD, a relative --file is read from the repository's root.
  const { INIT_CWD: _, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/relevance.ts', ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const NUMBER = /^[+-]?\d\.\d{3}$/;
/** The cells of the table row that starts with `first`. */
function rowOf(stdout: string, first: string): string[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`| ${first} |`));
  expect(line, `a row "${first}"`).toBeDefined();
  return line!
    .split('|')
    .slice(1, -1)
    .map((c) => c.trim().replace(/\*\*/g, ''));
}

describe('npm run eval:relevance', () => {
  it('scores the natural phrasings and the crafted queries by the ranker and both baselines, with a summary', () => {
    const { status, stdout, stderr } = evalRelevance(['--file', NATURAL]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const summary = stdout.slice(stdout.indexOf('\nSummary'));
    expect(summary).toContain(
      '| queries | Paperboy nDCG@10 | P@5 | any-word BM25 nDCG@10 | P@5 | all-words BM25 nDCG@10 | P@5 | Paperboy − any-word nDCG@10 | P@5 |',
    );
    for (const label of ['natural', 'crafted']) {
      const cells = rowOf(summary, label).slice(1);
      expect(cells).toHaveLength(8);
      for (const c of cells) expect(c).toMatch(NUMBER);
      const [ours, , any] = cells.map(Number);
      expect(Number(cells[6])).toBeCloseTo(ours! - any!, 2);
    }
    // Every judged topic has its row in both per-topic tables, natural ones over their three phrasings.
    const natural = stdout.slice(stdout.indexOf('\nNatural phrasings'), stdout.indexOf('\nCrafted queries'));
    const crafted = stdout.slice(stdout.indexOf('\nCrafted queries'), stdout.indexOf('\nSummary'));
    for (const { slug } of judgementsFile.topics) {
      expect(rowOf(natural, slug)[1]).toBe('3');
      expect(rowOf(crafted, slug).slice(1)).toHaveLength(6);
    }
    expect(stdout).toContain('Seeded');
  });

  it('gives the same figures as JSON, and one row a phrasing with --verbose', () => {
    const json = JSON.parse(evalRelevance(['--json']).stdout) as {
      natural: {
        files: string[];
        topics: { slug: string; queries: { text: string; paperboy: { found: number } }[] }[];
        paperboy: { ndcg: number };
        anyWord: { ndcg: number };
      };
      crafted: { topics: unknown[]; paperboy: { ndcg: number } };
    };
    expect(json.natural.files).toEqual([NATURAL]);
    expect(json.natural.topics.flatMap((t) => t.queries.map((q) => q.text))).toEqual(
      naturalFile.topics.flatMap((t) => t.phrasings),
    );
    expect(json.crafted.topics).toHaveLength(judgementsFile.topics.length);
    const verbose = evalRelevance(['--verbose']).stdout;
    expect(rowOf(verbose.slice(verbose.indexOf('\nSummary')), 'natural')[1]).toBe(
      json.natural.paperboy.ndcg.toFixed(3),
    );
    for (const phrasing of naturalFile.topics.flatMap((t) => t.phrasings)) expect(verbose).toContain(`| ${phrasing} |`);
  });

  it('refuses a phrasing set with a topic that is not judged, naming the file and the topic', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'phrasings-')), 'held-out.json');
    writeFileSync(
      file,
      JSON.stringify({
        topics: [
          { slug: 'nas', phrasings: ['NAS'] },
          { slug: 'robotics', phrasings: ['robot arms'] },
        ],
      }),
    );
    const { status, stdout, stderr } = evalRelevance(['--file', file]);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${file}: topic "robotics" is not a judged topic`);
  });
});
