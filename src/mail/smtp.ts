import { hostname } from 'node:os';
import nodemailer from 'nodemailer';
import DKIM from 'nodemailer/lib/dkim';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { toNodemailer } from './compose.js';
import { splitAtDotLines } from './dot-stuffing.js';
import { isWireMessage, type Mailer, type WireMessage } from './message.js';
import { createSmtpClientPool, type SmtpClientOptions } from './smtp-client.js';

export interface SmtpConfig {
  url: string;
  /** Parallel connections to the relay. */
  connections: number;
  /** DKIM key; nodemailer's default signed headers include List-Id, List-Unsubscribe and List-Unsubscribe-Post. */
  dkim?: { domainName: string; keySelector: string; privateKey: string } | undefined;
}

// What the byte client understands of the options nodemailer parses from SMTP_URL; a URL asking
// for anything else (a proxy, OAuth2, a named service…) sends through nodemailer alone.
const CLIENT_OPTIONS = new Set([
  'host',
  'port',
  'secure',
  'auth',
  'tls',
  'ignoreTLS',
  'requireTLS',
  'name',
  'pool',
  'maxConnections',
  'maxMessages',
  'dkim',
  'url',
  'connectionTimeout',
  'maxRequeues',
  'idleTimeout',
]);

function clientOptions(o: SMTPPool.Options): SmtpClientOptions | undefined {
  if (Object.keys(o).some((k) => !CLIENT_OPTIONS.has(k))) return undefined;
  const auth = o.auth as { user?: string; pass?: string } | undefined;
  const secure = Boolean(o.secure);
  return {
    host: o.host ?? 'localhost',
    port: Number(o.port) || (secure ? 465 : 587),
    secure,
    ...(auth?.user ? { auth: { user: auth.user, pass: auth.pass ?? '' } } : {}),
    ...(o.tls ? { tls: o.tls } : {}),
    ignoreTLS: Boolean(o.ignoreTLS),
    requireTLS: Boolean(o.requireTLS),
    name: o.name ?? hostname(),
  };
}

/**
 * Sends through an SMTP relay with a connection pool. A message built as bytes (wire-message.ts)
 * goes through the byte client (smtp-client.ts): its envelope pipelined, the message in one write,
 * signed first with nodemailer's DKIM signer where configured. Any other message, and every
 * message when SMTP_URL asks for what that client does not do, goes through nodemailer's pool.
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
  const parsed = clientOptions((transport.transporter as unknown as SMTPPool).options);
  const client = parsed && createSmtpClientPool(parsed, config.connections);
  const signer = config.dkim && new DKIM(config.dkim);

  /** The message's pieces as the byte client takes them: signed (and so joined) where DKIM is set. */
  const signed = async (message: WireMessage): Promise<readonly Buffer[]> => {
    if (!signer) return message.pieces;
    const chunks: Buffer[] = [];
    for await (const chunk of signer.sign(message.bytes)) chunks.push(chunk as Buffer);
    return splitAtDotLines(Buffer.concat(chunks));
  };

  return {
    async send(message) {
      if (isWireMessage(message) && client) {
        const response = await client.send(message.envelope, await signed(message), message.eightBit);
        return { messageId: message.messageId, response };
      }
      const info = isWireMessage(message)
        ? await transport.sendMail({
            raw: message.bytes,
            messageId: `<${message.messageId}>`,
            envelope: { ...message.envelope, use8BitMime: message.eightBit } as { from: string; to: string },
          })
        : await transport.sendMail(toNodemailer(message));
      return { messageId: message.messageId, response: String(info.response ?? '') };
    },
    // nodemailer declares BODY=8BITMIME only where the relay announced it: without the byte
    // client, parts are encoded.
    async takes8bit() {
      if (!client) return false;
      // A relay that cannot be reached now gets encoded parts, which every relay takes; the send says why it failed.
      return client
        .extensions()
        .then((e) => e.has('8BITMIME'))
        .catch(() => false);
    },
    async close() {
      client?.close();
      transport.close();
    },
  };
}
