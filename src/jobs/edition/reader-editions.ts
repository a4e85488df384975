// Readers who rated papers under a topic get editions of their own, ranked with their ratings;
// everyone else keeps sharing the editions rendered once (group-editions.ts).
import type { Digest } from '../../domain/digest.js';
import type { Period } from '../../domain/period.js';
import type { RatedPaper } from '../../domain/ranking/reader-model.js';
import type { PaperStore, PlanningStore, RatingStore } from '../../store/ports.js';
import type { FreezeSession } from './freeze.js';

/** A reader's ratings under the topics of one topic set, by topic slug. */
export type ReaderRatings = Map<string, RatedPaper[]>;

type RatingsStore = Pick<RatingStore, 'ratingsOf'> & Pick<PaperStore, 'getPapers'>;

/**
 * Per planning run: of a group's subscribers, those with ratings under its topics, with those
 * ratings as rated papers (see ratingsUnder). Who has rated anything is read once per run.
 */
export function readerRatings(store: RatingsStore & Pick<RatingStore, 'ratedSubscribers'>) {
  let raters: Promise<Set<string>> | undefined;
  return async (subscriberIds: readonly string[], slugs: readonly string[]): Promise<Map<string, ReaderRatings>> => {
    raters ??= store.ratedSubscribers();
    const rated = await raters;
    const asked = rated.size === 0 ? [] : subscriberIds.filter((id) => rated.has(id));
    return asked.length === 0 ? new Map() : ratingsUnder(store, asked, slugs);
  };
}

/**
 * The ratings of these subscribers under these topics, as rated papers, by subscriber and topic
 * slug; subscribers with none are left out. A few statements whatever their number; a rated
 * paper no longer stored is left out.
 */
export async function ratingsUnder(
  store: RatingsStore,
  subscriberIds: readonly string[],
  slugs: readonly string[],
): Promise<Map<string, ReaderRatings>> {
  const inSet = new Set(slugs);
  const ratings = [...(await store.ratingsOf(subscriberIds))].flatMap(([, list]) =>
    list.filter((r) => inSet.has(r.topicSlug)),
  );
  if (ratings.length === 0) return new Map();
  const papers = new Map((await store.getPapers([...new Set(ratings.map((r) => r.paperId))])).map((p) => [p.id, p]));
  const readers = new Map<string, ReaderRatings>();
  for (const r of ratings) {
    const paper = papers.get(r.paperId);
    if (!paper) continue;
    const byTopic = readers.get(r.subscriberId) ?? new Map<string, RatedPaper[]>();
    readers.set(r.subscriberId, byTopic);
    byTopic.set(r.topicSlug, [...(byTopic.get(r.topicSlug) ?? []), { paper, value: r.value }]);
  }
  return readers;
}

export interface ReaderEditionsDeps {
  freezer: FreezeSession;
  store: Pick<PlanningStore, 'receivedAnyOf'>;
  deliver: (subscriberIds: readonly string[], digestId: string) => Promise<void>;
}

/** The readers of a group who get their own editions, beside the group's main edition. */
export interface ReaderAudience {
  slugs: string[];
  topicSet: string;
  period: Period;
  at: Date;
  main: Digest;
  readers: ReadonlyMap<string, ReaderRatings>;
  /** Readers the main edition's window does not fit, with where theirs starts (see group-editions.ts). */
  history: ReadonlyMap<string, string>;
}

/**
 * Freezes and queues each reader's own edition, on the window they would otherwise get (the main
 * one, or their variant's). Never the same paper twice: their ranking may pick papers the main
 * edition left out, so those on the main window are asked once more, with their own editions'
 * papers, whether they had any already (another topic set's edition had it); those who had get
 * theirs since their last digest, as a variant would. Returns how many digests it created.
 */
export async function planReaderEditions(deps: ReaderEditionsDeps, audience: ReaderAudience): Promise<number> {
  const { freezer, store, deliver } = deps;
  const { slugs, period, at, main, readers, history } = audience;
  let created = 0;
  const freeze = async (id: string, ratings: ReaderRatings, variantSince?: string) => {
    const result = await freezer.freeze({
      slugs,
      kind: period.kind,
      at,
      period,
      ...(variantSince ? { variantSince } : {}),
      reader: { id, ratings },
    });
    if (result.status === 'created') created++;
    // Nothing for them in this window (all of it rejected): planned again next time.
    return result.status === 'empty' ? undefined : result.digest;
  };
  const own = new Map<string, Digest>();
  for (const [id, ratings] of readers) {
    const digest = await freeze(id, ratings, history.get(id));
    if (digest) own.set(id, digest);
  }
  const onMain = [...own].filter(([id]) => !history.has(id));
  // Those on the main window were asked about the main edition's papers already (group-editions.ts):
  // only the papers their rankings brought in besides are asked about, in one query for the group.
  const inMain = new Set(main.paperIds);
  const extra = [...new Set(onMain.flatMap(([, d]) => d.paperIds))].filter((p) => !inMain.has(p));
  const had =
    onMain.length === 0 || extra.length === 0
      ? new Map<string, string>()
      : await store.receivedAnyOf({
          subscriberIds: onMain.map(([id]) => id),
          paperIds: extra,
          after: main.windowStart,
          period,
          topicSet: audience.topicSet,
        });
  for (const [id, lastCutoff] of had) {
    const digest = await freeze(id, readers.get(id) as ReaderRatings, lastCutoff);
    if (digest) own.set(id, digest);
    else own.delete(id);
  }
  for (const [id, digest] of own) await deliver([id], digest.id);
  return created;
}
