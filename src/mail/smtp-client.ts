// A minimal SMTP client for messages that are already bytes: one socket write for the envelope
// (PIPELINING), one for the message. Measured into Postfix's smtp-sink, nodemailer spent more CPU
// per message than all the rest of a delivery: it passes every message through a byte-by-byte
// dot-stuffing stream and writes it in many small pieces (BENCHMARKS.md, delivery). nodemailer
// stays the transport of everything else; it parses the relay URL for this client too.
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { dataLength, writeData } from './dot-stuffing.js';

export interface SmtpClientOptions {
  host: string;
  port: number;
  /** TLS from the first byte (smtps, port 465). */
  secure: boolean;
  auth?: { user: string; pass: string };
  tls?: ConnectionOptions;
  /** Never STARTTLS, even when offered. */
  ignoreTLS?: boolean;
  /** Refuse to go on without STARTTLS. */
  requireTLS?: boolean;
  /** The EHLO name. */
  name: string;
  timeoutMs?: number;
}

export interface Reply {
  code: number;
  /** Every line of the reply, joined with newlines. */
  text: string;
}

/** An SMTP refusal, in the shape nodemailer gives it (classifySendError reads it). */
class SmtpError extends Error {
  constructor(
    readonly response: string,
    readonly responseCode: number | undefined,
    readonly command: string,
  ) {
    super(response);
  }
}

/** SNI names a host, never an address. */
const serverName = (host: string) => (isIP(host) ? {} : { servername: host });

const END_OF_DATA = Buffer.from('.\r\n');

/** One connection to the relay, greeted, secured and logged in as asked. */
export class SmtpClientConnection {
  private socket: Socket;
  private pending = '';
  private lines: string[] = [];
  private replies: Reply[] = [];
  private waiters: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;
  /**
   * The DATA bytes of the message in flight, reused for the next: free again once the relay
   * answered its final dot (it has read them all); a broken connection is not reused.
   */
  private data = Buffer.alloc(0);
  extensions = new Set<string>();

  private constructor(socket: Socket) {
    this.socket = socket;
    this.attach(socket);
  }

  get broken(): boolean {
    return this.failure !== undefined;
  }

  private attach(socket: Socket): void {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk.toString('latin1')));
    const fail = (err: Error) => {
      this.failure ??= Object.assign(err, { code: (err as NodeJS.ErrnoException).code ?? 'ECONNECTION' });
      for (const w of this.waiters.splice(0)) w.reject(this.failure);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the SMTP connection closed')));
  }

  private onData(text: string): void {
    const parts = (this.pending + text).split('\r\n');
    this.pending = parts.pop() ?? '';
    for (const line of parts) {
      this.lines.push(line);
      // The last line of a reply has a space (or nothing) after the code, the others a dash.
      if (line.length >= 3 && line[3] !== '-') {
        const reply = { code: Number(line.slice(0, 3)), text: this.lines.join('\n') };
        this.lines = [];
        const waiter = this.waiters.shift();
        if (waiter) waiter.resolve(reply);
        else this.replies.push(reply);
      }
    }
  }

  private reply(): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private async command(line: string, expect: number, name = line.split(/[ :]/)[0] ?? line): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    const r = await this.reply();
    if (Math.floor(r.code / 100) !== Math.floor(expect / 100)) throw new SmtpError(r.text, r.code, name);
    return r;
  }

  private async hello(name: string): Promise<void> {
    const r = await this.command(`EHLO ${name}`, 250);
    this.extensions = new Set(
      r.text
        .split('\n')
        .slice(1)
        .map((l) => l.slice(4).split(' ')[0]!.toUpperCase()),
    );
  }

  static async open(o: SmtpClientOptions): Promise<SmtpClientConnection> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = o.secure
        ? tlsConnect({ host: o.host, port: o.port, ...serverName(o.host), ...o.tls }, () => resolve(s))
        : netConnect(o.port, o.host, () => resolve(s));
      s.once('error', reject);
      s.setTimeout(o.timeoutMs ?? 60_000, () => s.destroy(new Error('the SMTP connection timed out')));
    });
    const c = new SmtpClientConnection(socket);
    try {
      const greeting = await c.reply();
      if (greeting.code !== 220) throw new SmtpError(greeting.text, greeting.code, 'CONN');
      await c.hello(o.name);
      if (!o.secure && !o.ignoreTLS && c.extensions.has('STARTTLS')) {
        await c.command('STARTTLS', 220);
        c.socket.removeAllListeners('data');
        const secured = await new Promise<Socket>((resolve, reject) => {
          const s = tlsConnect({ socket: c.socket, ...serverName(o.host), ...o.tls }, () => resolve(s));
          s.once('error', reject);
        });
        c.socket = secured;
        c.attach(secured);
        await c.hello(o.name);
      } else if (!o.secure && o.requireTLS) {
        throw new SmtpError('the relay does not offer STARTTLS, and TLS is required', undefined, 'STARTTLS');
      }
      if (o.auth) await c.login(o.auth);
      return c;
    } catch (err) {
      c.close();
      throw err;
    }
  }

  private async login(auth: { user: string; pass: string }): Promise<void> {
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
    try {
      await this.command(`AUTH PLAIN ${b64(`\0${auth.user}\0${auth.pass}`)}`, 235, 'AUTH PLAIN');
    } catch (err) {
      if (!(err instanceof SmtpError) || err.responseCode !== 504) throw err;
      await this.command('AUTH LOGIN', 334, 'AUTH LOGIN');
      await this.command(b64(auth.user), 334, 'AUTH LOGIN');
      await this.command(b64(auth.pass), 235, 'AUTH LOGIN');
    }
  }

  /**
   * Sends one message: MAIL, RCPT and DATA in one write where the relay pipelines, then the
   * message in one write. `pieces` are split as dot-stuffing.ts asks (a line that begins with a
   * dot begins a piece). Resolves with the relay's reply to the final dot (the message is then
   * the relay's); rejects with the first refusal, after which the connection is reset for the next.
   */
  async send(envelope: { from: string; to: string }, pieces: readonly Buffer[], eightBit: boolean): Promise<string> {
    const utf8 = /[^\x00-\x7f]/.test(envelope.from + envelope.to) && this.extensions.has('SMTPUTF8');
    const params = `${eightBit && this.extensions.has('8BITMIME') ? ' BODY=8BITMIME' : ''}${utf8 ? ' SMTPUTF8' : ''}`;
    const commands = [`MAIL FROM:<${envelope.from}>${params}`, `RCPT TO:<${envelope.to}>`, 'DATA'];
    const names = ['MAIL FROM', 'RCPT TO', 'DATA'];
    const replies: Reply[] = [];
    if (this.extensions.has('PIPELINING')) {
      this.socket.write(`${commands.join('\r\n')}\r\n`);
      for (let i = 0; i < 3; i++) {
        try {
          replies.push(await this.reply());
        } catch (err) {
          // A relay that refused a command and closed (a 421) says why in that reply.
          const refusal = replies.findIndex((r, j) => Math.floor(r.code / 100) !== (j < 2 ? 2 : 3));
          if (refusal < 0) throw err;
          throw new SmtpError(replies[refusal]!.text, replies[refusal]!.code, names[refusal]!);
        }
      }
    } else {
      for (const [i, c] of commands.entries()) {
        this.socket.write(`${c}\r\n`);
        replies.push(await this.reply());
        if (Math.floor(replies[i]!.code / 100) !== (i < 2 ? 2 : 3)) break;
      }
    }
    const refused = replies.findIndex((r, i) => Math.floor(r.code / 100) !== (i < 2 ? 2 : 3));
    if (refused >= 0) {
      // DATA accepted after a refused recipient: an empty message ends it, and nobody gets it.
      if (replies[2]?.code === 354) {
        this.socket.write(END_OF_DATA);
        await this.reply();
      }
      await this.command('RSET', 250).catch(() => this.close());
      throw new SmtpError(replies[refused]!.text, replies[refused]!.code, names[refused]!);
    }
    const length = dataLength(pieces);
    if (this.data.length < length) this.data = Buffer.allocUnsafeSlow(Math.max(length, 2 * this.data.length));
    this.socket.write(this.data.subarray(0, writeData(pieces, this.data)));
    const done = await this.reply();
    if (done.code !== 250) throw new SmtpError(done.text, done.code, 'DATA');
    return done.text;
  }

  close(): void {
    if (!this.failure) this.socket.end('QUIT\r\n');
    this.failure ??= new Error('the SMTP connection was closed');
    this.socket.destroy();
  }
}

/** Up to `size` connections, opened on demand and kept for the next message; a broken one is dropped. */
export function createSmtpClientPool(options: SmtpClientOptions, size: number) {
  const idle: SmtpClientConnection[] = [];
  const queue: ((c: SmtpClientConnection | undefined) => void)[] = [];
  let open = 0;

  const acquire = async (): Promise<SmtpClientConnection> => {
    for (let ready = idle.pop(); ready; ready = idle.pop()) {
      // One the relay closed while it was idle is dropped.
      if (!ready.broken) return ready;
      open--;
    }
    if (open >= size) {
      const handed = await new Promise<SmtpClientConnection | undefined>((resolve) => queue.push(resolve));
      if (handed) return handed;
    }
    open++;
    try {
      return await SmtpClientConnection.open(options);
    } catch (err) {
      open--;
      throw err;
    }
  };
  const release = (c: SmtpClientConnection) => {
    if (c.broken) {
      open--;
      // A waiter opens a connection of its own in its place.
      queue.shift()?.(undefined);
      return;
    }
    const next = queue.shift();
    if (next) next(c);
    else idle.push(c);
  };

  return {
    async send(envelope: { from: string; to: string }, pieces: readonly Buffer[], eightBit: boolean): Promise<string> {
      const c = await acquire();
      try {
        return await c.send(envelope, pieces, eightBit);
      } finally {
        release(c);
      }
    },
    async extensions(): Promise<Set<string>> {
      const c = await acquire();
      release(c);
      return c.extensions;
    },
    close(): void {
      for (const c of idle.splice(0)) c.close();
    },
  };
}
