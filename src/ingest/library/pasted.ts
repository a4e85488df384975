// arXiv ids and links pasted into a form: one or more a line, separated by spaces or commas.
import { parseArxivId } from '../../domain/paper.js';
import { arxivIdIn } from './entry.js';

export interface PastedIds {
  /** Without version, in the order pasted, each once. */
  ids: string[];
  /** What was not an arXiv id or link, with its line. */
  unreadable: { text: string; line: number }[];
}

/** Ids (2401.01234, 2401.01234v2, hep-th/9901001, arXiv:…) and abs/pdf links; anything else is listed as unreadable. */
export function parsePastedIds(text: string): PastedIds {
  const ids: string[] = [];
  const unreadable: PastedIds['unreadable'] = [];
  text.split(/\r?\n/).forEach((row, i) => {
    for (const token of row.split(/[\s,;]+/).filter(Boolean)) {
      const id = parseArxivId(token.replace(/^<|>$/g, ''))?.id ?? arxivIdIn(token);
      if (!id) unreadable.push({ text: token, line: i + 1 });
      else if (!ids.includes(id)) ids.push(id);
    }
  });
  return { ids, unreadable };
}
