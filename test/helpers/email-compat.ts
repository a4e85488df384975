// The digest emails a reader can get (one topic and three, each layout), checked against the
// Can I email data (doiuse-email) for the clients most readers use: Gmail, Outlook, Apple Mail.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { doIUseEmail } from 'doiuse-email';
import type { Layout } from '../../src/domain/subscriber.js';
import { digestMessage } from '../../src/jobs/deliver/digest-message.js';
import { SHOWCASE_EDITION, SHOWCASE_TOPICS, showcaseApp } from './showcase.js';

export const EMAIL_CLIENTS = ['gmail.*', 'outlook.*', 'apple-mail.*'] as const;

/**
 * Features of the HTML MJML itself writes, which clients without them ignore harmlessly: each
 * with why it stays. A feature of our own templates or styles that a client lacks is not here.
 */
export const MJML_FEATURES: Record<string, string> = {
  '<body> element': "MJML's document body; Outlook for iOS and Android replace it, the content stays",
  '@media':
    "MJML's responsive column rules (ours: dark mode and the phone heading); without them the inline light styles stand",
  'Chaining selectors': "MJML's head styles (and our dark mode's); where <style> is dropped, inline styles stand",
  'Class selector': "MJML's column classes (.mj-column-per-100) in its head styles",
  'Descendant combinator': "MJML's head styles (#outlook a, .mj-outlook-group-fix …)",
  'ID selector': "MJML's #outlook a reset",
  'Type selector': "MJML's body, table, td, img resets",
  'display:none': "MJML's hidden preheader (mj-preview): the inbox preview line",
  opacity: "MJML's hidden preheader",
  overflow: "MJML's hidden preheader; also our lead's one-line clamp, which in Outlook shows the whole title instead",
  outline: "MJML's img reset (outline:none)",
  'aria-label attribute': "MJML's label of the body wrapper: the subject, for screen readers",
  'role attribute': 'role="presentation" on MJML\'s layout tables, for screen readers',
  'word-break': "MJML's break-word on each mj-text cell, so long URLs wrap",
};

/**
 * Features of our own that some clients lack, kept because they degrade to something still
 * correct there, with why.
 */
export const OWN_FEATURES: Record<string, string> = {
  'Local anchors':
    'the top picks link to their entries further down (#paper-N); Gmail for iOS and Outlook mobile do not jump, the entry is still below',
};

export interface ShowcaseEmail {
  name: string;
  html: string;
}

/** The four showcase digest emails, as one subscriber would get them. */
export async function showcaseEmails(): Promise<ShowcaseEmail[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-email-compat-'));
  const app = await showcaseApp('https://papers.example.org', dataDir, 'email-compat-secret-0123456789abcdef');
  try {
    const emails: ShowcaseEmail[] = [];
    for (const [topics, slugs] of [
      ['one-topic', ['nas']],
      ['three-topics', SHOWCASE_TOPICS.map((t) => t.slug)],
    ] as const) {
      const result = await app.digests.freeze({ slugs: [...slugs], kind: 'day', at: SHOWCASE_EDITION });
      if (result.status === 'empty') throw new Error(`no papers for ${slugs.join(', ')}`);
      for (const layout of ['full', 'compact'] as Layout[]) {
        const message = digestMessage({
          layout,
          digest: result.digest,
          to: 'ada@example.org',
          tokenSubject: 'sub-email-compat',
          deliveryId: 'delivery-email-compat',
          topicNames: result.digest.editionKey,
          config: app.config,
          secret: 'email-compat-secret-0123456789abcdef',
          date: SHOWCASE_EDITION,
        });
        emails.push({ name: `${topics}-${layout}`, html: message.html as string });
      }
    }
    return emails;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface ClientFindings {
  client: string;
  errors: string[];
  warnings: string[];
  /** Distinct features the client does not support. */
  unsupported: string[];
  /** Distinct features the client supports only in part. */
  partial: string[];
}

const feature = (message: string) => /^`(.+?)` is/.exec(message)?.[1] ?? message;

/** What doiuse-email finds in `html` for each client pattern. */
export function lintEmail(html: string): ClientFindings[] {
  return EMAIL_CLIENTS.map((client) => {
    const result = doIUseEmail(html, { emailClients: [client] });
    const errors = result.success ? [] : result.errors;
    return {
      client,
      errors,
      warnings: result.warnings,
      unsupported: [...new Set(errors.map(feature))].sort(),
      partial: [...new Set(result.warnings.map(feature))].sort(),
    };
  });
}
