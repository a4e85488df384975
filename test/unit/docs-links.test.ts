import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** README.md and every Markdown file under docs/. */
function documents(root: string): string[] {
  const docs = join(root, 'docs');
  const pages = existsSync(docs)
    ? readdirSync(docs, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md'))
        .map((f) => join(docs, f))
    : [];
  return [join(root, 'README.md'), ...pages.sort()];
}

/** The text outside fenced code blocks and inline code, where a link is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '``');
}

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Every anchor of a document; a repeated heading gets -1, -2… as on GitHub. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const withoutCode = markdown.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = anchorOf(heading!);
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return anchors;
}

/** The links and images of a document that point inside the project: `[text](target)` and `![alt](target)`. */
function localLinks(markdown: string): string[] {
  const targets = [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** What is wrong with each local link of the given documents, as `file: target: reason`. */
function brokenLinks(root: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const markdown = readFileSync(file, 'utf8');
    for (const target of localLinks(markdown)) {
      const [path, anchor] = target.split('#', 2) as [string, string | undefined];
      const linked = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
      const where = `${relative(root, file)}: ${target}`;
      if (!existsSync(linked)) {
        problems.push(`${where}: no such file`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!linked.endsWith('.md') || statSync(linked).isDirectory()) {
        problems.push(`${where}: an anchor into a file that is not Markdown`);
      } else if (!anchorsOf(readFileSync(linked, 'utf8')).has(anchor)) {
        problems.push(`${where}: no heading with the anchor #${anchor} in ${relative(root, linked)}`);
      }
    }
  }
  return problems;
}

describe('links in the documentation', () => {
  it('each relative link in README.md and docs/ reaches a file, and each #anchor a heading in it', () => {
    const files = documents(ROOT);
    expect(files.length).toBeGreaterThan(1);
    expect(brokenLinks(ROOT, files)).toEqual([]);
  });

  it('the README links every page of docs/', () => {
    const readme = join(ROOT, 'README.md');
    const linked = new Set(localLinks(readFileSync(readme, 'utf8')).map((t) => resolve(ROOT, t.split('#')[0]!)));
    const unlinked = documents(ROOT)
      .slice(1)
      .filter((page) => !linked.has(page))
      .map((page) => relative(ROOT, page));
    expect(unlinked).toEqual([]);
  });

  it('finds a missing file, a missing heading and an anchor that GitHub would spell differently', () => {
    const root = mkdtempSync(join(tmpdir(), 'docs-links-'));
    try {
      writeFileSync(
        join(root, 'README.md'),
        [
          '# Paperboy',
          'See [the guide](guide.md), [its crash policy](guide.md#crash-policy-hold-for-the-operator),',
          '[health](guide.md#a-sources-health), [the second Notes](guide.md#notes-1) and [here](#paperboy).',
          'Broken: [gone](missing.md), [no heading](guide.md#nowhere), [kept colon](guide.md#crash-policy:-hold-for-the-operator).',
          '`[not a link](inline-code.md)`',
          '```',
          '[not a link either](code-block.md)',
          '```',
          '[web](https://example.org/x.md#y)',
        ].join('\n'),
      );
      writeFileSync(
        join(root, 'guide.md'),
        "# Guide\n## Crash policy: hold for the operator\n## A source's health\n## Notes\n## Notes\n",
      );
      expect(brokenLinks(root, [join(root, 'README.md')])).toEqual([
        'README.md: missing.md: no such file',
        'README.md: guide.md#nowhere: no heading with the anchor #nowhere in guide.md',
        'README.md: guide.md#crash-policy:-hold-for-the-operator: no heading with the anchor #crash-policy:-hold-for-the-operator in guide.md',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
