import nodemailer from 'nodemailer';
import { toNodemailer } from './compose.js';
import type { Mailer } from './message.js';

export interface SmtpConfig {
  url: string;
  /** Parallel connections to the relay. */
  connections: number;
  /** DKIM key; nodemailer's default signed headers include List-Id, List-Unsubscribe and List-Unsubscribe-Post. */
  dkim?: { domainName: string; keySelector: string; privateKey: string } | undefined;
}

/** Sends through an SMTP relay with a connection pool. */
export function createSmtpMailer(config: SmtpConfig): Mailer {
  const transport = nodemailer.createTransport({
    url: config.url,
    pool: true,
    maxConnections: config.connections,
    // The default (100) reconnects every 100 messages, ~200 ms each time.
    maxMessages: 100_000,
    ...(config.dkim ? { dkim: config.dkim } : {}),
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(message) {
      const info = await transport.sendMail(toNodemailer(message));
      return { messageId: message.messageId, response: String(info.response ?? '') };
    },
    async close() {
      transport.close();
    },
  };
}
