import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { OutgoingMessage } from '../../src/mail/message.js';
import { createOutboxMailer } from '../../src/mail/outbox.js';
import { createSmtpMailer } from '../../src/mail/smtp.js';
import { tempDir } from '../helpers/env.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    from: 'Paperboy <digest@papers.example.org>',
    to: 'ada@example.org',
    subject: 'Neural architecture search: 2 new papers',
    date: new Date('2026-11-25T08:00:00Z'),
    messageId: 'delivery-7@papers.example.org',
    text: 'Two papers.\nUnsubscribe: https://papers.example.org/unsubscribe/t',
    html: '<p>Two papers.</p><a href="https://papers.example.org/unsubscribe/t">Unsubscribe</a>',
    list: {
      id: 'nas.digests.papers.example.org',
      name: 'Paperboy: NAS',
      unsubscribeUrl: 'https://papers.example.org/unsubscribe/t',
    },
    ...overrides,
  };
}

describe('mailers', () => {
  it('the outbox writes one complete .eml per message', async () => {
    const dir = join(tempDir(), 'outbox');
    const mailer = createOutboxMailer(dir);
    const result = await mailer.send(message());
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^2026-11-25T08-00-00-000Z-delivery-7_papers\.example\.org\.eml$/);
    expect(result.response).toContain(files[0]);
    const mail = await simpleParser(readFileSync(join(dir, files[0]!)));
    expect(mail.messageId).toBe('<delivery-7@papers.example.org>');
    expect(mail.text).toContain('Two papers.');
  });

  it('SMTP hands the message to a real server, with one List-Unsubscribe header holding URL and mailto', async () => {
    const sink = await startSmtpSink();
    onTestFinished(() => sink.close());
    const mailer = createSmtpMailer({ url: sink.url, connections: 1 });
    onTestFinished(() => mailer.close());
    const base = message();
    const result = await mailer.send(
      message({
        list: { ...base.list!, unsubscribeMailto: 'mailto:unsubscribe@papers.example.org?subject=unsubscribe' },
      }),
    );
    expect(result.response).toMatch(/^250/);
    expect(sink.messages).toHaveLength(1);
    const [received] = sink.messages;
    expect(received?.envelopeTo).toEqual(['ada@example.org']);
    const lines = received!.mail.headerLines.filter((h) => h.key === 'list-unsubscribe');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.line.replace(/\r\n\s+/g, ' ')).toBe(
      'List-Unsubscribe: <https://papers.example.org/unsubscribe/t>, <mailto:unsubscribe@papers.example.org?subject=unsubscribe>',
    );
    expect(received!.mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    expect(received!.mail.html).toContain('<p>Two papers.</p>');
  });
});
