import type { Digest } from '../../domain/digest.js';
import type { Layout } from '../../domain/subscriber.js';
import { signToken } from '../../domain/tokens.js';
import { topicSlugsOf } from '../../domain/topic.js';
import { recipientFiller, type RecipientFiller } from '../../render/email/digest-email.js';
import { escapeHtml, splitHoles, type HoleValues } from '../../render/email/holes.js';
import { domainOf, type OutgoingMessage, type WireMessage } from '../../mail/message.js';
import { wireTemplate, type WireTemplate } from '../../mail/wire-message.js';

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
function digestVariant(digest: Digest, layout: Layout = 'full'): { html: string; text: string } {
  return layout === 'compact' && digest.compact ? digest.compact : digest;
}

type RecipientInput = Pick<
  DigestMessageInput,
  'to' | 'tokenSubject' | 'deliveryId' | 'messageId' | 'config' | 'secret'
>;

/** What differs per recipient of a digest: the Message-ID, the unsubscribe URL and every hole's value. */
function recipientValues(input: RecipientInput): { messageId: string; unsubscribeUrl: string; holes: HoleValues } {
  const base = input.config.publicUrl;
  const unsubscribeUrl = `${base}/unsubscribe/${signToken(input.secret, 'unsubscribe', input.tokenSubject)}`;
  const preferencesUrl = `${base}/preferences/${signToken(input.secret, 'preferences', input.tokenSubject)}`;
  // One token for all of the email's rating links: each paper's link adds only what every recipient shares.
  const rateUrl = `${base}/rate/${signToken(input.secret, 'rate', input.tokenSubject)}`;
  return {
    messageId: input.messageId ?? `${input.deliveryId}@${domainOf(input.config.mailFrom)}`,
    unsubscribeUrl,
    holes: { recipient: input.to, unsubscribeUrl, preferencesUrl, rateUrl },
  };
}

function listOf(digest: Digest, topicNames: string, mailFrom: string) {
  return {
    id: `${topicSlugsOf(digest.editionKey).join('.')}.digests.${domainOf(mailFrom)}`,
    name: `Paperboy: ${topicNames}`,
  };
}

/** The email of one digest for one recipient: the frozen edition with that recipient's links filled in. */
export function digestMessage(input: DigestMessageInput): OutgoingMessage {
  const { digest, config } = input;
  const values = recipientValues(input);
  const fill = input.fill ?? recipientFiller(digestVariant(digest, input.layout));
  const { html, text } = fill(values.holes);
  return {
    from: config.mailFrom,
    to: input.to,
    subject: digest.subject,
    date: input.date,
    messageId: values.messageId,
    text,
    html,
    list: { ...listOf(digest, input.topicNames, config.mailFrom), unsubscribeUrl: values.unsubscribeUrl },
  };
}

/**
 * The digest email of one layout built once for every recipient of a run (headers, boundary,
 * encoded parts): see wire-message.ts. Text first, so clients prefer the HTML part.
 */
export function digestWireTemplate(input: {
  digest: Digest;
  layout: Layout;
  topicNames: string;
  mailFrom: string;
  relayTakes8bit: boolean;
}): WireTemplate {
  const { html, text } = digestVariant(input.digest, input.layout);
  return wireTemplate({
    from: input.mailFrom,
    subject: input.digest.subject,
    alternatives: [
      { contentType: 'text/plain', parts: splitHoles(text) },
      { contentType: 'text/html', parts: splitHoles(html), escape: escapeHtml },
    ],
    list: listOf(input.digest, input.topicNames, input.mailFrom),
    relayTakes8bit: input.relayTakes8bit,
  });
}

/** One recipient's digest email, as bytes, from the edition's template. */
export function digestWireMessage(template: WireTemplate, input: RecipientInput & { date: Date }): WireMessage {
  const values = recipientValues(input);
  return template.fill({ to: input.to, date: input.date, ...values });
}
