// A store that shows everything a digest can say: the sample Daily Papers page (dated March 2024,
// no links), papers as Hugging Face's API gives them (arXiv ids, upvotes, AI summaries, code),
// and one paper no source gave a page for; three topics. For the screenshots and browser tests.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { SAMPLE_DATA_DIR } from '../../src/paths.js';

/** When the showcase's daily editions are frozen: the papers arrived the day before. */
export const SHOWCASE_EDITION = new Date('2026-12-02T08:00:00Z');

export const SHOWCASE_TOPICS = [
  { slug: 'nas', name: 'Neural architecture search', query: '"neural architecture search" OR NAS' },
  { slug: 'llm-serving', name: 'LLM serving', query: '"LLM serving" OR "language model" serving OR inference' },
  { slug: 'detection', name: 'Object detection', query: '"object detection" OR detector' },
];

/** Papers as Hugging Face's daily papers API gives them: what a digest can link and say most about. */
function hfPapers(): unknown[] {
  const paper = (id: string, title: string, summary: string, extra: Record<string, unknown>) => ({
    paper: {
      id,
      title,
      summary,
      authors: [{ name: 'Ada Lovelace' }, { name: 'Alan Turing' }, { name: 'Grace Hopper' }],
      publishedAt: '2026-11-30T17:59:58.000Z',
      upvotes: 0,
      ...extra,
    },
    publishedAt: '2026-12-01T01:12:09.611Z',
    title,
    summary,
  });
  return [
    paper(
      '2611.30001',
      'Once-for-All Serving: Neural Architecture Search for LLM Serving on Shared GPUs',
      'We search for model architectures that serve large language models at a target latency on shared GPUs. Our neural architecture search (NAS) co-designs the network and the batching policy. It halves tail latency at equal quality across four serving traces, and the search itself costs one GPU-day.',
      {
        upvotes: 128,
        ai_summary: 'A NAS method co-designs LLM architectures and batching to halve serving tail latency.',
        githubRepo: 'https://github.com/example/ofa-serving',
      },
    ),
    paper(
      '2611.30002',
      'Speculative Decoding Without a Draft Model for Language Model Serving',
      'Language model serving spends most of its time waiting on memory. We let the model draft its own continuations from a cheap early exit and verify them in one pass. Throughput rises 2.1x on chat workloads with no change in outputs.',
      {
        upvotes: 64,
        ai_summary: 'Self-drafting speculative decoding doubles LLM serving throughput without a draft model.',
      },
    ),
    paper(
      '2611.30003',
      'Open-Vocabulary Object Detection from Captions Alone',
      'We train an object detector from image captions without a single box. Region–word alignment learned from 10 million captioned images transfers to unseen classes. On LVIS rare classes it beats box-supervised detectors by 4 AP.',
      { upvotes: 41, githubRepo: 'https://github.com/example/caption-det' },
    ),
  ];
}

/** A paper no source gave a link or an arXiv id for: the digest offers a search, not a paper page. */
const UNLINKED = {
  papers: [
    {
      title: 'Evolutionary Neural Architecture Search for Tiny Microcontrollers',
      abstract:
        'We run neural architecture search under 256 KB of memory. An evolutionary search with a memory-aware cost model finds networks that fit microcontrollers and match larger baselines.',
      authors: ['Edsger Dijkstra'],
    },
  ],
};

/**
 * An app on a fresh SQLite file in `dataDir` whose links point to `base`, with the showcase's
 * papers ingested on 1 December 2026 and its clock at the edition's time.
 */
export async function showcaseApp(
  base: string,
  dataDir: string,
  secret: string,
  env: Record<string, string> = {},
): Promise<App> {
  // Tuesday 1 December 2026: the sample page and the papers of the day arrive; digests go out on the 2nd.
  let now = new Date('2026-12-01T10:00:00Z');
  const clock = () => new Date(now);
  const config = loadConfig(
    {
      PUBLIC_URL: base,
      PAPERBOY_SECRET: secret,
      MAIL_FROM: 'Paperboy <digest@papers.example.org>',
      DIGEST_MAX_PAPERS: '25',
      ...env,
    },
    dataDir,
  );
  const app = await createApp(config, { clock, logger: silentLogger });
  for (const t of SHOWCASE_TOPICS) await app.store.saveTopic(t, clock().toISOString());
  const hf = join(dataDir, 'hf-daily.json');
  writeFileSync(hf, JSON.stringify(hfPapers()));
  const unlinked = join(dataDir, 'unlinked.json');
  writeFileSync(unlinked, JSON.stringify(UNLINKED));
  await app.ingester.ingestFiles([join(SAMPLE_DATA_DIR, 'daily-papers-2024-03-21.txt'), hf, unlinked]);
  now = new Date(SHOWCASE_EDITION);
  return app;
}
