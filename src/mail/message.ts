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

/**
 * A message as the bytes that go on the wire (see wire-message.ts): built once per edition,
 * filled per recipient, handed to the transport as it is.
 */
export interface WireMessage {
  envelope: { from: string; to: string };
  /** Without angle brackets. */
  messageId: string;
  /** Its Date header. */
  date: Date;
  /**
   * The complete RFC 5322 message, CRLF line ends, in the pieces it was filled from (shared, not
   * copied), split so that a line that begins with a dot begins a piece (see dot-stuffing.ts).
   */
  pieces: readonly Buffer[];
  /** The same as one buffer (joined on first use). */
  readonly bytes: Buffer;
  /** A part goes unencoded with 8-bit bytes: sent with BODY=8BITMIME. */
  eightBit: boolean;
}

/** The port every sender implements: SMTP, the file outbox, a test double. */
export interface Mailer {
  send(message: OutgoingMessage | WireMessage): Promise<SendResult>;
  /** Whether a message may have 8-bit parts (the relay announced 8BITMIME); false when not implemented. */
  takes8bit?(): Promise<boolean>;
  close(): Promise<void>;
}

export function isWireMessage(m: OutgoingMessage | WireMessage): m is WireMessage {
  return 'pieces' in m;
}

/** The domain part of an address like `Paperboy <news@example.org>`, for Message-IDs and List-Ids. */
export function domainOf(address: string): string {
  const m = /@([^\s>]+)>?\s*$/.exec(address);
  return (m?.[1] ?? 'localhost').toLowerCase();
}
