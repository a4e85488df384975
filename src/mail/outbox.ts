import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { composeEml } from './compose.js';
import type { Mailer } from './message.js';

/** Writes each message as an .eml file: the transport of a laptop install with no SMTP server. */
export function createOutboxMailer(dir: string): Mailer {
  return {
    async send(message) {
      await mkdir(dir, { recursive: true });
      const eml = await composeEml(message);
      const name = `${message.date.toISOString().replace(/[:.]/g, '-')}-${message.messageId.replace(/[^\w.-]/g, '_')}.eml`;
      // Write then rename, so a reader never sees half a message.
      const tmp = join(dir, `.${name}.tmp`);
      await writeFile(tmp, eml);
      await rename(tmp, join(dir, name));
      return { messageId: message.messageId, response: `written to ${join(dir, name)}` };
    },
    async close() {},
  };
}
