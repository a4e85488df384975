// arXiv titles and abstracts are typed in LaTeX. Readers, feeds and the title fingerprint need the
// plain text a reader sees: `$\mathcal{O}(n)$` is "O(n)", `{BERT}` is "BERT", `\'e` is "é".

// Command names come from the papers' text (\constructor, \toString): both tables are Maps, so
// only the commands listed here are known.
const SYMBOLS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    alpha: 'α',
    beta: 'β',
    gamma: 'γ',
    delta: 'δ',
    epsilon: 'ε',
    varepsilon: 'ε',
    zeta: 'ζ',
    eta: 'η',
    theta: 'θ',
    kappa: 'κ',
    lambda: 'λ',
    mu: 'μ',
    nu: 'ν',
    xi: 'ξ',
    pi: 'π',
    rho: 'ρ',
    sigma: 'σ',
    tau: 'τ',
    phi: 'φ',
    varphi: 'φ',
    chi: 'χ',
    psi: 'ψ',
    omega: 'ω',
    Gamma: 'Γ',
    Delta: 'Δ',
    Theta: 'Θ',
    Lambda: 'Λ',
    Pi: 'Π',
    Sigma: 'Σ',
    Phi: 'Φ',
    Psi: 'Ψ',
    Omega: 'Ω',
    infty: '∞',
    times: '×',
    cdot: '·',
    leq: '≤',
    le: '≤',
    geq: '≥',
    ge: '≥',
    neq: '≠',
    approx: '≈',
    sim: '~',
    pm: '±',
    to: '→',
    rightarrow: '→',
    leftarrow: '←',
    ell: 'ℓ',
    partial: '∂',
    nabla: '∇',
    in: '∈',
    sum: 'Σ',
    prod: 'Π',
    sqrt: '√',
    ldots: '…',
    dots: '…',
    cdots: '…',
    '&': '&',
    '%': '%',
    _: '_',
    '#': '#',
    $: '$',
    '{': '{',
    '}': '}',
    ' ': ' ',
    ',': ' ',
    ';': ' ',
    '!': '',
    LaTeX: 'LaTeX',
    TeX: 'TeX',
    textendash: '–',
    textemdash: '—',
  }),
);

// Accent commands such as \'e, \"o, \`a, \^i, \~n, \c{c}: applied by Unicode composition.
const ACCENTS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    "'": '\u0301',
    '`': '\u0300',
    '^': '\u0302',
    '"': '\u0308',
    '~': '\u0303',
    '=': '\u0304',
    '.': '\u0307',
    c: '\u0327',
    v: '\u030C',
    u: '\u0306',
    H: '\u030B',
  }),
);

// Commands whose argument is kept as text (font and style changes).
const KEEP_ARGUMENT = new Set([
  'mathcal',
  'mathrm',
  'mathbf',
  'mathit',
  'mathsf',
  'mathtt',
  'mathbb',
  'mathfrak',
  'mathscr',
  'boldsymbol',
  'textbf',
  'textit',
  'textrm',
  'textsf',
  'texttt',
  'textsc',
  'emph',
  'text',
  'operatorname',
  'mbox',
  'underline',
  'bm',
  'hat',
  'tilde',
  'bar',
  'vec',
  'widehat',
  'widetilde',
  'overline',
]);

const isLetter = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);

/** Reads `{...}` (balanced) at `i`, or a single character; returns the content and the index after it. */
function argument(s: string, i: number): [string, number] {
  while (s[i] === ' ') i++;
  if (s[i] !== '{') return [s[i] ?? '', i + 1];
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '{') depth++;
    else if (s[j] === '}' && --depth === 0) return [s.slice(i + 1, j), j + 1];
  }
  return [s.slice(i + 1), s.length];
}

/** LaTeX markup reduced to the text it prints; text without a backslash, `$`, or braces is returned as is. */
export function latexToText(s: string): string {
  if (!/[\\${}]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; ) {
    const c = s[i] as string;
    if (c === '$' || c === '{' || c === '}') {
      i++;
      continue;
    }
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === undefined) break;
    let name: string;
    let end: number;
    if (isLetter(next)) {
      end = i + 1;
      while (isLetter(s[end])) end++;
      name = s.slice(i + 1, end);
    } else {
      name = next;
      end = i + 2;
    }
    const accent = ACCENTS.get(name);
    if (accent && (!isLetter(name) || s[end] === '{' || s[end] === ' ')) {
      const [arg, after] = argument(s, end);
      out += `${latexToText(arg)}${accent}`.normalize('NFC');
      i = after;
    } else if (KEEP_ARGUMENT.has(name)) {
      const [arg, after] = argument(s, end);
      out += latexToText(arg);
      i = after;
    } else if (SYMBOLS.has(name)) {
      out += SYMBOLS.get(name);
      i = end;
    } else {
      // An unknown command: keep its name as the reader would guess it, without the backslash.
      out += name;
      i = end;
    }
  }
  return out;
}
