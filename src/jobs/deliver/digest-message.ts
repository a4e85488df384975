import type { Digest } from '../../domain/digest.js';
import type { Layout } from '../../domain/subscriber.js';
import { signToken } from '../../domain/tokens.js';
import { topicSlugsOf } from '../../domain/topic.js';
import { recipientFiller, type RecipientFiller } from '../../render/email/digest-email.js';
import { domainOf, type OutgoingMessage } from '../../mail/message.js';

export interface DigestMessageInput {
  digest: Digest;
  /** The address the email goes to. */
  to: string;
  /** Whom the signed links act for: the subscriber's id (or a preview marker). */
  tokenSubject: string;
  /** Becomes the Message-ID's local part. */
  deliveryId: string;
  /** The Message-ID kept on the delivery row, when there is one: a resend reuses it. */
  messageId?: string;
  topicNames: string;
  config: { publicUrl: string; mailFrom: string };
  secret: string;
  date: Date;
  /** The layout the recipient chose: the edition's compact variant, where it has one; else full. */
  layout?: Layout;
  /** The digest (in that layout) split at its holes once, reused for every recipient of a run. */
  fill?: RecipientFiller;
}

/** The rendered edition a reader of this layout gets: the compact variant where the edition has one. */
export function digestVariant(digest: Digest, layout: Layout = 'full'): { html: string; text: string } {
  return layout === 'compact' && digest.compact ? digest.compact : digest;
}

/** The email of one digest for one recipient: the frozen edition with that recipient's links filled in. */
export function digestMessage(input: DigestMessageInput): OutgoingMessage {
  const { digest, config } = input;
  const base = config.publicUrl;
  const unsubscribeUrl = `${base}/unsubscribe/${signToken(input.secret, 'unsubscribe', input.tokenSubject)}`;
  const preferencesUrl = `${base}/preferences/${signToken(input.secret, 'preferences', input.tokenSubject)}`;
  // One token for all of the email's rating links: each paper's link adds only what every recipient shares.
  const rateUrl = `${base}/rate/${signToken(input.secret, 'rate', input.tokenSubject)}`;
  const fill = input.fill ?? recipientFiller(digestVariant(digest, input.layout));
  const { html, text } = fill({ recipient: input.to, unsubscribeUrl, preferencesUrl, rateUrl });
  const domain = domainOf(config.mailFrom);
  return {
    from: config.mailFrom,
    to: input.to,
    subject: digest.subject,
    date: input.date,
    messageId: input.messageId ?? `${input.deliveryId}@${domain}`,
    text,
    html,
    list: {
      id: `${topicSlugsOf(digest.editionKey).join('.')}.digests.${domain}`,
      name: `Paperboy: ${input.topicNames}`,
      unsubscribeUrl,
    },
  };
}
