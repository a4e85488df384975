import type { DeliveryErrorKind } from '../../domain/delivery.js';
import { canonicalEmail } from '../../domain/email.js';
import type { SuppressionStore } from '../../store/ports.js';

/**
 * Why an email must not go to this stored address, if it must not. A row stored before addresses
 * were made canonical may hold a hidden character that the mail library would drop, mailing another
 * address than the one stored: it is never sent. Suppression is checked on the canonical form and
 * on the stored one, so no spelling of a suppressed address gets through.
 */
export async function addressRefusal(
  store: Pick<SuppressionStore, 'isSuppressed'>,
  email: string,
): Promise<DeliveryErrorKind | undefined> {
  const canonical = canonicalEmail(email);
  if (!canonical.ok) return 'invalid-address';
  if (await store.isSuppressed(canonical.email)) return 'suppressed';
  if (canonical.email !== email && (await store.isSuppressed(email))) return 'suppressed';
  return undefined;
}
