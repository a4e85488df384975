import nodemailer from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { toNodemailer } from './compose.js';
import { isWireMessage, type Mailer } from './message.js';

export interface SmtpConfig {
  url: string;
  /** Parallel connections to the relay. */
  connections: number;
  /** DKIM key; nodemailer's default signed headers include List-Id, List-Unsubscribe and List-Unsubscribe-Post. */
  dkim?: { domainName: string; keySelector: string; privateKey: string } | undefined;
}

/**
 * Sends through an SMTP relay with a connection pool. A message built as bytes (wire-message.ts)
 * goes as nodemailer's `raw`, so nodemailer composes nothing per message; it still signs it with
 * DKIM where configured, and pipelines MAIL, RCPT and DATA where the relay offers PIPELINING.
 */
export function createSmtpMailer(config: SmtpConfig): Mailer {
  const transport = nodemailer.createTransport({
    url: config.url,
    pool: true,
    maxConnections: config.connections,
    // The default (100) reconnects every 100 messages, ~200 ms each time.
    maxMessages: 100_000,
    ...(config.dkim ? { dkim: config.dkim } : {}),
  } as Parameters<typeof nodemailer.createTransport>[0]);
  let takes8bit: Promise<boolean> | undefined;
  return {
    async send(message) {
      const info = isWireMessage(message)
        ? await transport.sendMail({
            raw: message.bytes,
            messageId: `<${message.messageId}>`,
            envelope: { ...message.envelope, use8BitMime: message.eightBit } as { from: string; to: string },
          })
        : await transport.sendMail(toNodemailer(message));
      return { messageId: message.messageId, response: String(info.response ?? '') };
    },
    takes8bit() {
      takes8bit ??= announces8bit((transport.transporter as unknown as SMTPPool).options);
      return takes8bit;
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * Whether the relay lists 8BITMIME in its EHLO reply: one connection with the pool's own options
 * (host, port, TLS), closed after the greeting. A relay that cannot be reached is taken not to:
 * the parts are then encoded, which every relay takes.
 */
function announces8bit(options: SMTPConnection.Options): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = new SMTPConnection({ ...options, connectionTimeout: 10_000 });
    connection.once('error', () => resolve(false));
    connection.connect((err) => {
      const reply = err ? '' : String(connection.lastServerResponse || '');
      connection.quit();
      resolve(/^250[ -]8BITMIME\b/im.test(reply));
    });
  });
}
