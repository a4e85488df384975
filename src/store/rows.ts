// Rows as both engines return them, and their domain types. The SQL differs per engine (see
// sqlite/ and postgres/); the columns and what they mean do not, so the mapping is written once.
import type { Delivery, DeliveryKind, DeliveryStatus } from '../domain/delivery.js';
import type { Digest, DigestEntries } from '../domain/digest.js';
import type { PeriodKind } from '../domain/period.js';
import type { Paper } from '../domain/paper.js';
import type { SourceState, SourceStatus, Weekday } from '../domain/source.js';
import type { ConsentEvent, Frequency, Layout, Subscriber } from '../domain/subscriber.js';
import type { PlanCandidate, RunRecord } from './ports.js';

export interface DeliveryRow {
  id: string;
  kind: DeliveryKind;
  digest_id: string | null;
  subscriber_id: string;
  email: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  claimed_at: string | null;
  claimed_by: string | null;
  last_error: string | null;
  error_kind: Delivery['errorKind'];
  smtp_response: string | null;
  message_id: string;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  /** Set on a channel's delivery (whose subscriber_id is then the channel's id); absent before migration 16. */
  channel_id?: string | null;
}

/** Claimed rows in the order they came due (a claim's RETURNING gives them in no set order). */
export const byDue = (a: DeliveryRow, b: DeliveryRow) =>
  a.next_attempt_at < b.next_attempt_at
    ? -1
    : a.next_attempt_at > b.next_attempt_at
      ? 1
      : a.id < b.id
        ? -1
        : a.id > b.id
          ? 1
          : 0;

export function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    // A channel's delivery is stored as a digest delivery to the channel: one per (edition, channel).
    kind: r.channel_id ? 'channel' : r.kind,
    digestId: r.digest_id,
    subscriberId: r.subscriber_id,
    email: r.email,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    claimedAt: r.claimed_at,
    claimedBy: r.claimed_by,
    lastError: r.last_error,
    errorKind: r.error_kind,
    smtpResponse: r.smtp_response,
    messageId: r.message_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at,
  };
}

export interface DigestRow {
  id: string;
  topic_set: string;
  period_kind: PeriodKind;
  period_key: string;
  period_start: string;
  period_end: string;
  window_start: string;
  cutoff_at: string;
  created_at: string;
  subject: string;
  paper_ids: string;
  updated_ids: string;
  html: string;
  text: string;
  compact_html: string | null;
  compact_text: string | null;
  entries: string | null;
  /** Absent in rows read from a store before migration 17. */
  view?: string | null;
}

export function toDigest(row: DigestRow): Digest {
  return {
    id: row.id,
    editionKey: row.topic_set,
    period: {
      kind: row.period_kind,
      key: row.period_key,
      start: new Date(row.period_start),
      end: new Date(row.period_end),
    },
    windowStart: row.window_start,
    cutoffAt: row.cutoff_at,
    createdAt: row.created_at,
    subject: row.subject,
    paperIds: JSON.parse(row.paper_ids) as string[],
    updatedIds: JSON.parse(row.updated_ids) as string[],
    html: row.html,
    text: row.text,
    ...(row.compact_html !== null && row.compact_text !== null
      ? { compact: { html: row.compact_html, text: row.compact_text } }
      : {}),
    ...(row.entries ? { entries: JSON.parse(row.entries) as DigestEntries } : {}),
    ...(row.view ? { view: row.view } : {}),
  };
}

export interface SubscriberRow {
  id: string;
  email: string;
  status: Subscriber['status'];
  frequency: Subscriber['frequency'];
  timezone: string;
  send_hour: number;
  created_at: string;
  updated_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  confirm_token_hash: string | null;
  confirm_expires_at: string | null;
  confirm_sent_at: string | null;
  layout: Layout;
  topics: string | null; // comma-joined by the query
}

export interface ConsentRow {
  subscriber_id: string;
  email: string;
  event: ConsentEvent['type'];
  at: string;
  topics: string;
  source: string;
  ip: string | null;
  user_agent: string | null;
  detail: string | null;
}

export function toSubscriber(row: SubscriberRow): Subscriber {
  return {
    id: row.id,
    email: row.email,
    status: row.status,
    topics: row.topics ? row.topics.split(',') : [],
    frequency: row.frequency,
    timezone: row.timezone,
    sendHour: row.send_hour,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    confirmedAt: row.confirmed_at,
    unsubscribedAt: row.unsubscribed_at,
    confirmTokenHash: row.confirm_token_hash,
    confirmExpiresAt: row.confirm_expires_at,
    confirmSentAt: row.confirm_sent_at,
    // 'full' is the default and is left out, as a subscriber made without a choice has it.
    ...(row.layout === 'compact' ? { layout: row.layout } : {}),
  };
}

export function toEvent(row: ConsentRow): ConsentEvent {
  return {
    subscriberId: row.subscriber_id,
    email: row.email,
    type: row.event,
    at: row.at,
    topics: JSON.parse(row.topics) as string[],
    source: row.source,
    ...(row.ip ? { ip: row.ip } : {}),
    ...(row.user_agent ? { userAgent: row.user_agent } : {}),
    ...(row.detail ? { detail: row.detail } : {}),
  };
}

export interface PaperRow {
  id: string;
  arxiv_id: string | null;
  version: number | null;
  title: string;
  abstract: string;
  authors: string;
  url: string | null;
  published_at: string | null;
  first_seen_at: string;
  updated_at: string;
  categories: string | null;
  upvotes: number | null;
  ai_summary: string | null;
  ai_keywords: string | null;
  github_repo: string | null;
  featured_on: string | null;
  revised_at: string | null;
}

/** A row as a Paper; facts the row lacks are left out, never set to null or []. */
export function toPaper(row: PaperRow): Paper {
  const paper: Paper = {
    id: row.id,
    arxivId: row.arxiv_id,
    version: row.version,
    title: row.title,
    abstract: row.abstract,
    authors: JSON.parse(row.authors) as string[],
    url: row.url,
    publishedAt: row.published_at,
    firstSeenAt: row.first_seen_at,
    updatedAt: row.updated_at,
  };
  if (row.categories !== null) paper.categories = JSON.parse(row.categories) as string[];
  if (row.upvotes !== null) paper.upvotes = row.upvotes;
  if (row.ai_summary !== null) paper.aiSummary = row.ai_summary;
  if (row.ai_keywords !== null) paper.aiKeywords = JSON.parse(row.ai_keywords) as string[];
  if (row.github_repo !== null) paper.githubRepo = row.github_repo;
  if (row.featured_on !== null) paper.featuredOn = row.featured_on;
  if (row.revised_at) paper.revisedAt = row.revised_at;
  return paper;
}

export interface SourceRow {
  name: string;
  status: SourceStatus;
  detail: string | null;
  last_attempt_at: string;
  last_success_at: string | null;
  last_changed_at: string | null;
  newest_item_at: string | null;
  items_seen: number;
  items_new: number;
  failures: number;
  etag: string | null;
  last_modified: string | null;
  skip_days: string | null;
}

export function toState(row: SourceRow): SourceState {
  return {
    name: row.name,
    status: row.status,
    detail: row.detail,
    lastAttemptAt: row.last_attempt_at,
    lastSuccessAt: row.last_success_at,
    lastChangedAt: row.last_changed_at,
    newestItemAt: row.newest_item_at,
    itemsSeen: row.items_seen,
    itemsNew: row.items_new,
    failures: row.failures,
    etag: row.etag,
    lastModified: row.last_modified,
    skipDays: row.skip_days ? (JSON.parse(row.skip_days) as Weekday[]) : [],
  };
}

export interface RunRow {
  job: string;
  started_at: string;
  duration_ms: number;
  outcome: RunRecord['outcome'];
  planned: number;
  sent: number;
  failed: number;
  skipped: number;
  source: string | null;
  detail: string | null;
}

export function toRun(r: RunRow): RunRecord {
  return {
    job: r.job,
    startedAt: r.started_at,
    durationMs: r.duration_ms,
    outcome: r.outcome,
    planned: r.planned,
    sent: r.sent,
    failed: r.failed,
    skipped: r.skipped,
    source: r.source,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
  };
}

/** A subscriber still to plan, as the planning query returns it (topics comma-joined, sorted). */
export interface PlanCandidateRow {
  id: string;
  topics: string;
  frequency: Frequency;
  timezone: string;
  send_hour: number;
  confirmed_at: string | null;
}

export function toPlanCandidate(row: PlanCandidateRow): PlanCandidate {
  return {
    id: row.id,
    topics: row.topics.split(','),
    frequency: row.frequency,
    timezone: row.timezone,
    sendHour: row.send_hour,
    confirmedAt: row.confirmed_at,
  };
}
