// Gmail, Outlook and Apple Mail show the digest email as meant: by the Can I email data
// (doiuse-email), nothing in it is unsupported there beyond MJML's own constructs and the few
// features of ours that degrade harmlessly, each listed with why in test/helpers/email-compat.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EMAIL_CLIENTS,
  lintEmail,
  MJML_FEATURES,
  OWN_FEATURES,
  type ShowcaseEmail,
  showcaseEmails,
} from '../helpers/email-compat.js';

let emails: ShowcaseEmail[];
beforeAll(async () => {
  emails = await showcaseEmails();
}, 60_000);

describe('the digest email in Gmail, Outlook and Apple Mail', () => {
  it('renders one topic and three, full and compact', () => {
    expect(emails.map((e) => e.name)).toEqual([
      'one-topic-full',
      'one-topic-compact',
      'three-topics-full',
      'three-topics-compact',
    ]);
  });

  it('uses nothing those clients lack beyond the listed MJML constructs and harmless features of ours', () => {
    const allowed = new Set([...Object.keys(MJML_FEATURES), ...Object.keys(OWN_FEATURES)]);
    for (const email of emails) {
      const findings = lintEmail(email.html);
      expect(findings.map((f) => f.client)).toEqual([...EMAIL_CLIENTS]);
      for (const f of findings) {
        expect(
          f.unsupported.filter((feature) => !allowed.has(feature)),
          `${email.name} in ${f.client}`,
        ).toEqual([]);
      }
    }
  });

  it('Apple Mail supports all of it', () => {
    for (const email of emails) {
      const apple = lintEmail(email.html).find((f) => f.client === 'apple-mail.*');
      expect(apple?.errors, email.name).toEqual([]);
    }
  });

  it('the linter does catch what a client lacks: a border-radius is an error in Outlook', () => {
    const html = (emails[0]?.html ?? '').replace('class="lead" style="', 'class="lead" style="border-radius:6px;');
    expect(html).toContain('border-radius:6px;');
    const outlook = lintEmail(html).find((f) => f.client === 'outlook.*');
    expect(outlook?.unsupported).toContain('border-radius');
  });
});
