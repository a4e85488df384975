/**
 * Where each element of a JSON array starts, as 1-based line numbers, so that a validation error
 * on element i can name its line. `arrayDepth` is the nesting depth of the array's elements
 * (1 for a top-level array, 2 for `{"papers": [...]}`).
 */
export function elementLines(text: string, arrayDepth: number): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    if (expectElement && depth === arrayDepth) {
      lines.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (c === '[' && depth === arrayDepth) expectElement = true;
    } else if (c === ']' || c === '}') {
      depth--;
      expectElement = false;
    } else if (c === ',' && depth === arrayDepth) expectElement = true;
  }
  return lines;
}

/** The 1-based line of a character offset. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}
