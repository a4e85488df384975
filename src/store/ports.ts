// The interfaces the rest of Paperboy needs from a store. Adapters (sqlite/, postgres/)
// implement them; nothing outside store/ knows which engine is behind them.
import type { Channel } from '../domain/channel.js';
import type { Delivery, DeliveryErrorKind, DeliveryStatus } from '../domain/delivery.js';
import type { Digest } from '../domain/digest.js';
import type { Paper, PaperInput } from '../domain/paper.js';
import type { Period, PeriodKind } from '../domain/period.js';
import type { Rating } from '../domain/rating.js';
import type { LexicalIndexFactory } from '../domain/ranking/lexical-index.js';
import type { SourceState } from '../domain/source.js';
import type { ConsentEvent, Frequency, Subscriber, SubscriberStatus } from '../domain/subscriber.js';
import type { Topic } from '../domain/topic.js';

export interface IngestCounts {
  added: number;
  updated: number;
  unchanged: number;
}

export interface PaperStore {
  /**
   * Upserts the papers (merging each with the stored one). PostgreSQL writes them in one
   * transaction; SQLite, whose whole file has one writer, a few thousand at a time so that another
   * process's write (a delivery recorded as sent) never waits long behind a large ingest. A batch
   * is stored whole or not at all; if the store fails part way through a large ingest, the batches
   * before stay stored, and ingesting again completes it. `onProgress` is called now and then with
   * how many are done.
   */
  upsertPapers(
    papers: readonly PaperInput[],
    seenAt: string,
    options?: { onProgress?: (done: number, total: number) => void },
  ): Promise<IngestCounts>;
  /** Papers first seen in (after, upTo], oldest first. */
  papersFirstSeenBetween(after: string, upTo: string): Promise<Paper[]>;
  /** Papers first seen up to `after` and revised after `after` and up to `upTo`: old papers with a new version. */
  papersRevisedBetween(after: string, upTo: string): Promise<Paper[]>;
  /** The newest papers first; `since` keeps those first seen at or after it. */
  listPapers(options: { since?: string; limit?: number }): Promise<Paper[]>;
  getPapers(ids: readonly string[]): Promise<Paper[]>;
  countPapers(): Promise<number>;
}

export interface SourceStore {
  getSourceState(name: string): Promise<SourceState | undefined>;
  listSourceStates(): Promise<SourceState[]>;
  /** Writes the state of a source after a run (replacing the previous one). */
  saveSourceState(state: SourceState): Promise<void>;
}

export interface TopicStore {
  /** The public topics: what pages, feeds, forms and lists may show. Personal topics never are. */
  listTopics(): Promise<Topic[]>;
  /** A public topic; `scope: 'any'` also finds a personal one (for the jobs that freeze and send editions). */
  getTopic(slug: string, scope?: 'public' | 'any'): Promise<Topic | undefined>;
  /** Every topic, personal ones included (with their owner): for ranking and naming editions, never for a public page. */
  listAllTopics(): Promise<Topic[]>;
  /** Adds or replaces the public topic with this slug; returns true when it was new. A personal topic's slug is refused. */
  saveTopic(topic: Topic, at: string): Promise<boolean>;
  /** Removes a public topic (a personal one only goes through removePersonalTopic). */
  removeTopic(slug: string): Promise<boolean>;
}

/** Webhooks that receive a topic set's editions, and their deliveries (rows of the delivery queue). */
export interface ChannelStore {
  /** Adds a channel; false (nothing written) when one of that name exists. */
  addChannel(channel: Channel): Promise<boolean>;
  /** By name. */
  listChannels(): Promise<Channel[]>;
  getChannel(name: string): Promise<Channel | undefined>;
  getChannelById(id: string): Promise<Channel | undefined>;
  /** Removes a channel; its deliveries stay as the record (one still pending is skipped when its turn comes). */
  removeChannel(name: string): Promise<boolean>;
  /** Whether the channel has a delivery of an edition of this period already. */
  hasChannelDelivery(channelId: string, period: Pick<Period, 'kind' | 'key'>): Promise<boolean>;
  /**
   * Queues an edition for a channel: a pending delivery due at `at`, unless the channel has this
   * edition already (one per (edition, channel), unique in the database). Returns whether it was new.
   */
  createChannelDelivery(row: {
    id: string;
    digestId: string;
    channelId: string;
    channelName: string;
    messageDomain: string;
    at: string;
  }): Promise<boolean>;
  /** Each channel's most recently changed delivery, by channel id (also of removed channels). */
  latestChannelDeliveries(): Promise<Map<string, Delivery>>;
}

/** A digest to store; one that shows no paper as updated may leave `updatedIds` out. */
export type NewDigest = Omit<Digest, 'updatedIds'> & { updatedIds?: string[] };

export interface DigestStore {
  /** Inserts the digest unless one exists for its (edition key, period); returns the one stored. */
  insertDigest(digest: NewDigest): Promise<{ digest: Digest; created: boolean }>;
  findDigest(editionKey: string, kind: PeriodKind, periodKey: string): Promise<Digest | undefined>;
  /** Where that edition's window starts and ends, without reading what it shows (a shared edition is 100 kB). */
  digestWindow(
    editionKey: string,
    kind: PeriodKind,
    periodKey: string,
  ): Promise<Pick<Digest, 'windowStart' | 'cutoffAt'> | undefined>;
  /** The newest digest of a topic set and period kind, for the window of the next one. */
  latestDigest(topicSet: string, kind: PeriodKind): Promise<Digest | undefined>;
  getDigest(id: string): Promise<Digest | undefined>;
  listDigests(options: { topicSet?: string; limit: number }): Promise<Digest[]>;
}

/** Small facts the application keeps between runs (e.g. when the sample papers were loaded). */
export interface MetaStore {
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
}

/** Named leases, so that of several processes on one store only one does a job at a time. */
export interface LeaseStore {
  /** Takes (or renews) a named lease until `expiresAt` unless another holder's lease is still running. */
  acquireLease(name: string, holder: string, now: string, expiresAt: string): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
}

export interface WriteProbe {
  /**
   * Commits a small write (a row of its own, nothing else reads it): fails, with a
   * StoreUnavailableError, when the store cannot take writes (locked, disk full, read-only).
   */
  probeWrite(at: string): Promise<void>;
}

/** Counters bumped by the database itself, whichever process wrote: caches and the planner check them. */
export interface ChangeCounters {
  /**
   * Changes whenever anything a feed shows changes (papers, topics, digests), in any process:
   * a cached feed is still good while this is the same.
   */
  contentVersion(): Promise<string>;
  /**
   * Changes whenever something besides the clock may give the planner new work: subscribers and
   * their topics, topics, papers, removed deliveries (any process). The planner skips a minute's
   * run when neither this nor the set of due slots changed since a complete run.
   */
  planVersion(): Promise<string>;
}

/** Of a subscriber, what a delivery re-checks just before sending. */
export type SubscriberState = Pick<Subscriber, 'id' | 'status' | 'layout'>;

export interface SubscriberStore {
  findSubscriberByEmail(email: string): Promise<Subscriber | undefined>;
  getSubscriber(id: string): Promise<Subscriber | undefined>;
  /**
   * What a delivery re-checks just before sending (status, layout) of the subscribers of these ids
   * that exist, in no particular order: one read for a batch of deliveries, without their topics.
   */
  subscriberStates(ids: readonly string[]): Promise<SubscriberState[]>;
  findSubscriberByConfirmToken(tokenHash: string): Promise<Subscriber | undefined>;
  /**
   * Writes each subscriber with its topics and appends its consent events, all in one transaction.
   * A `confirmation` queues a confirmation email (a pending delivery, due at its `at`) in the same
   * transaction, unless one is already on its way to that subscriber: then that one, if still
   * pending, is made due at `at` instead.
   */
  saveSubscribers(batch: readonly SubscriberWrite[]): Promise<void>;
  /**
   * Stores the hash of a newly made confirmation token for a subscriber who is still pending, with
   * when it expires and when it was sent. False (nothing written) when the subscriber is not pending.
   */
  issueConfirmToken(subscriberId: string, token: { hash: string; expiresAt: string; sentAt: string }): Promise<boolean>;
  listSubscribers(options?: { status?: SubscriberStatus }): Promise<Subscriber[]>;
  /** Removes a subscriber; the consent log keeps its history and records the removal. */
  deleteSubscriber(id: string, event: ConsentEvent): Promise<boolean>;
  /** The consent log, oldest first. */
  listConsentEvents(subscriberId?: string): Promise<ConsentEvent[]>;
  countSubscribers(): Promise<Record<SubscriberStatus, number>>;
}

/** Confirmed subscribers by schedule slot: the planner and `paperboy next` work per slot. */
export interface ScheduleStore {
  /**
   * The distinct schedules of confirmed subscribers and how many share each, ordered by
   * frequency, time zone and hour: the planner walks them in this order.
   */
  confirmedSlots(): Promise<(ScheduleSlot & { subscribers: number })[]>;
  /** The first `limit` confirmed subscribers of one slot by address (the slot index serves it). */
  listSlotSubscribers(slot: ScheduleSlot, limit: number): Promise<Subscriber[]>;
}

/** One subscriber to write, with its consent events and maybe a confirmation email to queue. */
export interface SubscriberWrite {
  subscriber: Subscriber;
  events: readonly ConsentEvent[];
  confirmation?: NewConfirmation;
}

/** A confirmation email to queue: the delivery's id, its Message-ID, and when it is due. */
export interface NewConfirmation {
  id: string;
  messageId: string;
  at: string;
}

/** A schedule shared by many subscribers: the due period is worked out once per slot. */
export interface ScheduleSlot {
  frequency: Frequency;
  timezone: string;
  sendHour: number;
}

/**
 * A subscriber the planner still has to plan: the id, the slugs of their topics that exist
 * (sorted), their slot and when they confirmed (a period due before that is not theirs).
 */
export interface PlanCandidate extends ScheduleSlot {
  id: string;
  topics: string[];
  confirmedAt: string | null;
}

/** How an attempt ended, written over the `sending` row that its worker claimed. */
export interface DeliveryUpdate {
  status: Exclude<DeliveryStatus, 'sending'>;
  nextAttemptAt?: string;
  lastError?: string | null;
  errorKind?: DeliveryErrorKind | null;
  smtpResponse?: string | null;
  sentAt?: string;
}

export interface Suppression {
  email: string;
  /** `erased`: the reader deleted their data; the address is all that is kept, so it is never mailed again. */
  reason: 'hard-bounce' | 'soft-bounces' | 'manual' | 'erased';
  detail: string | null;
  createdAt: string;
}

/** The queue of deliveries the workers send from: claim, give back, record how an attempt ended. */
export interface DeliveryQueue {
  /**
   * Atomically moves up to `limit` due pending rows (oldest due first) to `sending` for this
   * worker and counts the attempt. Several workers claiming together get disjoint rows.
   */
  claimDeliveries(workerId: string, now: string, limit: number): Promise<Delivery[]>;
  /**
   * Claims up to `limit` due pending confirmation emails of these subscribers, as claimDeliveries
   * does: for sending the ones a sign-up or an import has just queued, without other deliveries.
   */
  claimConfirmations(
    subscriberIds: readonly string[],
    workerId: string,
    now: string,
    limit: number,
  ): Promise<Delivery[]>;
  /** Gives back rows this worker claimed but never tried to send: pending again, the attempt not counted. */
  releaseDeliveries(ids: readonly string[], workerId: string, now: string): Promise<number>;
  /** Records how an attempt ended; only the worker holding the claim can. Returns false if it lost the claim. */
  finishDelivery(id: string, workerId: string, update: DeliveryUpdate, now: string): Promise<boolean>;
  /**
   * Records many accepted sends as sent in one write (each only if this worker still holds its
   * claim); returns how many it recorded.
   */
  recordSent(
    rows: readonly { id: string; smtpResponse: string; sentAt: string }[],
    workerId: string,
    now: string,
  ): Promise<number>;
  /**
   * recordSent, then claimDeliveries, in one transaction: one commit between a worker's batches
   * instead of two. If it fails, neither was done. Where the engine has none (PostgreSQL), the
   * worker calls the two.
   */
  recordSentAndClaim?(
    rows: readonly { id: string; smtpResponse: string; sentAt: string }[],
    workerId: string,
    now: string,
    limit: number,
  ): Promise<{ recorded: number; claimed: Delivery[] }>;
  /**
   * Rows left in `sending` by a worker that died (claimed before `staleBefore`, or by a worker
   * `isDead` says is gone) become failed/interrupted: held for the operator, never resent on their own.
   */
  holdInterrupted(staleBefore: string, isDead: (workerId: string) => boolean, now: string): Promise<Delivery[]>;
  /** The earliest time a pending row is due, if any row is pending. */
  nextPendingAt(): Promise<string | undefined>;
  /**
   * The pending rows as of `now`, in three kinds, each with how many and the earliest due time:
   * `retry`, rows with a failed attempt behind them; `due`, rows never tried that are due; `later`,
   * rows never tried that are not due yet.
   */
  pendingOutlook(now: string): Promise<Record<'retry' | 'due' | 'later', { count: number; firstAt: string | null }>>;
}

/** What the operator reads of the deliveries, and puts back in the queue. */
export interface DeliveryLog {
  countDeliveries(): Promise<Record<DeliveryStatus, number>>;
  /**
   * Delivery rows per UTC day from `sinceDay` (YYYY-MM-DD) on, oldest first, only days with any:
   * sent ones on the day they were sent, failed and skipped ones on the day they reached that state.
   */
  deliveriesPerDay(sinceDay: string): Promise<{ day: string; sent: number; failed: number; skipped: number }[]>;
  /** The most recently changed first (ties by id). */
  listDeliveries(options: { status?: DeliveryStatus; limit: number }): Promise<Delivery[]>;
  getDelivery(id: string): Promise<Delivery | undefined>;
  /** Puts failed rows back to pending, due now; returns how many. */
  retryDeliveries(filter: { ids?: readonly string[]; errorKind?: DeliveryErrorKind }, now: string): Promise<number>;
}

/** Who gets which edition: what the planner reads of the deliveries, and the rows it creates. */
export interface PlanningStore {
  /** `subscriberId|kind|key` of every period a subscriber already has a delivery for. */
  plannedPeriods(subscriberIds: readonly string[]): Promise<Set<string>>;
  /**
   * Streams the confirmed subscribers in these slots who have no delivery yet for the period, and
   * who have at least one existing topic, to `visit` (which must not call the store). Their
   * addresses are not read. Resolves to how many were visited.
   */
  eachUnplannedSubscriber(
    query: { slots: readonly ScheduleSlot[]; period: Pick<Period, 'kind' | 'key'> },
    visit: (candidate: PlanCandidate) => void,
  ): Promise<number>;
  /**
   * Inserts one pending delivery per row, all in one transaction, set-based: the address is
   * copied from the subscriber row (which must still be confirmed), the Message-ID is
   * `<id>@<messageDomain>`, and an existing (digest, subscriber) is left alone. Returns how many were new.
   * `digests` (editions the planner froze but did not store yet) are inserted first, in the same
   * transaction, as insertDigest would (an edition already stored is kept): a delivery is never
   * stored without its digest, and a failed call stores neither.
   */
  createDeliveriesFor(
    rows: readonly { id: string; digestId: string; subscriberId: string }[],
    messageDomain: string,
    at: string,
    digests?: readonly NewDigest[],
  ): Promise<number>;
  /**
   * Of these subscribers, those an edition whose window starts at `after` does not fit, each with
   * the latest cutoff of all the digests they have had (sent, about to be sent, or maybe sent by
   * an interrupted attempt): those who already had any of these papers, and those who have had
   * digests but none cut off at or after `after` (they missed an edition). Only digests cut off
   * after `after` and not of `period` are searched for the papers: an older digest cannot hold a
   * paper first seen after `after`. In the order the subscribers were asked.
   */
  receivedAnyOf(query: {
    subscriberIds: readonly string[];
    paperIds: readonly string[];
    after: string;
    period: Pick<Period, 'kind' | 'key'>;
    /** The edition's topic set: its previous edition's audience, cut off at `after`, missed nothing. */
    topicSet: string;
  }): Promise<Map<string, string>>;
  /**
   * For each revised paper, the subscribers who may be shown it once more, as updated: those who
   * had it (sent, about to be sent, or maybe sent by an interrupted attempt) in a digest cut off
   * at or before its revision, and were never shown it as updated. Set-based: one pass over the
   * digests that can hold each paper and their deliveries, whatever the number of subscribers.
   */
  updatableAudience(
    papers: readonly Pick<Paper, 'id' | 'firstSeenAt' | 'revisedAt'>[],
  ): Promise<Map<string, Set<string>>>;
}

/** Readers' ratings of the papers in their digests, one per reader, topic and paper. */
export interface RatingStore {
  /**
   * Records the rating, replacing the reader's earlier rating of that paper under that topic.
   * False, and nothing written, when the subscriber or the paper is not stored.
   */
  rate(rating: Rating): Promise<boolean>;
  /** False when there was no such rating. */
  removeRating(subscriberId: string, topicSlug: string, paperId: string): Promise<boolean>;
  /** Removes the reader's ratings under one topic; returns how many. */
  resetRatings(subscriberId: string, topicSlug: string): Promise<number>;
  /** One reader's ratings, by topic, newest first within a topic. */
  listRatings(subscriberId: string): Promise<Rating[]>;
  /**
   * The ratings of many readers at once (a few statements, whatever their number), each reader's
   * ordered as listRatings orders them. Readers without ratings are left out of the map.
   */
  ratingsOf(subscriberIds: readonly string[]): Promise<Map<string, Rating[]>>;
  /** The readers with at least one rating, read from the ratings' key alone: who may need an edition of their own. */
  ratedSubscribers(): Promise<Set<string>>;
}

/** A reader's right to be forgotten. */
export interface ErasureStore {
  /**
   * Deletes the subscriber and everything held about them (topics, ratings, consent history,
   * deliveries and bounces of their address, editions made for them alone: those whose edition
   * key holds their id) in one transaction, and keeps one suppression
   * entry (reason `erased`) so that the address is never mailed again. False when there is no such subscriber.
   */
  eraseSubscriber(id: string, at: string): Promise<boolean>;
}

/** Addresses that must not be mailed, and the bounces that put them there. */
export interface SuppressionStore {
  countSuppressions(): Promise<number>;
  isSuppressed(email: string): Promise<boolean>;
  /** Which of these addresses are on the suppression list, as stored there. */
  suppressedAmong(emails: readonly string[]): Promise<string[]>;
  /** Adds the address to the suppression list and marks its subscriber suppressed, in one transaction. */
  suppress(email: string, reason: Suppression['reason'], detail: string | null, at: string): Promise<void>;
  unsuppress(email: string): Promise<boolean>;
  /** Oldest first. */
  listSuppressions(): Promise<Suppression[]>;
  recordBounce(bounce: {
    email: string;
    kind: 'hard' | 'soft';
    deliveryId: string;
    response: string;
    at: string;
  }): Promise<void>;
  /** Soft bounces of an address since its last successful send. */
  softBounceStreak(email: string): Promise<number>;
}

/** One run of a job, as the admin page and /metrics show it. */
export interface RunRecord {
  job: string;
  startedAt: string;
  durationMs: number;
  outcome: 'ok' | 'failed';
  /** Deliveries created (plan runs). */
  planned: number;
  sent: number;
  failed: number;
  skipped: number;
  /** Ingest runs: the file or URL ingested. */
  source: string | null;
  /** The job's other counts, or the error of a failed run. */
  detail: Record<string, unknown> | null;
}

export interface RunTotals {
  job: string;
  outcome: RunRecord['outcome'];
  runs: number;
  planned: number;
  sent: number;
  failed: number;
  skipped: number;
}

export interface RunStore {
  recordRun(run: RunRecord): Promise<void>;
  /** The newest runs first. */
  listRuns(options: { limit: number }): Promise<RunRecord[]>;
  /** Counts over every recorded run, by job and outcome. */
  runTotals(): Promise<RunTotals[]>;
  /** The latest ingest run of each source, with when it last succeeded. */
  sourceHealth(): Promise<{ source: string; last: RunRecord; lastOkAt: string | null }[]>;
}

/**
 * A pace shared by every process on the store: the next free send slot of a named limiter, kept
 * in the database so that all workers together stay under the relay's limit.
 */
export interface SendRateStore {
  /**
   * Reserves the next slot: returns the time (ms since the epoch) the caller may send at, and moves
   * the next free slot `intervalMs` on (or the slower interval of a recorded slow-down, while it lasts).
   */
  reserveSendSlot(name: string, nowMs: number, intervalMs: number): Promise<{ atMs: number; intervalMs: number }>;
  /** Records that the relay asked to slow down: slots are at least `intervalMs` apart until `untilMs`. */
  slowSends(name: string, intervalMs: number, untilMs: number): Promise<void>;
}

/** The tables `paperboy export` copies, parents before children. */
export const TRANSFER_TABLES = [
  'papers',
  'source_states',
  'digests',
  'meta',
  'subscribers',
  // After subscribers: a personal topic refers to its owner.
  'topics',
  'personal_feeds',
  'subscriber_topics',
  'ratings',
  'channels',
  'consent_log',
  'deliveries',
  'suppressions',
  'bounces',
  'runs',
] as const;
export type TransferTable = (typeof TRANSFER_TABLES)[number];
export type TransferRow = Record<string, string | number | null>;

/** Moving a whole store to another engine, row for row. */
export interface TransferStore {
  /** A page of a table's rows, column name to value, in insertion (or key) order. */
  exportRows(table: TransferTable, offset: number, limit: number): Promise<TransferRow[]>;
  /**
   * Writes every page into this store in one transaction: all rows or none. Refuses a store that
   * already holds papers, subscribers or deliveries. Returns the rows written per table.
   */
  importRows(
    pages: AsyncIterable<{ table: TransferTable; rows: readonly TransferRow[] }>,
  ): Promise<Record<string, number>>;
}

export interface FullTextStore {
  /** The full-text engine rankings are built on (SQLite FTS5 in memory, whichever engine stores the papers). */
  readonly lexicalIndex: LexicalIndexFactory;
}

/** The parts of PersonalStore that read papers, feeds and deliveries (store/sql/personal.ts); the rest is with the topics. */
export type PersonalReads = Pick<
  PersonalStore,
  'papersTitled' | 'personalFeedNonce' | 'setPersonalFeed' | 'personalFeedOwner' | 'sentDigestsOf'
>;

/** Topics owned by one subscriber, and their secret feed (see migration 15). */
export interface PersonalStore {
  /** A subscriber's own topics, by name. */
  listPersonalTopics(owner: string): Promise<Topic[]>;
  /** How many personal topics there are and how many readers own one: the operator sees counts only. */
  countPersonalTopics(): Promise<{ topics: number; owners: number }>;
  /**
   * Adds or updates the owner's topic and subscribes them to it, in one transaction. Refuses (false)
   * a slug that belongs to a public topic or to another subscriber.
   */
  savePersonalTopic(topic: Topic & { owner: string }, at: string): Promise<boolean>;
  /** Removes the owner's topic and their subscription to it; false when they own no such topic. */
  removePersonalTopic(owner: string, slug: string): Promise<boolean>;
  /** Stored papers whose title, lowercased, is one of these: how library entries without an arXiv id are matched. */
  papersTitled(lowercaseTitles: readonly string[]): Promise<Paper[]>;
  /** The nonce a subscriber's feed secret is derived from, when they have a feed. */
  personalFeedNonce(subscriberId: string): Promise<string | undefined>;
  /** Sets (or replaces) a subscriber's feed: the old secret's hash is gone in the same write. */
  setPersonalFeed(subscriberId: string, secretHash: string, nonce: string, at: string): Promise<void>;
  /** The subscriber whose feed secret has this hash. */
  personalFeedOwner(secretHash: string): Promise<string | undefined>;
  /** The digests sent to a subscriber, newest first, each with when it was sent. */
  sentDigestsOf(subscriberId: string, limit: number): Promise<{ digest: Digest; sentAt: string }[]>;
}

/** Everything a store does; each job declares the part it uses. */
export interface Store
  extends PaperStore,
    SourceStore,
    TopicStore,
    PersonalStore,
    DigestStore,
    MetaStore,
    LeaseStore,
    WriteProbe,
    ChangeCounters,
    SubscriberStore,
    RatingStore,
    ErasureStore,
    ScheduleStore,
    DeliveryQueue,
    DeliveryLog,
    PlanningStore,
    SuppressionStore,
    RunStore,
    SendRateStore,
    TransferStore,
    FullTextStore,
    ChannelStore {
  readonly engine: 'sqlite' | 'postgres';
  /** The schema version after opening, and how many migrations opening applied. */
  readonly schema: { version: number; applied: number };
  close(): Promise<void>;
}
