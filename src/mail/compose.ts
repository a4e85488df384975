import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { OutgoingMessage } from './message.js';

/** The nodemailer form of a message. Text comes before HTML, so clients prefer the HTML part. */
export function toNodemailer(message: OutgoingMessage): Mail.Options {
  const options: Mail.Options = {
    from: message.from,
    to: message.to,
    subject: message.subject,
    date: message.date,
    messageId: `<${message.messageId}>`,
    // Base64 is encoded natively; quoted-printable of a 60 KB digest costs more CPU than the send.
    // Named on each part too: otherwise nodemailer decodes a Buffer part to a string twice per
    // message just to pick an encoding it is then told anyway.
    text: { content: message.text, contentTransferEncoding: 'base64' },
    html: { content: message.html, contentTransferEncoding: 'base64' },
    textEncoding: 'base64',
  };
  if (message.list) {
    const unsubscribe = message.list.unsubscribeMailto
      ? [message.list.unsubscribeUrl, message.list.unsubscribeMailto]
      : [message.list.unsubscribeUrl];
    options.list = {
      id: { url: message.list.id, comment: message.list.name },
      // Nested: one List-Unsubscribe header holding both URIs (a flat array makes two headers).
      unsubscribe: [unsubscribe],
    };
    options.headers = { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
  }
  return options;
}

const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/** The complete RFC 5322 message, CRLF line endings, as an .eml file holds it. */
export async function composeEml(message: OutgoingMessage): Promise<Buffer> {
  const info = await composer.sendMail(toNodemailer(message));
  return info.message as Buffer;
}
