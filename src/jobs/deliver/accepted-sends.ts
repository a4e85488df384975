import type { Delivery } from '../../domain/delivery.js';
import type { Logger } from '../../log.js';
import type { DeliveryUpdate } from '../../store/ports.js';

export interface AcceptedSendsDeps {
  /** Writes the outcome over the row this worker claimed (a lost claim is not an error here). */
  finish: (d: Delivery, update: DeliveryUpdate) => Promise<unknown>;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  /** Writes tried after the first one fails, each after twice the previous wait. */
  retries?: number;
  firstRetryMs?: number;
}

/**
 * The deliveries the relay accepted, until each is recorded as sent. After a 250 the row must end
 * `sent`, or stay held for the operator; it never goes back to pending, or the reader gets the
 * digest twice. A write that fails (SQLite still busy after its timeout, a PostgreSQL connection
 * lost) is tried again with backoff; if it still fails, the delivery is kept here and written by
 * `flush()` (at the end of the run and before the next run of this worker). Meanwhile its row stays
 * in `sending`, which the crash policy holds as interrupted, and never resends, should this process
 * end first.
 */
export function createAcceptedSends(deps: AcceptedSendsDeps) {
  const { finish, sleep, logger } = deps;
  const retries = deps.retries ?? 5;
  const firstRetryMs = deps.firstRetryMs ?? 200;
  const unrecorded = new Map<string, { delivery: Delivery; update: DeliveryUpdate; error: string }>();

  const write = async (d: Delivery, update: DeliveryUpdate) => {
    await finish(d, update);
    unrecorded.delete(d.id);
  };

  return {
    /** Records an accepted delivery as sent, trying again with backoff; resolves false when it is left unrecorded. */
    async record(d: Delivery, update: DeliveryUpdate): Promise<boolean> {
      for (let retry = 0; ; retry++) {
        try {
          await write(d, update);
          return true;
        } catch (err) {
          const error = (err as Error).message;
          if (retry >= retries) {
            unrecorded.set(d.id, { delivery: d, update, error });
            logger.error(
              'the relay accepted a delivery that could not be recorded as sent; it stays held and is not sent again',
              {
                delivery: d.id,
                error,
              },
            );
            return false;
          }
          await sleep(firstRetryMs * 2 ** retry);
        }
      }
    },

    /** Tries once more to record each delivery left unrecorded; returns how many still are. */
    async flush(): Promise<number> {
      for (const { delivery, update } of [...unrecorded.values()]) {
        await write(delivery, update).catch((err: Error) => {
          unrecorded.get(delivery.id)!.error = err.message;
        });
      }
      return unrecorded.size;
    },

    /** Why the last of the unrecorded deliveries could not be written, if any is left. */
    lastError(): string | undefined {
      return [...unrecorded.values()].at(-1)?.error;
    },
  };
}
