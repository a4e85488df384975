// What Gmail, Outlook and Apple Mail lack of the digest email, by the Can I email data
// (doiuse-email): per showcase email and client, the errors (unsupported) and warnings (partly
// supported), and the distinct features of each; features MJML itself writes are marked.
//
//   npm run email:compat
import { lintEmail, MJML_FEATURES, OWN_FEATURES, showcaseEmails } from '../test/helpers/email-compat.js';

const mark = (f: string) => (f in MJML_FEATURES ? `${f} (MJML)` : f in OWN_FEATURES ? `${f} (ours, kept)` : f);

for (const email of await showcaseEmails()) {
  console.log(`\n${email.name} (${Math.round(Buffer.byteLength(email.html) / 1024)} KB)`);
  for (const c of lintEmail(email.html)) {
    console.log(`  ${c.client}: ${c.errors.length} errors, ${c.warnings.length} warnings`);
    if (c.unsupported.length) console.log(`    not supported: ${c.unsupported.map(mark).join('; ')}`);
    if (c.partial.length) console.log(`    partly supported: ${c.partial.map(mark).join('; ')}`);
  }
}
