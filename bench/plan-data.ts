// The data of the planning benchmark: 100,000 confirmed weekly subscribers spread over 1,000
// distinct topic sets (of 40 topics) and 8 time zones, and a 10,000-paper week, written straight
// into a migrated SQLite file. Deterministic: a seeded generator, the same file every time.
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/store/sqlite/open.js';

export const PLAN_AT = new Date('2026-11-24T00:00:00Z'); // a Tuesday: every zone's Monday send hour has passed
const ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Kolkata',
  'Asia/Tokyo',
  'Australia/Sydney',
];
export const WORDS = [
  'neural architecture search',
  'language model serving',
  'diffusion',
  'reinforcement learning',
  'graph neural network',
  'quantization',
  'pruning',
  'distillation',
  'retrieval',
  'speculative decoding',
  'mixture of experts',
  'vision transformer',
  'speech recognition',
  'robotics',
  'federated learning',
  'contrastive learning',
  'protein folding',
  'code generation',
  'tokenizer',
  'attention',
  'state space model',
  'benchmark',
  'alignment',
  'reward model',
  'instruction tuning',
  'multimodal',
  'segmentation',
  'object detection',
  'video generation',
  'time series',
  'recommendation',
  'causal inference',
  'optimizer',
  'scaling law',
  'long context',
  'kv cache',
  'compiler',
  'sparse attention',
  'agents',
  'theorem proving',
];

export function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PlanData {
  subscribers: number;
  topicSets: number;
  papers: number;
}

/** Writes the benchmark's store to `path` (which must not exist yet). */
export async function generatePlanData(
  path: string,
  sizes: PlanData = { subscribers: 100_000, topicSets: 1000, papers: 10_000 },
): Promise<void> {
  const store = openSqliteStore(path); // runs the migrations
  await store.close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const random = prng(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  const at = PLAN_AT.toISOString();
  db.transaction(() => {
    const topic = db.prepare('INSERT INTO topics (slug, name, query, created_at, updated_at) VALUES (?, ?, ?, ?, ?)');
    for (const [i, w] of WORDS.entries()) topic.run(`t${String(i).padStart(2, '0')}`, w, `"${w}"`, at, at);

    const paper = db.prepare(
      `INSERT INTO papers (id, title, abstract, authors, first_seen_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const weekStart = PLAN_AT.getTime() - 7 * 86_400_000;
    for (let i = 0; i < sizes.papers; i++) {
      const terms = [pick(WORDS), pick(WORDS), pick(WORDS)];
      const seen = new Date(weekStart + 3_600_000 + Math.floor(random() * 6.9 * 86_400_000)).toISOString();
      const abstract = `We study ${terms[1]} and ${terms[2]}. ${'Our method improves on strong baselines across tasks and scales. '.repeat(6)}`;
      const authors = JSON.stringify(
        Array.from({ length: 1 + Math.floor(random() * 8) }, (_, k) => `Author ${i}-${k}`),
      );
      paper.run(`title:bench-${i}`, `Paper ${i} on ${terms[0]}`, abstract, authors, seen, seen);
    }

    const sets = new Map<string, string[]>();
    while (sets.size < sizes.topicSets) {
      const n = 1 + Math.floor(random() * 3);
      const slugs = [
        ...new Set(Array.from({ length: n }, () => `t${String(Math.floor(random() * WORDS.length)).padStart(2, '0')}`)),
      ].sort();
      sets.set(slugs.join(','), slugs);
    }
    const setList = [...sets.values()];
    // Signed up a fortnight before: this week's edition is theirs (a first digest waits for the
    // first send time after confirming).
    const signedUp = new Date(PLAN_AT.getTime() - 14 * 86_400_000).toISOString();
    const sub = db.prepare(`
      INSERT INTO subscribers (id, email, status, frequency, timezone, send_hour, created_at, updated_at, confirmed_at)
      VALUES (?, ?, 'confirmed', 'weekly', ?, ?, ?, ?, ?)`);
    const subTopic = db.prepare('INSERT INTO subscriber_topics (subscriber_id, topic_slug) VALUES (?, ?)');
    for (let i = 0; i < sizes.subscribers; i++) {
      const id = `sub_${String(i).padStart(6, '0')}`;
      sub.run(id, `reader${i}@example.org`, pick(ZONES), 6 + Math.floor(random() * 4), signedUp, signedUp, signedUp);
      for (const slug of setList[i % setList.length] as string[]) subTopic.run(id, slug);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
