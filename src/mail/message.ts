/** An email as Paperboy composes it, before any transport sees it. */
export interface OutgoingMessage {
  from: string;
  to: string;
  subject: string;
  date: Date;
  /** Without angle brackets: `<delivery-id>@<domain>`. */
  messageId: string;
  /** Bytes (UTF-8) on the sending path, where the digest's parts are pre-encoded; strings elsewhere. */
  text: string | Buffer;
  html: string | Buffer;
  /** Digests only: List-Id, List-Unsubscribe and List-Unsubscribe-Post. */
  list?: {
    id: string;
    name: string;
    unsubscribeUrl: string;
    unsubscribeMailto?: string;
  };
}

/** What the SMTP server (or the outbox) said. "Sent" means accepted, never "delivered". */
export interface SendResult {
  messageId: string;
  response: string;
}

/** The port every sender implements: SMTP, the file outbox, a test double. */
export interface Mailer {
  send(message: OutgoingMessage): Promise<SendResult>;
  close(): Promise<void>;
}

/** The domain part of an address like `Paperboy <news@example.org>`, for Message-IDs and List-Ids. */
export function domainOf(address: string): string {
  const m = /@([^\s>]+)>?\s*$/.exec(address);
  return (m?.[1] ?? 'localhost').toLowerCase();
}
