// The interfaces the rest of Paperboy needs from a store. Adapters (sqlite/, later postgres/)
// implement them; nothing outside store/ knows which engine is behind them.
import type { Digest } from '../domain/digest.js';
import type { Paper, PaperInput } from '../domain/paper.js';
import type { PeriodKind } from '../domain/period.js';
import type { ConsentEvent, Subscriber, SubscriberStatus } from '../domain/subscriber.js';
import type { Topic } from '../domain/topic.js';

export interface IngestCounts {
  added: number;
  updated: number;
  unchanged: number;
}

export interface PaperStore {
  /** Upserts all papers in one transaction: all are stored, or none. */
  upsertPapers(papers: readonly PaperInput[], seenAt: string): Promise<IngestCounts>;
  /** Papers first seen in (after, upTo], oldest first. */
  papersFirstSeenBetween(after: string, upTo: string): Promise<Paper[]>;
  /** The newest papers first; `since` keeps those first seen at or after it. */
  listPapers(options: { since?: string; limit?: number }): Promise<Paper[]>;
  getPapers(ids: readonly string[]): Promise<Paper[]>;
  countPapers(): Promise<number>;
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

export interface Store extends PaperStore, TopicStore, DigestStore, MetaStore, SubscriberStore {
  readonly engine: string;
  close(): Promise<void>;
}
