import type { Period, PeriodKind } from '../../domain/period.js';
import { topicSetKey, type Topic } from '../../domain/topic.js';
import type { DigestStore } from '../../store/ports.js';

const PERIOD_MS: Record<PeriodKind, number> = { day: 86_400_000, week: 7 * 86_400_000 };

export interface WindowStartOptions {
  topics: readonly Topic[];
  period: Period;
  at: Date;
  variantSince?: string;
  /** Spares a lookup when the caller has just found no main edition for the period. */
  mainKnownMissing?: boolean;
}

/**
 * Where an edition's window starts: at `variantSince` for a variant, else where the topic set's
 * previous main edition was cut off (or one period length back for the first).
 */
export async function windowStartOf(
  store: Pick<DigestStore, 'digestWindow' | 'latestDigest'>,
  { topics, period, at, variantSince, mainKnownMissing = false }: WindowStartOptions,
): Promise<string> {
  if (variantSince) return variantSince;
  const mainSet = topicSetKey(topics.map((t) => t.slug));
  // An edition with updates beside this period's main one shares its window: the main one is
  // then the latest, and must not be taken for the previous. Only its window is read: every
  // reader's own edition asks, and the main edition's row holds its rendering.
  const current = mainKnownMissing ? undefined : await store.digestWindow(mainSet, period.kind, period.key);
  if (current) return current.windowStart;
  const kind = period.kind;
  const previous = await store.latestDigest(mainSet, kind);
  return previous?.cutoffAt ?? new Date(at.getTime() - PERIOD_MS[kind]).toISOString();
}
