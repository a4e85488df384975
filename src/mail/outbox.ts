import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { composeEml } from './compose.js';
import { isWireMessage, type Mailer } from './message.js';

/**
 * Writes each message as an .eml file: the transport of a laptop install with no SMTP server. The
 * mail names its reader and carries their personal links: the folder and the files are owner-only,
 * set by chmod because a mode given at creation is filtered through the umask.
 */
export function createOutboxMailer(dir: string): Mailer {
  return {
    async send(message) {
      if ((await mkdir(dir, { recursive: true, mode: 0o700 })) !== undefined) await chmod(dir, 0o700);
      const eml = isWireMessage(message) ? message.bytes : await composeEml(message);
      const name = `${message.date.toISOString().replace(/[:.]/g, '-')}-${message.messageId.replace(/[^\w.-]/g, '_')}.eml`;
      // Write then rename, so a reader never sees half a message.
      const tmp = join(dir, `.${name}.tmp`);
      await writeFile(tmp, eml, { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, join(dir, name));
      return { messageId: message.messageId, response: `written to ${join(dir, name)}` };
    },
    // A file holds 8-bit parts as well as any mail client reads them.
    async takes8bit() {
      return true;
    },
    async close() {},
  };
}
