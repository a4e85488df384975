/**
 * A one-line progress display on a terminal (stderr), redrawn at most ten times a second;
 * silent when stderr is not a terminal, so logs and pipes stay clean.
 */
export function createProgress(label: string) {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(text: string) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      process.stderr.write(`\r\u001b[2K${label} ${text}`);
    },
    done() {
      if (tty && shown) process.stderr.write('\r\u001b[2K');
    },
  };
}

/** A bar over `createProgress`: `[#####     ] 45% 45,000/100,000`. */
export function progressBar(label: string) {
  const line = createProgress(label);
  const width = 30;
  return {
    update(done: number, total: number): void {
      if (total === 0) return;
      const filled = Math.round((done / total) * width);
      const pct = Math.floor((done / total) * 100);
      line.update(
        `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${pct}% ${done.toLocaleString('en')}/${total.toLocaleString('en')}`,
      );
    },
    done: line.done,
  };
}
