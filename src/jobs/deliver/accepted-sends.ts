import type { Delivery } from '../../domain/delivery.js';
import type { Logger } from '../../log.js';

export interface AcceptedSend {
  delivery: Delivery;
  smtpResponse: string;
  sentAt: string;
}

export interface AcceptedSendsDeps {
  /** Records these as sent over this worker's claims in one write; returns how many it recorded. */
  recordSent: (sends: readonly AcceptedSend[]) => Promise<number>;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  /** Writes tried after the first one fails, each after twice the previous wait. */
  retries?: number;
  firstRetryMs?: number;
}

/**
 * The deliveries the relay accepted, until each is recorded as sent: gathered and written in one
 * statement before the worker claims its next rows (on SQLite in the claim's own transaction, one
 * commit for both: flushThen) and at the end of each pass, so
 * a worker never holds more rows in `sending` than it claims at once plus one per connection.
 * After a 250 the row must end `sent`, or stay held for the operator; it never goes back to
 * pending, or the reader gets the digest twice. A write that fails (SQLite still busy after its
 * timeout, a PostgreSQL connection lost) is tried again with backoff; if it still fails, the sends
 * are kept here and written by the next `flush()` (the next claim, the end of the run, the next
 * run of this worker). Meanwhile their rows stay in `sending`, which the crash policy holds as
 * interrupted, and never resends, should this process end first.
 */
export function createAcceptedSends(deps: AcceptedSendsDeps) {
  const { sleep, logger } = deps;
  const retries = deps.retries ?? 5;
  const firstRetryMs = deps.firstRetryMs ?? 200;
  let waiting: AcceptedSend[] = [];
  let lastError: string | undefined;
  // How many of the waiting sends a write with all its retries already failed for: tried once
  // more at each flush, not waited on again, unless newer ones came.
  let givenUp = 0;
  let writing: Promise<void> | undefined;

  const writeOnce = async (retryAsked: boolean) => {
    const retry = retryAsked && waiting.length > givenUp;
    for (let attempt = 0; waiting.length > 0; attempt++) {
      const batch = waiting;
      waiting = [];
      try {
        const recorded = await deps.recordSent(batch);
        if (recorded < batch.length)
          logger.warn('delivery claims lost before they were recorded', { lost: batch.length - recorded });
        lastError = undefined;
        givenUp = 0;
        return;
      } catch (err) {
        // Kept, in front of anything accepted meanwhile.
        waiting = batch.concat(waiting);
        lastError = (err as Error).message;
        if (!retry || attempt >= retries) {
          givenUp = waiting.length;
          logger.error(
            'the relay accepted deliveries that could not be recorded as sent; they stay held and are not sent again',
            { deliveries: batch.map((s) => s.delivery.id), error: lastError },
          );
          return;
        }
        await sleep(firstRetryMs * 2 ** attempt);
      }
    }
  };

  /**
   * Records every accepted delivery not recorded yet, in one write; with `retry`, tried again
   * with backoff when the store fails. Resolves with how many are still unrecorded.
   */
  async function flush(retry = false): Promise<number> {
    // One write at a time: a second caller waits for it, then writes what came after.
    while (writing) await writing;
    writing = writeOnce(retry).finally(() => (writing = undefined));
    await writing;
    return waiting.length;
  }

  return {
    /** An accepted delivery, to be recorded as sent by the next flush. */
    add(send: AcceptedSend): void {
      waiting.push(send);
    },

    flush,

    /**
     * What comes after a flush, written with it where the store can: `together` records the sends
     * and does `next` in one write (SQLite: the record and the next claim, one commit). If that
     * fails, nothing of it was done: the sends are flushed as `flush(true)` does, then `next` runs.
     */
    async flushThen<T>(
      next: () => Promise<T>,
      together?: (sends: readonly AcceptedSend[]) => Promise<{ recorded: number; next: T }>,
    ): Promise<T> {
      while (writing) await writing;
      if (together && givenUp === 0) {
        let result: { recorded: number; next: T } | undefined;
        const batch = waiting;
        waiting = [];
        writing = together(batch).then(
          (r) => {
            result = r;
            if (r.recorded < batch.length)
              logger.warn('delivery claims lost before they were recorded', { lost: batch.length - r.recorded });
            lastError = undefined;
          },
          () => {
            waiting = batch.concat(waiting);
          },
        );
        try {
          await writing;
        } finally {
          writing = undefined;
        }
        if (result) return result.next;
      }
      await flush(true);
      return next();
    },

    /** Why the last write of accepted deliveries failed, while some are still unrecorded. */
    lastError(): string | undefined {
      return waiting.length > 0 ? lastError : undefined;
    },
  };
}
