import type { PeriodKind } from '../../domain/period.js';
import type { Logger } from '../../log.js';
import type { EmailTemplates } from '../../render/email/templates.js';
import type { DigestStore, FullTextStore, PaperStore, RatingStore, TopicStore } from '../../store/ports.js';
import {
  createFreezeSession,
  type FreezeOptions,
  type FreezeResult,
  type FreezeSession,
  type SessionOptions,
} from './freeze.js';
import { createRemainingPapers } from './remaining.js';
import { windowRanking } from './window-ranking.js';

export interface DigestDeps {
  store: Pick<PaperStore, 'getPapers' | 'listPapers' | 'papersFirstSeenBetween' | 'papersRevisedBetween'> &
    Pick<TopicStore, 'getTopic' | 'listTopics' | 'listAllTopics'> &
    Pick<DigestStore, 'findDigest' | 'digestWindow' | 'getDigest' | 'insertDigest' | 'latestDigest'> &
    Pick<RatingStore, 'ratingsOf'> &
    FullTextStore;
  templates: () => Promise<EmailTemplates>;
  clock: () => Date;
  logger: Logger;
  config: { publicUrl: string; digest: { maxPapers: number; popularity?: number } };
}

/**
 * Freezes topic digests (see freeze.ts: picks the papers of a period, renders them once and
 * stores the edition) and lists what an edition left out (remaining.ts).
 */
export function createDigestJobs({ store, templates, clock, logger, config }: DigestDeps) {
  const ranking = windowRanking(store, config);
  const freezeDeps = { store, ranking, templates, clock, logger, config };
  const session = (options?: SessionOptions): FreezeSession => createFreezeSession(freezeDeps, options);
  return {
    /** A freezer for one run: digests frozen through it share candidate papers and rankings. */
    session,

    /** One edition, frozen on its own (see FreezeSession.freeze). */
    freeze: (options: FreezeOptions): Promise<FreezeResult> => session().freeze(options),

    remaining: createRemainingPapers({ store, ranking, maxPapers: config.digest.maxPapers }),

    /** Freezes every topic's digest for the period containing `at` (the scheduler records the run). */
    async freezeAllTopics(kind: PeriodKind, at: Date = clock()): Promise<FreezeResult[]> {
      const freezer = session();
      const results: FreezeResult[] = [];
      for (const topic of await store.listTopics())
        results.push(await freezer.freeze({ slugs: [topic.slug], kind, at }));
      return results;
    },
  };
}

export type DigestJobs = ReturnType<typeof createDigestJobs>;
