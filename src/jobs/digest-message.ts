import type { Digest } from '../domain/digest.js';
import { signToken } from '../domain/tokens.js';
import { personalise } from '../render/email/digest-email.js';
import { domainOf, type OutgoingMessage } from '../mail/message.js';

export interface DigestMessageInput {
  digest: Digest;
  /** The address the email goes to. */
  to: string;
  /** Whom the signed links act for: the subscriber's id (or a preview marker). */
  tokenSubject: string;
  /** Becomes the Message-ID's local part; kept on the delivery row. */
  deliveryId: string;
  topicNames: string;
  config: { publicUrl: string; mailFrom: string };
  secret: string;
  date: Date;
}

/** The email of one digest for one recipient: the frozen edition with that recipient's links filled in. */
export function digestMessage(input: DigestMessageInput): OutgoingMessage {
  const { digest, config } = input;
  const base = config.publicUrl;
  const unsubscribeUrl = `${base}/unsubscribe/${signToken(input.secret, 'unsubscribe', input.tokenSubject)}`;
  const preferencesUrl = `${base}/preferences/${signToken(input.secret, 'preferences', input.tokenSubject)}`;
  const { html, text } = personalise(digest, { recipient: input.to, unsubscribeUrl, preferencesUrl });
  const domain = domainOf(config.mailFrom);
  return {
    from: config.mailFrom,
    to: input.to,
    subject: digest.subject,
    date: input.date,
    messageId: `${input.deliveryId}@${domain}`,
    text,
    html,
    list: {
      id: `${digest.topicSet.replace(/,/g, '.')}.digests.${domain}`,
      name: `Paperboy: ${input.topicNames}`,
      unsubscribeUrl,
    },
  };
}
