// The interfaces the rest of Paperboy needs from a store. Adapters (sqlite/, postgres/)
// implement them; nothing outside store/ knows which engine is behind them.
import type { Delivery, DeliveryErrorKind, DeliveryStatus } from '../domain/delivery.js';
import type { Digest } from '../domain/digest.js';
import type { Paper, PaperInput } from '../domain/paper.js';
import type { PeriodKind } from '../domain/period.js';
import type { SourceState } from '../domain/source.js';
import type { ConsentEvent, Subscriber, SubscriberStatus } from '../domain/subscriber.js';
import type { Topic } from '../domain/topic.js';

export interface IngestCounts {
  added: number;
  updated: number;
  unchanged: number;
}

export interface PaperStore {
  /**
   * Upserts all papers in one transaction: all are stored, or none. The full-text index is updated
   * in the same transaction. `onProgress` is called now and then with how many are done.
   */
  upsertPapers(
    papers: readonly PaperInput[],
    seenAt: string,
    options?: { onProgress?: (done: number, total: number) => void },
  ): Promise<IngestCounts>;
  /**
   * Full-text search over titles and abstracts (all words must match), best first: a word in the
   * title weighs more than one in the abstract. Words match whole (no stemming, no prefixes),
   * ignoring case and accents; punctuation separates words and nothing is read as an operator.
   */
  searchPapers(words: string, limit: number): Promise<Paper[]>;
  /** Papers first seen in (after, upTo], oldest first. */
  papersFirstSeenBetween(after: string, upTo: string): Promise<Paper[]>;
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
  listTopics(): Promise<Topic[]>;
  getTopic(slug: string): Promise<Topic | undefined>;
  /** Adds or replaces the topic with this slug; returns true when it was new. */
  saveTopic(topic: Topic, at: string): Promise<boolean>;
  removeTopic(slug: string): Promise<boolean>;
}

export interface DigestStore {
  /** Inserts the digest unless one exists for its (topic set, period); returns the one stored. */
  insertDigest(digest: Digest): Promise<{ digest: Digest; created: boolean }>;
  findDigest(topicSet: string, kind: PeriodKind, periodKey: string): Promise<Digest | undefined>;
  /** The newest digest of a topic set and period kind, for the window of the next one. */
  latestDigest(topicSet: string, kind: PeriodKind): Promise<Digest | undefined>;
  getDigest(id: string): Promise<Digest | undefined>;
  listDigests(options: { topicSet?: string; limit: number }): Promise<Digest[]>;
}

/** Small facts the application keeps between runs (e.g. when the sample papers were loaded). */
export interface MetaStore {
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /** Takes (or renews) a named lease until `expiresAt` unless another holder's lease is still running. */
  acquireLease(name: string, holder: string, now: string, expiresAt: string): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
}

export interface SubscriberStore {
  findSubscriberByEmail(email: string): Promise<Subscriber | undefined>;
  getSubscriber(id: string): Promise<Subscriber | undefined>;
  findSubscriberByConfirmToken(tokenHash: string): Promise<Subscriber | undefined>;
  /** Writes each subscriber with its topics and appends its consent events, all in one transaction. */
  saveSubscribers(batch: readonly { subscriber: Subscriber; events: readonly ConsentEvent[] }[]): Promise<void>;
  listSubscribers(options?: { status?: SubscriberStatus }): Promise<Subscriber[]>;
  /** Removes a subscriber; the consent log keeps its history and records the removal. */
  deleteSubscriber(id: string, event: ConsentEvent): Promise<boolean>;
  /** The consent log, oldest first. */
  listConsentEvents(subscriberId?: string): Promise<ConsentEvent[]>;
}

export interface NewDelivery {
  id: string;
  digestId: string;
  subscriberId: string;
  email: string;
  messageId: string;
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
  reason: 'hard-bounce' | 'soft-bounces' | 'manual';
  detail: string | null;
  createdAt: string;
}

export interface DeliveryStore {
  /** Inserts the rows that do not exist yet (unique on digest and subscriber); returns how many were new. */
  createDeliveries(rows: readonly NewDelivery[], at: string): Promise<number>;
  /** Atomically moves one due pending row to `sending` for this worker and counts the attempt. */
  claimNextDelivery(workerId: string, now: string): Promise<Delivery | undefined>;
  /**
   * Claims up to `limit` due pending rows at once (oldest due first), as claimNextDelivery does for
   * one. Several workers claiming together get disjoint rows.
   */
  claimDeliveries(workerId: string, now: string, limit: number): Promise<Delivery[]>;
  /** Gives back rows this worker claimed but never tried to send: pending again, the attempt not counted. */
  releaseDeliveries(ids: readonly string[], workerId: string, now: string): Promise<number>;
  /** Records how an attempt ended; only the worker holding the claim can. Returns false if it lost the claim. */
  finishDelivery(id: string, workerId: string, update: DeliveryUpdate, now: string): Promise<boolean>;
  /**
   * Rows left in `sending` by a worker that died (claimed before `staleBefore`, or by a worker
   * `isDead` says is gone) become failed/interrupted: held for the operator, never resent on their own.
   */
  holdInterrupted(staleBefore: string, isDead: (workerId: string) => boolean, now: string): Promise<Delivery[]>;
  /** The earliest time a pending row is due, if any row is pending. */
  nextPendingAt(): Promise<string | undefined>;
  countDeliveries(): Promise<Record<DeliveryStatus, number>>;
  listDeliveries(options: { status?: DeliveryStatus; limit: number }): Promise<Delivery[]>;
  getDelivery(id: string): Promise<Delivery | undefined>;
  /** Puts failed rows back to pending, due now; returns how many. */
  retryDeliveries(filter: { ids?: readonly string[]; errorKind?: DeliveryErrorKind }, now: string): Promise<number>;
  /** `subscriberId|kind|key` of every period a subscriber already has a delivery for. */
  plannedPeriods(subscriberIds: readonly string[]): Promise<Set<string>>;
  /**
   * What each subscriber has been sent or is about to be sent (and what a crash may have sent):
   * the paper ids, and the latest cutoff of those digests.
   */
  receivedHistory(subscriberIds: readonly string[]): Promise<Map<string, { paperIds: Set<string>; lastCutoff: string }>>;

  isSuppressed(email: string): Promise<boolean>;
  /** Adds the address to the suppression list and marks its subscriber suppressed, in one transaction. */
  suppress(email: string, reason: Suppression['reason'], detail: string | null, at: string): Promise<void>;
  unsuppress(email: string): Promise<boolean>;
  listSuppressions(): Promise<Suppression[]>;
  recordBounce(bounce: { email: string; kind: 'hard' | 'soft'; deliveryId: string; response: string; at: string }): Promise<void>;
  /** Soft bounces of an address since its last successful send. */
  softBounceStreak(email: string): Promise<number>;
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
  'topics',
  'digests',
  'meta',
  'subscribers',
  'subscriber_topics',
  'consent_log',
  'deliveries',
  'suppressions',
  'bounces',
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
  importRows(pages: AsyncIterable<{ table: TransferTable; rows: readonly TransferRow[] }>): Promise<Record<string, number>>;
}

export interface Store
  extends PaperStore, SourceStore, TopicStore, DigestStore, MetaStore, SubscriberStore, DeliveryStore, SendRateStore, TransferStore {
  readonly engine: 'sqlite' | 'postgres';
  /** The schema version after opening, and how many migrations opening applied. */
  readonly schema: { version: number; applied: number };
  close(): Promise<void>;
}
