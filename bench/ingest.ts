// Ingesting 100,000 papers from files into a fresh SQLite store: the whole `paperboy ingest`
// path (read, parse, normalise, upserts in short transactions). The input is generated here: arXiv API Atom pages, Hugging Face daily papers JSON
// and Paperboy JSON, with realistic lengths (hard-wrapped titles, ~1 KB abstracts, 2-8 authors).
// The baseline, measured in the same run, is the floor: the same rows, already parsed, inserted
// by a bare prepared INSERT into a table without indexes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createIngester } from '../src/jobs/ingest/ingest.js';
import { silentLogger } from '../src/log.js';
import { openSqliteStore } from '../src/store/sqlite/open.js';
import { summarise, type Summary } from './stats.js';

const WORDS = (
  'neural architecture search sparse attention transformer language model serving latency throughput diffusion ' +
  'reinforcement learning feedback benchmark dataset efficient scalable robust graph retrieval augmented generation ' +
  'quantization pruning distillation multimodal vision reasoning agents planning memory cache kernel gpu training ' +
  'inference optimisation convergence theory bounds sample complexity contrastive representation alignment safety'
).split(' ');

let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
// Abstracts draw from 8,000 words with a Zipf-like skew, as English does: a few words are in
// every abstract, most in a handful. (A tiny vocabulary would make the full-text index unrealistically slow.)
const SYLLABLES = 'ka ne ro mi tu sa le vo di pa ge lu ba co fe ri mo ta ze hu'.split(' ');
const LEXICON = [
  ...WORDS,
  ...Array.from(
    { length: 8_000 },
    (_, i) => SYLLABLES[i % 20]! + SYLLABLES[Math.floor(i / 20) % 20]! + SYLLABLES[Math.floor(i / 400) % 20]!,
  ),
];
const zipf = () => LEXICON[Math.min(LEXICON.length - 1, Math.floor(LEXICON.length ** rand()) - 1)] as string;
const words = (n: number) => Array.from({ length: n }, zipf).join(' ');
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

interface Gen {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
}

function paper(i: number): Gen {
  const month = String(1 + (i % 12)).padStart(2, '0');
  return {
    id: `24${month}.${String(10000 + Math.floor(i / 12)).padStart(5, '0')}`,
    title: `${words(4)} ${i}: ${words(5)}`,
    abstract: `${words(150)}.`,
    authors: Array.from({ length: 2 + Math.floor(rand() * 7) }, (_, k) => `Author${i % 997} Surname${k}`),
  };
}

function atom(papers: Gen[]): string {
  const entries = papers.map(
    (p) => `  <entry>
    <id>http://arxiv.org/abs/${p.id}v${1 + (p.id.length % 3)}</id>
    <updated>2024-03-20T17:59:58Z</updated>
    <published>2024-03-18T09:12:41Z</published>
    <title>${xml(p.title.slice(0, 40))}
  ${xml(p.title.slice(40))}</title>
    <summary>  ${xml(p.abstract).replace(/(.{80}) /g, '$1\n')}
</summary>
${p.authors.map((a) => `    <author>\n      <name>${a}</name>\n    </author>`).join('\n')}
    <link href="http://arxiv.org/abs/${p.id}v1" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/${p.id}v1" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3Dcat%3Acs.LG" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=cat:cs.LG</title>
  <id>http://arxiv.org/api/bench</id>
  <updated>2024-03-21T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">${papers.length}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
${entries.join('\n')}
</feed>
`;
}

function hf(papers: Gen[]): string {
  return JSON.stringify(
    papers.map((p, i) => ({
      paper: {
        id: p.id,
        authors: p.authors.map((name) => ({ _id: `id${i}`, name, hidden: false })),
        publishedAt: '2024-03-20T17:59:58.000Z',
        title: p.title,
        summary: p.abstract,
        upvotes: i % 50,
        ai_summary: words(20),
        ai_keywords: [pick(WORDS), pick(WORDS)],
      },
      publishedAt: '2024-03-21T01:12:09.611Z',
      title: p.title,
      numComments: 0,
    })),
    null,
    1,
  );
}

function paperboyJson(papers: Gen[]): string {
  // No arXiv ids: these papers are keyed by their title fingerprint.
  return JSON.stringify(
    { papers: papers.map((p) => ({ title: p.title, abstract: p.abstract, authors: p.authors })) },
    null,
    1,
  );
}

export type Mix = 'mixed' | 'json';

/**
 * Writes files of 1,000 papers. `mixed`: half arXiv API Atom, a quarter Hugging Face JSON, a
 * quarter Paperboy JSON. `json`: half Hugging Face JSON, half Paperboy JSON (a bulk import).
 */
export function generateInput(
  dir: string,
  total = 100_000,
  perFile = 1_000,
  mix: Mix = 'mixed',
): { files: string[]; bytes: number; papers: Gen[] } {
  mkdirSync(dir, { recursive: true });
  const papers = Array.from({ length: total }, (_, i) => paper(i));
  const files: string[] = [];
  let bytes = 0;
  for (let f = 0; f * perFile < total; f++) {
    const chunk = papers.slice(f * perFile, (f + 1) * perFile);
    const kind = mix === 'json' ? (f % 2 ? 'json' : 'hf') : f % 4 < 2 ? 'atom' : f % 4 === 2 ? 'hf' : 'json';
    const text = kind === 'atom' ? atom(chunk) : kind === 'hf' ? hf(chunk) : paperboyJson(chunk);
    const file = join(dir, `${String(f).padStart(3, '0')}-${kind}.${kind === 'atom' ? 'xml' : 'json'}`);
    writeFileSync(file, text);
    bytes += Buffer.byteLength(text);
    files.push(file);
  }
  return { files, bytes, papers };
}

async function paperboyRun(
  files: string[],
  dir: string,
): Promise<{ ms: number; cpuMs: number; parseMs: number; added: number }> {
  const store = openSqliteStore(join(dir, 'paperboy.db'));
  const ingester = createIngester({ store, clock: () => new Date('2024-03-21T06:00:00Z'), logger: silentLogger });
  const start = performance.now();
  const cpu = process.cpuUsage();
  let parsedAt = start;
  const report = await ingester.ingestFiles(files, 'auto', { onFile: () => (parsedAt = performance.now()) });
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  await store.close();
  return { ms, cpuMs, parseMs: parsedAt - start, added: report.added };
}

function baselineRun(papers: Gen[], dir: string): number {
  const db = new Database(join(dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE papers (id TEXT PRIMARY KEY, title TEXT, abstract TEXT, authors TEXT)');
  const insert = db.prepare('INSERT INTO papers VALUES (?, ?, ?, ?)');
  const start = performance.now();
  db.transaction(() => {
    for (const p of papers) insert.run(p.id, p.title, p.abstract, JSON.stringify(p.authors));
  })();
  const ms = performance.now() - start;
  db.close();
  return ms;
}

export interface IngestBench {
  mix: Mix;
  papers: number;
  files: number;
  megabytes: number;
  paperboy: Summary;
  /** CPU time of the same runs: what neighbours on a shared machine disturb least. */
  paperboyCpu: Summary;
  /** Wall time of the read+parse part, the rest being the store transaction. */
  parse: Summary;
  baseline: Summary;
  loadBefore: number;
  loadAfter: number;
}

export async function benchIngest(mix: Mix, runs = 3): Promise<IngestBench> {
  const root = mkdtempSync(join(tmpdir(), 'paperboy-bench-ingest-'));
  try {
    const input = generateInput(join(root, 'input'), 100_000, 1_000, mix);
    const paperboy: number[] = [];
    const cpu: number[] = [];
    const parse: number[] = [];
    const baseline: number[] = [];
    const loadBefore = loadavg()[0] as number;
    for (let r = 0; r < runs; r++) {
      const dir = mkdtempSync(join(root, 'run-'));
      const run = await paperboyRun(input.files, dir);
      if (run.added !== input.papers.length)
        throw new Error(`expected ${input.papers.length} papers added, got ${run.added}`);
      paperboy.push(run.ms);
      cpu.push(run.cpuMs);
      parse.push(run.parseMs);
      baseline.push(baselineRun(input.papers, dir));
      rmSync(dir, { recursive: true, force: true });
    }
    return {
      mix,
      papers: input.papers.length,
      files: input.files.length,
      megabytes: input.bytes / 1e6,
      paperboy: summarise(paperboy),
      paperboyCpu: summarise(cpu),
      parse: summarise(parse),
      baseline: summarise(baseline),
      loadBefore,
      loadAfter: loadavg()[0] as number,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function printIngest(r: IngestBench): void {
  const what = r.mix === 'json' ? 'Hugging Face + Paperboy JSON' : 'half arXiv Atom, half JSON';
  console.log(
    `ingest ${r.papers.toLocaleString('en')} papers from ${r.files} files (${what}, ${r.megabytes.toFixed(0)} MB) into a new SQLite store:`,
  );
  console.log(`  paperboy ingest path (read, parse, normalise, upsert):      ${r.paperboy.text}`);
  console.log(`    of which read + parse + normalise:                       ${r.parse.text}`);
  console.log(`    CPU time (user + system) of the same runs:               ${r.paperboyCpu.text}`);
  console.log(`  bare INSERT of the same rows, pre-parsed, no index (floor): ${r.baseline.text}`);
  console.log(`  ratio of medians: ${(r.paperboy.median / r.baseline.median).toFixed(1)}x the floor`);
  console.log(
    `  load average (1 min) before/after: ${r.loadBefore.toFixed(1)} / ${r.loadAfter.toFixed(1)} on ${availableParallelism()} cores`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `bench/ingest.ts [runs] [json|mixed]`: both inputs unless one is named.
  const runs = Number(process.argv[2] ?? 3);
  const only = process.argv[3];
  if (only !== 'mixed') printIngest(await benchIngest('json', runs));
  if (only !== 'json') printIngest(await benchIngest('mixed', runs));
}
