import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The package root holds templates/ and data/sample/. It is found by walking up from this file,
// so the same code works from src/ (tests, tsx) and from dist/src/ (the built CLI).
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Paperboy package root');
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findRoot();
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');
export const SAMPLE_DATA_DIR = join(PACKAGE_ROOT, 'data', 'sample');
