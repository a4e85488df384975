import type { Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Received {
  envelopeTo: string[];
  raw: Buffer;
  mail: ParsedMail;
}

export interface SinkOptions {
  /** Listen on this port (default: any free one). */
  port?: number;
  /**
   * How to refuse RCPT TO for the n-th attempt (1-based) at an address: a reply code, or a code
   * with its text (e.g. `{ code: 451, text: '4.7.1 Greylisted, try again later' }`).
   */
  rcpt?: (address: string, attempt: number) => number | { code: number; text: string } | undefined;
  /** Drop the connection in the middle of DATA, for the n-th message attempt (1-based). */
  dropData?: (attempt: number) => boolean;
  /** Wait this long before accepting each message; a function is asked again for each message. */
  delayMs?: number | (() => number);
  /**
   * false: keep each message raw and leave `mail` empty, for bulk runs of thousands of messages
   * where parsing every one would cost more than sending it. Default true.
   */
  parse?: boolean;
  /** Do not announce 8BITMIME, as an older relay: a client must encode 8-bit parts. */
  hide8BITMIME?: boolean;
}

export interface Sink {
  url: string;
  port: number;
  messages: Received[];
  /** RCPT TO attempts per address. */
  attempts: Map<string, number>;
  /**
   * The RCPT TO commands as they came over the wire. smtp-server reports a punycode domain decoded
   * (user@müller.de), so what a client really sent is read here.
   */
  rcptCommands: string[];
  /** The MAIL FROM commands as they came over the wire, with their parameters (BODY=8BITMIME). */
  mailCommands: string[];
  /** How many messages each address received. */
  countsByRecipient(): Map<string, number>;
  close(): Promise<void>;
}

/** A real SMTP server on a loopback port that keeps what it accepts, parsed by mailparser. */
export async function startSmtpSink(options: SinkOptions = {}): Promise<Sink> {
  const messages: Received[] = [];
  const attempts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const rcptCommands: string[] = [];
  const mailCommands: string[] = [];
  let dataAttempts = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    hide8BITMIME: options.hide8BITMIME ?? false,
    onRcptTo(address, _session, callback) {
      const n = (attempts.get(address.address) ?? 0) + 1;
      attempts.set(address.address, n);
      const refusal = options.rcpt?.(address.address, n);
      if (refusal) {
        const { code, text } =
          typeof refusal === 'number' ? { code: refusal, text: `${refusal} refused by the test server` } : refusal;
        return callback(Object.assign(new Error(text), { responseCode: code }));
      }
      callback();
    },
    onData(stream, session, callback) {
      dataAttempts++;
      const drop = options.dropData?.(dataAttempts) ?? false;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => {
        chunks.push(c);
        if (drop) for (const s of sockets) s.destroy();
      });
      stream.on('end', async () => {
        if (drop) return;
        const delay = typeof options.delayMs === 'function' ? options.delayMs() : options.delayMs;
        if (delay) await new Promise((r) => setTimeout(r, delay));
        const raw = Buffer.concat(chunks);
        const mail = options.parse === false ? ({} as ParsedMail) : await simpleParser(raw);
        messages.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw, mail });
        callback();
      });
    },
  });
  // A client killed mid-session resets its connection: expected here, not an error of the test.
  server.on('error', () => undefined);
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('latin1')).split('\r\n');
      pending = (lines.pop() ?? '').slice(-1000);
      for (const line of lines) {
        if (/^RCPT TO:/i.test(line)) rcptCommands.push(line);
        if (/^MAIL FROM:/i.test(line)) mailCommands.push(line);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    attempts,
    rcptCommands,
    mailCommands,
    countsByRecipient() {
      const counts = new Map<string, number>();
      for (const m of messages) for (const to of m.envelopeTo) counts.set(to, (counts.get(to) ?? 0) + 1);
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
