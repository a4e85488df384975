import { generateKeyPairSync } from 'node:crypto';
import { domainToUnicode } from 'node:url';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { digestMessage } from '../../src/jobs/deliver/digest-message.js';
import { composeEml } from '../../src/mail/compose.js';
import { createSmtpMailer } from '../../src/mail/smtp.js';
import { wireTemplate, type WireSpec } from '../../src/mail/wire-message.js';
import { escapeHtml, splitHoles } from '../../src/render/email/holes.js';
import { closeLater, confirmed, deliveryApp } from '../helpers/delivery.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';

const H = (name: string) => `\u001F${name}\u001F`;

const ODD_ADDRESSES = [
  'ada+digest.weekly@example.org',
  'user@müller.de',
  'zoë.ünïcode@example.org',
  `${'l'.repeat(64)}@${'sub-domain-label'.repeat(3)}.example.org`,
  'o.brien-smith_99@mail.example.co.uk',
];

const headerLine = (lines: readonly { key: string; line: string }[], key: string) =>
  lines.filter((h) => h.key === key).map((h) => h.line.replace(/\r\n\s+/g, ' '));

/** Every line of a raw message: none over 998 octets, and none over 76 characters inside a QP or base64 part. */
function lineLengths(raw: Buffer): { longest: number; longestEncoded: number } {
  let longest = 0;
  let longestEncoded = 0;
  let encoded = false;
  for (const line of raw.toString('latin1').split('\r\n')) {
    longest = Math.max(longest, line.length);
    if (/^Content-Transfer-Encoding: (quoted-printable|base64)$/i.test(line)) encoded = true;
    else if (/^Content-Transfer-Encoding:/i.test(line) || line.startsWith('--')) encoded = false;
    else if (encoded) longestEncoded = Math.max(longestEncoded, line.length);
  }
  return { longest, longestEncoded };
}

describe('digest emails built once and sent as bytes', () => {
  it('parse for each recipient, odd addresses included, exactly as the composed message does', async () => {
    const sink = await closeLater(await startSmtpSink());
    const app = await deliveryApp(sink.url);
    const ids = await confirmed(app, ODD_ADDRESSES);
    await app.planner.plan(app.clock());
    expect(await app.deliverer.run({ maxWaitMs: 0 })).toMatchObject({ sent: ODD_ADDRESSES.length, failed: 0 });
    const [digest] = await app.store.listDigests({ limit: 1 });
    const rows = await app.store.listDeliveries({ status: 'sent', limit: 10 });
    expect(sink.messages).toHaveLength(ODD_ADDRESSES.length);
    for (const [i, id] of ids.entries()) {
      const row = rows.find((r) => r.subscriberId === id)!;
      const received = sink.messages.find((m) => m.mail.messageId === `<${row.messageId}>`)!;
      expect(received, row.email).toBeDefined();
      // The reference: the same recipient's email composed by nodemailer from the filled strings.
      const reference = await simpleParser(
        await composeEml(
          digestMessage({
            digest: digest!,
            to: row.email,
            tokenSubject: id,
            deliveryId: row.id,
            messageId: row.messageId,
            topicNames: 'Neural architecture search',
            config: app.config,
            secret: app.secret,
            date: new Date(),
          }),
        ),
      );
      const { mail, raw } = received;
      expect(mail.subject).toBe(reference.subject);
      expect(mail.from?.text).toBe(reference.from?.text);
      expect((mail.to as AddressObject).value[0]?.address).toBe((reference.to as AddressObject).value[0]?.address);
      expect(mail.text).toBe(reference.text);
      expect(mail.html).toBe(reference.html);
      for (const key of ['list-id', 'list-unsubscribe', 'list-unsubscribe-post'])
        expect(headerLine(mail.headerLines, key), key).toEqual(headerLine(reference.headerLines, key));
      expect(mail.text).toContain(row.email);
      expect(`${mail.html}${mail.text}`).not.toContain('\u001F');
      expect(raw.includes('\u001F')).toBe(false);
      expect(lineLengths(raw).longest, ODD_ADDRESSES[i]).toBeLessThanOrEqual(998);
    }
  });

  it.each([false, true])(
    'are signed with DKIM so that a verifier passes (8BITMIME hidden: %s)',
    async (hide8BITMIME) => {
      const sink = await closeLater(await startSmtpSink({ hide8BITMIME }));
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const app = await deliveryApp(sink.url, {
        DKIM_DOMAIN: 'papers.example.org',
        DKIM_SELECTOR: 'pb2026',
        DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      });
      await confirmed(app, ['ada+x@example.org', 'user@müller.de']);
      await app.planner.plan(app.clock());
      await app.deliverer.run({ maxWaitMs: 0 });
      const record = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
      const resolver = async (name: string, type: string) => {
        if (name === 'pb2026._domainkey.papers.example.org' && type === 'TXT') return [[record]];
        throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
      };
      expect(sink.messages).toHaveLength(2);
      for (const m of sink.messages) {
        const { results } = await dkimVerify(m.raw, { resolver });
        expect(results.map((r) => [r.signingDomain, r.status.result])).toEqual([['papers.example.org', 'pass']]);
      }
    },
  );

  it('go 8bit with BODY=8BITMIME where the relay announces it, and encoded where it does not', async () => {
    for (const hide8BITMIME of [false, true]) {
      const sink = await closeLater(await startSmtpSink({ hide8BITMIME }));
      const app = await deliveryApp(sink.url);
      await confirmed(app, ['ada@example.org']);
      await app.planner.plan(app.clock());
      await app.deliverer.run({ maxWaitMs: 0 });
      const raw = sink.messages[0]!.raw.toString('latin1');
      const encodings = [...raw.matchAll(/^Content-Transfer-Encoding: (.+)$/gim)].map((m) => m[1]);
      if (hide8BITMIME) {
        expect(encodings).not.toContain('8bit');
        expect(sink.mailCommands[0]).not.toMatch(/BODY=8BITMIME/);
      } else {
        expect(encodings).toContain('8bit');
        expect(sink.mailCommands[0]).toMatch(/BODY=8BITMIME/);
      }
      expect(sink.messages[0]!.mail.html).toContain('ada@example.org');
    }
  });
});

describe('holes in every transfer encoding', () => {
  // The recipient's token 50 times in each part, in one long line of HTML, with long values.
  const html = `<p>${Array.from({ length: 50 }, (_, i) => `<a href="https://p.example.org/r/${H('token')}?n=${i}">ü ${i}</a>`).join(' ')}</p>\n<p>${H('recipient')}</p>\n`;
  // Lines that start with a dot, literal and filled, are dot-stuffed on the wire and arrive as they were.
  const text = `Hello ${H('recipient')} \n.leading dot\n..two\n${H('token')}\n${Array.from({ length: 50 }, (_, i) => `${i}: https://p.example.org/r/${H('token')}`).join('\n')}\n`;
  const cjk = `${'論文の要約と新着情報。'.repeat(200)}\n${H('recipient')}\n${'査読付き論文'.repeat(100)} ${H('token')}\n`;

  const spec = (relayTakes8bit: boolean, textBody = text): WireSpec => ({
    from: 'Paperboy Digest <digest@papers.example.org>',
    subject: 'Efficient models — “3 new papers” über alles',
    alternatives: [
      { contentType: 'text/plain', parts: splitHoles(textBody) },
      { contentType: 'text/html', parts: splitHoles(html), escape: escapeHtml },
    ],
    list: { id: 'efficient.digests.papers.example.org', name: 'Paperboy: Efficient models' },
    relayTakes8bit,
  });

  const recipients = [
    { to: 'ada+tag@example.org', token: '.short-token' },
    { to: 'zoë@xn--mller-kva.de', token: `t${'Ab9_-'.repeat(180)}` },
    { to: `${'x'.repeat(64)}@example.org`, token: `${'="<>&'.repeat(40)} trailing ` },
  ];

  const cases: [string, WireSpec, string[]][] = [
    ['8bit where the relay takes it', spec(true), ['8bit', '8bit']],
    // The text part is plain ASCII: 7bit, but quoted-printable for a recipient whose address is not.
    ['quoted-printable where it does not', spec(false), ['7bit', 'quoted-printable']],
    ['base64 where it is smaller', spec(false, cjk), ['base64', 'quoted-printable']],
  ];

  it.each(cases)('%s: every line within limits, every hole filled', async (_name, s, encodings) => {
    const template = wireTemplate(s);
    expect(template.encodings).toEqual(encodings);
    const sink = await closeLater(await startSmtpSink());
    const mailer = await closeLater(createSmtpMailer({ url: sink.url, connections: 1 }));
    for (const r of recipients) {
      const holes = { recipient: r.to, token: r.token };
      const message = template.fill({
        to: r.to,
        messageId: `m-${r.token.length}@papers.example.org`,
        date: new Date('2026-12-07T08:00:00Z'),
        unsubscribeUrl: `https://p.example.org/unsubscribe/${encodeURIComponent(r.token)}`,
        holes,
      });
      await mailer.send(message);
      const { mail, raw } = sink.messages.at(-1)!;
      const expectedText = (s.alternatives[0]!.parts as string[])
        .map((p, i) => (i % 2 ? holes[p as 'token'] : p))
        .join('');
      const expectedHtml = splitHoles(html)
        .map((p, i) => (i % 2 ? escapeHtml(holes[p as 'token']) : p))
        .join('');
      expect(mail.text).toBe(expectedText);
      expect(mail.html).toBe(expectedHtml);
      expect(mail.subject).toBe('Efficient models — “3 new papers” über alles');
      // mailparser shows a punycode domain decoded.
      const [local, domain] = r.to.split('@') as [string, string];
      expect((mail.to as AddressObject).value[0]?.address).toBe(`${local}@${domainToUnicode(domain)}`);
      expect(headerLine(mail.headerLines, 'list-unsubscribe')).toEqual([
        `List-Unsubscribe: <https://p.example.org/unsubscribe/${encodeURIComponent(r.token)}>`,
      ]);
      const lengths = lineLengths(raw);
      expect(lengths.longest).toBeLessThanOrEqual(998);
      expect(lengths.longestEncoded).toBeLessThanOrEqual(76);
    }
  });
});

describe('the relay connection', () => {
  const template = () =>
    wireTemplate({
      from: 'Paperboy <digest@papers.example.org>',
      subject: 'Two new papers',
      alternatives: [{ contentType: 'text/plain', parts: splitHoles(`Hello ${H('recipient')}\n`) }],
      relayTakes8bit: false,
    });
  const message = (to: string) =>
    template().fill({ to, messageId: 'm1@papers.example.org', date: new Date(), holes: { recipient: to } });

  it("logs in with the URL's user and password, and sends over the connection it logged in on", async () => {
    const logins: string[] = [];
    const received: string[] = [];
    const server = new SMTPServer({
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth(auth, _session, callback) {
        logins.push(`${auth.method} ${auth.username}:${auth.password}`);
        if (auth.password !== 'p@ss w0rd') return callback(new Error('535 bad credentials'));
        callback(null, { user: auth.username });
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push(`${session.user} ${Buffer.concat(chunks).toString()}`);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.server.address() as { port: number };
    const mailer = await closeLater(
      createSmtpMailer({ url: `smtp://mailer:${encodeURIComponent('p@ss w0rd')}@127.0.0.1:${port}`, connections: 1 }),
    );
    expect((await mailer.send(message('ada@example.org'))).response).toMatch(/^250/);
    await mailer.send(message('bob@example.org'));
    expect(logins).toEqual(['PLAIN mailer:p@ss w0rd']);
    expect(received).toHaveLength(2);
    expect(received[1]).toMatch(/^mailer [\s\S]*Hello bob@example\.org/);
  });

  it('goes through nodemailer when SMTP_URL asks for an option the byte client lacks, and parses the same', async () => {
    const sink = await closeLater(await startSmtpSink());
    // logger=false is a nodemailer option: harmless, and not one the byte client knows.
    const mailer = await closeLater(createSmtpMailer({ url: `${sink.url}?logger=false`, connections: 1 }));
    expect(await mailer.takes8bit?.()).toBe(false);
    await mailer.send(message('ada+x@example.org'));
    expect(sink.mailCommands[0]).not.toMatch(/BODY=8BITMIME/);
    expect(sink.messages[0]!.mail.text).toBe('Hello ada+x@example.org\n');
    expect(sink.messages[0]!.mail.messageId).toBe('<m1@papers.example.org>');
  });
});
