import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ParseError } from '../../domain/errors.js';
import { normaliseEmail } from '../../domain/email.js';
import { newId } from '../../domain/tokens.js';
import {
  parseFrequency,
  parseHour,
  parseLayout,
  parseStatus,
  parseTimezone,
  type ConsentEvent,
  type Subscriber,
} from '../../domain/subscriber.js';
import type { Logger } from '../../log.js';
import type {
  PaperStore,
  RatingStore,
  SubscriberStore,
  SubscriberWrite,
  SuppressionStore,
  TopicStore,
} from '../../store/ports.js';
import type { RunSummary } from '../deliver/deliver.js';
import { isPersonalSlug } from '../../domain/topic.js';
import { personalTopicsForExport } from './personal-export.js';
import type { SubscriptionJobs } from './subscriptions.js';

export interface ImportReport {
  added: number;
  updated: number;
  /** Rows for addresses that unsubscribed or are suppressed here: an import never brings them back. */
  skipped: number;
  /** Confirmation emails queued with the import, sent at once when the relay takes them. */
  confirmationsQueued: number;
  confirmationsSent: number;
  /** Failed for good (a 550, or out of attempts): see `paperboy deliveries list --status failed`. */
  confirmationsFailed: number;
  /** Still queued (the relay was down or asked to wait): the next delivery run sends them. */
  confirmationsWaiting: number;
}

interface Deps {
  store: Pick<SubscriberStore, 'findSubscriberByEmail' | 'listSubscribers' | 'listConsentEvents' | 'saveSubscribers'> &
    Pick<TopicStore, 'listTopics' | 'listAllTopics'> &
    Pick<SuppressionStore, 'isSuppressed'> &
    Pick<RatingStore, 'ratingsOf'> &
    Pick<PaperStore, 'getPapers'>;
  subscriptions: Pick<SubscriptionJobs, 'newConfirmation'>;
  /** Sends now the confirmation emails queued for these subscribers (the deliverer's). */
  deliverConfirmations: (subscriberIds: readonly string[]) => Promise<RunSummary>;
  clock: () => Date;
  logger: Logger;
}

type Row = Record<string, string>;

/** Reads an import CSV: a header row with at least `email`; topics are slugs separated by `;`. */
function readRows(text: string, file: string): { line: number; row: Row }[] {
  let records: { record: Row; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      skip_empty_lines: true,
      info: true,
      bom: true,
      trim: true,
    });
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new ParseError(file, line, `invalid CSV: ${(err as Error).message.replace(/^Invalid \w+ \w+:?\s*/, '')}`, {
      cause: err,
    });
  }
  if (records.length > 0 && !('email' in (records[0]?.record ?? {}))) {
    throw new ParseError(file, 1, 'the header has no "email" column', { field: 'email' });
  }
  return records.map((r) => ({ line: r.info.lines, row: r.record }));
}

export function createSubscriberCsvJobs({ store, subscriptions, deliverConfirmations, clock, logger }: Deps) {
  return {
    /**
     * Imports a list in one transaction: every row is checked first, and a bad row stores nothing.
     * A row marked `confirmed` needs `confirmed: true` (the operator vouches for consent); so do
     * rows without a status to be stored as confirmed. Other new rows are pending and get the
     * double opt-in email, as does a pending address that was never sent one: the emails are
     * queued in the import's transaction and tried once it is stored; those the relay does not
     * take now wait for the next delivery run (`send`, `worker`, `serve`).
     */
    async importCsv(text: string, file: string, options: { confirmed: boolean }): Promise<ImportReport> {
      const rows = readRows(text, file);
      const known = new Set((await store.listTopics()).map((t) => t.slug));
      const now = clock().toISOString();
      const batch: SubscriberWrite[] = [];
      const toConfirm: string[] = [];
      const seen = new Set<string>();
      const report: ImportReport = {
        added: 0,
        updated: 0,
        skipped: 0,
        confirmationsQueued: 0,
        confirmationsSent: 0,
        confirmationsFailed: 0,
        confirmationsWaiting: 0,
      };

      for (const { line, row } of rows) {
        const field = <T>(name: string, fn: () => T): T => {
          try {
            return fn();
          } catch (err) {
            throw new ParseError(file, line, (err as Error).message, { field: name });
          }
        };
        const email = field('email', () => normaliseEmail(row.email ?? ''));
        if (seen.has(email)) throw new ParseError(file, line, `${email} appears twice`, { field: 'email' });
        seen.add(email);
        const topics = (row.topics ?? '')
          .split(';')
          .map((t) => t.trim())
          .filter(Boolean)
          .sort();
        const unknown = topics.filter((t) => !known.has(t));
        if (unknown.length > 0) throw new ParseError(file, line, `unknown topic "${unknown[0]}"`, { field: 'topics' });
        if (topics.length === 0) throw new ParseError(file, line, 'no topics', { field: 'topics' });
        const status = row.status
          ? field('status', () => parseStatus(row.status!))
          : options.confirmed
            ? 'confirmed'
            : 'pending';
        if (status === 'confirmed' && !options.confirmed) {
          throw new ParseError(
            file,
            line,
            `${email} is marked confirmed: pass --confirmed to vouch for the consent of confirmed rows`,
            {
              field: 'status',
            },
          );
        }
        const prefs = {
          topics,
          frequency: field('frequency', () => parseFrequency(row.frequency || 'daily')),
          timezone: field('timezone', () => parseTimezone(row.timezone || 'UTC')),
          sendHour: field('hour', () => parseHour(row.hour || '8')),
          // Without the column, a subscriber already stored keeps their layout.
          ...(row.layout ? { layout: field('layout', () => parseLayout(row.layout!)) } : {}),
        };

        const existing = await store.findSubscriberByEmail(email);
        if (
          (existing && (existing.status === 'unsubscribed' || existing.status === 'suppressed')) ||
          (await store.isSuppressed(email))
        ) {
          report.skipped++;
          continue;
        }
        const subscriber: Subscriber = {
          id: existing?.id ?? newId('sub'),
          email,
          ...prefs,
          // A confirmed subscriber stays confirmed, unless the row says they unsubscribed: an
          // imported unsubscribe list is honoured.
          status: existing?.status === 'confirmed' && status !== 'unsubscribed' ? 'confirmed' : status,
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
          confirmedAt: existing?.confirmedAt ?? (status === 'confirmed' ? now : null),
          unsubscribedAt: status === 'unsubscribed' ? now : null,
          confirmTokenHash: existing?.confirmTokenHash ?? null,
          confirmExpiresAt: existing?.confirmExpiresAt ?? null,
          confirmSentAt: existing?.confirmSentAt ?? null,
        };
        const confirm = subscriber.status === 'pending' && (!existing || existing.confirmSentAt === null);
        batch.push({
          subscriber,
          events: [
            {
              subscriberId: subscriber.id,
              email,
              type: 'import',
              at: now,
              topics,
              source: 'csv-import',
              detail: `${file} line ${line}: ${subscriber.status}`,
            },
          ],
          ...(confirm ? { confirmation: subscriptions.newConfirmation() } : {}),
        });
        if (existing) report.updated++;
        else report.added++;
        if (confirm) toConfirm.push(subscriber.id);
      }

      await store.saveSubscribers(batch);
      report.confirmationsQueued = toConfirm.length;
      if (toConfirm.length > 0) {
        const tried = await deliverConfirmations(toConfirm);
        report.confirmationsSent = tried.sent;
        report.confirmationsFailed = tried.failed;
        report.confirmationsWaiting = tried.waiting;
      }
      logger.info('subscribers imported', { file, ...report });
      return report;
    },

    /**
     * Every subscriber with state and consent times, as CSV (importable again; how many ratings
     * each has) or JSON with the full consent log and each rating: all Paperboy holds of a reader.
     */
    async export(format: 'csv' | 'json'): Promise<string> {
      const subscribers = await store.listSubscribers();
      const events = await store.listConsentEvents();
      const personal = await personalTopicsForExport(store);
      const bySubscriber = new Map<string, ConsentEvent[]>();
      for (const e of events) bySubscriber.set(e.subscriberId, [...(bySubscriber.get(e.subscriberId) ?? []), e]);
      const ratings = await store.ratingsOf(subscribers.map((s) => s.id));
      const rated = [...new Set([...ratings.values()].flatMap((list) => list.map((r) => r.paperId)))];
      const titles = new Map((await store.getPapers(rated)).map((p) => [p.id, p.title]));
      const rows = subscribers.map((s) => {
        const history = bySubscriber.get(s.id) ?? [];
        const own = personal.get(s.id) ?? [];
        const rated = (ratings.get(s.id) ?? []).map((r) => ({
          topic: r.topicSlug,
          paper: r.paperId,
          title: titles.get(r.paperId) ?? '',
          rating: r.value === 1 ? 'more like this' : 'not for me',
          rated_at: r.ratedAt,
        }));
        return {
          email: s.email,
          status: s.status,
          // The public ones: a personal topic's slug means nothing to an import (its topic is in personal_topics).
          topics: s.topics.filter((slug) => !isPersonalSlug(slug)),
          frequency: s.frequency,
          timezone: s.timezone,
          hour: s.sendHour,
          layout: s.layout ?? 'full',
          created_at: s.createdAt,
          subscribed_at: history.find((e) => e.type === 'subscribe' || e.type === 'import')?.at ?? '',
          confirmed_at: s.confirmedAt ?? '',
          unsubscribed_at: s.unsubscribedAt ?? '',
          personal_topics: own,
          consent: history.map(({ type, at, source, topics, ip, userAgent, detail }) => ({
            type,
            at,
            source,
            topics,
            ip,
            userAgent,
            detail,
          })),
          // The reader's own data beside the subscription.
          ratings: rated,
        };
      });
      if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
      return stringify(
        rows.map(({ consent: _consent, topics, personal_topics, ratings: list, ...flat }) => ({
          ...flat,
          topics: topics.join(';'),
          // Names and counts only here; the JSON export has each topic's words and papers and each rating.
          personal_topics: personal_topics.map((t) => t.name).join('; '),
          ratings: list.length,
        })),
        {
          header: true,
          columns: [
            'email',
            'status',
            'topics',
            'frequency',
            'timezone',
            'hour',
            'layout',
            'created_at',
            'subscribed_at',
            'confirmed_at',
            'unsubscribed_at',
            'personal_topics',
            'ratings',
          ],
        },
      );
    },
  };
}
