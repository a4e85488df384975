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

/** addressRefusal for many addresses, in one read of the suppression list. */
export async function addressRefusals(
  store: Pick<SuppressionStore, 'suppressedAmong'>,
  emails: readonly string[],
): Promise<Map<string, DeliveryErrorKind | undefined>> {
  const canonical = new Map(emails.map((e) => [e, canonicalEmail(e)]));
  const forms = [...canonical].flatMap(([e, c]) => (c.ok ? [e, c.email] : []));
  const suppressed = new Set(await store.suppressedAmong(forms));
  return new Map(
    [...canonical].map(([e, c]): [string, DeliveryErrorKind | undefined] => [
      e,
      !c.ok ? 'invalid-address' : suppressed.has(c.email) || suppressed.has(e) ? 'suppressed' : undefined,
    ]),
  );
}
