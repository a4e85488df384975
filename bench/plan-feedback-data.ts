// The planning benchmark's data with readers' feedback (issue 18): bench/plan-data.ts's store, plus
// a library of 20,000 older papers; one subscriber in ten has rated 20 of them under the first
// topic of their set (12 "more like this" on that topic's subject, 8 "not for me" at random), and
// one in twenty (not the same) has a personal topic of their own (owned, as the preferences page
// makes it): `like:` seeds of 30 library
// papers and no words, added to their topic set. Deterministic, like plan-data.ts.
import Database from 'better-sqlite3';
import { generatePlanData, PLAN_AT, prng, WORDS } from './plan-data.js';

export const LIBRARY = 20_000;
const RATINGS = 20;
const LIKED = 12;
const SEEDS = 30;

/** Which subscribers (by number) rate, and which have a personal topic: 10 % and 5 %, apart. */
export const rates = (i: number) => i % 10 === 0;
export const hasPersonalTopic = (i: number) => i % 20 === 5;

export async function generateFeedbackPlanData(path: string, subscribers = 100_000): Promise<void> {
  await generatePlanData(path, { subscribers, topicSets: 1000, papers: 10_000 });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const random = prng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  const at = PLAN_AT.toISOString();
  db.transaction(() => {
    const paper = db.prepare(
      'INSERT INTO papers (id, title, abstract, authors, first_seen_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const bySubject = WORDS.map(() => [] as string[]);
    for (let i = 0; i < LIBRARY; i++) {
      const subject = Math.floor(random() * WORDS.length);
      const other = pick(WORDS);
      // Two to ten weeks old: papers the readers were sent, or keep in their libraries.
      const seen = new Date(PLAN_AT.getTime() - (14 + random() * 56) * 86_400_000).toISOString();
      const id = `title:library-${i}`;
      bySubject[subject]!.push(id);
      paper.run(
        id,
        `Library paper ${i} on ${WORDS[subject]}`,
        `We revisit ${WORDS[subject]} with ${other}. ${'Results hold across datasets and model sizes. '.repeat(5)}`,
        '["A. Reader"]',
        seen,
        seen,
      );
    }
    const firstTopic = db.prepare(
      'SELECT topic_slug FROM subscriber_topics WHERE subscriber_id = ? ORDER BY topic_slug LIMIT 1',
    );
    const rate = db.prepare(
      'INSERT OR IGNORE INTO ratings (subscriber_id, topic_slug, paper_id, value, rated_at) VALUES (?, ?, ?, ?, ?)',
    );
    // Owned by the subscriber, as the preferences page makes them: a private topic of one reader.
    const topic = db.prepare(
      'INSERT INTO topics (slug, name, query, created_at, updated_at, owner_subscriber_id) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const subTopic = db.prepare('INSERT INTO subscriber_topics (subscriber_id, topic_slug) VALUES (?, ?)');
    const all = bySubject.flat();
    for (let i = 0; i < subscribers; i++) {
      const id = `sub_${String(i).padStart(6, '0')}`;
      if (rates(i)) {
        const slug = (firstTopic.get(id) as { topic_slug: string }).topic_slug;
        const onSubject = bySubject[Number(slug.slice(1))]!;
        for (let k = 0; k < RATINGS; k++)
          rate.run(id, slug, k < LIKED ? pick(onSubject) : pick(all), k < LIKED ? 1 : -1, at);
      } else if (hasPersonalTopic(i)) {
        const slug = `p_${String(i).padStart(20, '0')}`;
        const subject = bySubject[Math.floor(random() * WORDS.length)]!;
        const seeds = Array.from({ length: SEEDS }, () => `like:${pick(subject)}`);
        topic.run(slug, `Reading list ${i}`, [...new Set(seeds)].join(' '), at, at, id);
        subTopic.run(id, slug);
      }
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
