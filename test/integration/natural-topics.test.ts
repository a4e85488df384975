import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { analyse } from '../../src/domain/ranking/analyse.js';
import { validateTopic } from '../../src/jobs/select/topics.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { silentLogger } from '../../src/log.js';
import { SAMPLE_PAGE, fixedClock, testConfig } from '../helpers/env.js';
import { freshSchema, pgExec } from '../helpers/postgres.js';
import { postgresAvailable } from '../helpers/system.js';
import judgementsFile from '../fixtures/relevance/judgements.json' with { type: 'json' };
import { BEFORE_CHANNELS, UNDO_RATINGS, beforeMigration15 } from '../helpers/old-schema.js';

// Topics as subscribers type them, through the whole app: the sample papers ingested, a topic
// saved as the CLI and the admin API save it, a day's digest frozen and the topic's feed read.
const AT = '2026-11-25T06:00:00Z';
const compression = new Set(
  judgementsFile.topics.find((t) => t.slug === 'model-compression')!.judgements.map((j) => j.id),
);

async function openApp(config: Config): Promise<App> {
  return createApp(config, { clock: fixedClock(AT), logger: silentLogger });
}

async function withSample(config: Config): Promise<App> {
  const app = await openApp(config);
  await app.ingester.ingestFiles([SAMPLE_PAGE]);
  return app;
}

async function digestPapers(app: App, slug: string): Promise<string[]> {
  const result = await app.digests.freeze({ slugs: [slug], kind: 'day', at: new Date('2026-11-25T08:00:00Z') });
  return result.status === 'empty' ? [] : result.digest.paperIds;
}

/** Whether a paper has every one of the words (as the analysis reads them) in its title or abstract. */
async function hasAll(app: App, id: string, words: string): Promise<boolean> {
  const [paper] = await app.store.getPapers([id]);
  const stems = new Set(analyse(`${paper!.title} ${paper!.abstract}`).seq);
  return analyse(words).seq.every((s) => stems.has(s));
}

/** The store as it was before migration 11 (so before 13's layouts too), with a topic saved then: each engine's own SQL. */
type Downgrade = (app: App, config: Config) => Promise<void>;

const sqliteDowngrade: Downgrade = async (app, config) => {
  const path = config.database.kind === 'sqlite' ? config.database.path : '';
  await app.close();
  const db = new Database(path);
  db.exec(`${BEFORE_CHANNELS.sqlite}
    ${beforeMigration15('sqlite')}
    ${UNDO_RATINGS.sqlite} ALTER TABLE topics DROP COLUMN query_syntax;
    ALTER TABLE subscribers DROP COLUMN layout; ALTER TABLE digests DROP COLUMN compact_html; ALTER TABLE digests DROP COLUMN compact_text;
    INSERT INTO topics (slug, name, query, created_at, updated_at) VALUES ('old-llm', 'LLM serving', 'language model serving', '${AT}', '${AT}');
    PRAGMA user_version = 10;`);
  db.close();
};

function storedTopicsKeepTheirMeaning(configFor: () => Config, downgrade: Downgrade) {
  return async () => {
    const config = configFor();
    const before = await withSample(config);
    await downgrade(before, config);
    const app = await openApp(config);
    try {
      // Every migration after 10 ran.
      expect(app.store.schema.applied).toBe(MIGRATIONS.length - 10);
      expect(await app.store.getTopic('old-llm')).toMatchObject({
        query: 'language model serving',
        syntax: 'all-words',
      });
      // The same words saved now: a natural topic.
      await app.store.saveTopic(validateTopic('new-llm', 'language model serving'), AT);
      const strict = await digestPapers(app, 'old-llm');
      const natural = await digestPapers(app, 'new-llm');
      expect(strict.length).toBeGreaterThan(0);
      for (const id of strict) expect(await hasAll(app, id, 'language model serving')).toBe(true);
      // Natural: more papers, among them some without one of the words; those with all of them rank high.
      const all = await Promise.all(natural.map((id) => hasAll(app, id, 'language model serving')));
      expect(natural.length).toBeGreaterThan(strict.length);
      expect(all).toContain(false);
      expect(natural.slice(0, strict.length + 1)).toEqual(expect.arrayContaining(strict));
    } finally {
      await app.close();
    }
  };
}

describe('topics typed in natural words', () => {
  it('a topic written as a parenthetical list gets a digest and a feed of the papers on it', async () => {
    const app = await withSample(testConfig());
    try {
      const topic = validateTopic('compression', 'model compression (pruning, quantization, low-rank)');
      expect(topic.syntax).toBe('natural');
      await app.store.saveTopic(topic, AT);
      const picked = await digestPapers(app, 'compression');
      // Before natural queries every word was required and no paper has them all: no digest at all.
      expect(picked.length).toBeGreaterThanOrEqual(10);
      const onTopic = picked.slice(0, 10).filter((id) => compression.has(id));
      expect(onTopic.length).toBeGreaterThanOrEqual(7);
      // A paper on quantization alone is found: the list's items are examples, any one will do.
      const quantization = (await app.store.getPapers(picked)).filter(
        (p) =>
          /quantiz/i.test(`${p.title} ${p.abstract}`) && !/prun|low-rank|compress/i.test(`${p.title} ${p.abstract}`),
      );
      expect(quantization.length).toBeGreaterThan(0);

      const view = await app.feeds.topicView('compression');
      expect(view.papers.length).toBeGreaterThan(0);
      expect(view.papers.every((p) => p.matched.length > 0 || (p.related?.length ?? 0) > 0)).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('a topic with a misspelt word gets the papers of the word meant', async () => {
    const app = await withSample(testConfig());
    try {
      await app.store.saveTopic(validateTopic('nas', 'nueral architecture serch'), AT);
      const picked = await digestPapers(app, 'nas');
      const nas = new Set(judgementsFile.topics.find((t) => t.slug === 'nas')!.judgements.map((j) => j.id));
      expect(picked.slice(0, 10).filter((id) => nas.has(id)).length).toBeGreaterThanOrEqual(9);
    } finally {
      await app.close();
    }
  });

  it('a topic whose words occur in the window finds them, however much better the older papers match', async () => {
    const config = testConfig();
    const app = await withSample(config);
    try {
      // One new paper that has one of the words, and a common one; the sample papers of the day before match far better.
      const clock = fixedClock('2026-11-26T06:00:00Z');
      const next = await createApp(config, { clock, logger: silentLogger });
      try {
        const abstract =
          'We measure energy use on tiny devices across boards, sensors, radios, batteries and workloads over a year in the field, and with one model of each board.';
        await next.store.upsertPapers(
          [{ title: 'Energy on tiny devices', abstract, authors: ['Ada Lovelace'] }],
          clock().toISOString(),
        );
        await next.store.saveTopic(
          validateTopic('compression', 'model compression (pruning, quantization, low-rank)'),
          clock().toISOString(),
        );
        const result = await next.digests.freeze({
          slugs: ['compression'],
          kind: 'day',
          at: new Date('2026-11-26T08:00:00Z'),
        });
        expect(result.status).not.toBe('empty');
        if (result.status !== 'empty') expect(result.digest.paperIds).toHaveLength(1);
      } finally {
        await next.close();
      }
    } finally {
      await app.close();
    }
  });

  it(
    'a topic stored before natural queries keeps requiring every word after the upgrade (SQLite)',
    storedTopicsKeepTheirMeaning(testConfig, sqliteDowngrade),
  );

  it.skipIf(!postgresAvailable())(
    'a topic stored before natural queries keeps requiring every word after the upgrade (PostgreSQL)',
    storedTopicsKeepTheirMeaning(
      () => {
        const { env, schema } = freshSchema();
        return Object.assign(testConfig(env), { pgSchema: schema });
      },
      async (app, config) => {
        await app.close();
        await pgExec(
          (config as Config & { pgSchema: string }).pgSchema,
          `${BEFORE_CHANNELS.postgres}
           ${beforeMigration15('postgres')}
           ${UNDO_RATINGS.postgres} ALTER TABLE topics DROP COLUMN query_syntax;
           ALTER TABLE subscribers DROP COLUMN layout; ALTER TABLE digests DROP COLUMN compact_html, DROP COLUMN compact_text;
           INSERT INTO topics (slug, name, query, created_at, updated_at) VALUES ('old-llm', 'LLM serving', 'language model serving', '${AT}', '${AT}');
           UPDATE schema_version SET version = 10;`,
        );
      },
    ),
  );
});
