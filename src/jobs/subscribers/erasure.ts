// A reader's right to be forgotten, asked on their preferences page or by the operator on their
// behalf: the subscriber and everything held about them go; the suppression of the address stays.
import { normaliseEmail } from '../../domain/email.js';
import type { Logger } from '../../log.js';
import type { ErasureStore, SubscriberStore } from '../../store/ports.js';

export interface ErasureDeps {
  store: ErasureStore & Pick<SubscriberStore, 'findSubscriberByEmail'>;
  clock: () => Date;
  logger: Logger;
}

export function createErasureJobs({ store, clock, logger }: ErasureDeps) {
  const erase = async (subscriberId: string, source: string): Promise<boolean> => {
    const erased = await store.eraseSubscriber(subscriberId, clock().toISOString());
    // The id only: the address is exactly what the reader asked to be forgotten.
    if (erased) logger.info('subscriber erased', { subscriber: subscriberId, source });
    return erased;
  };
  return {
    erase,
    /** False when no subscriber has this address (a suppression alone is left as it is). */
    async eraseByEmail(email: string, source: string): Promise<boolean> {
      const s = await store.findSubscriberByEmail(normaliseEmail(email));
      return s ? erase(s.id, source) : false;
    },
  };
}
