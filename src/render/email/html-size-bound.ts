// An upper bound on the bytes a Handlebars template renders for a view, without rendering it: the
// Gmail size check of an edition read by one reader (fitDigest) then needs no rendering at all in
// the common case. A real rendering cost 0.85 ms an edition at the weekly plan with feedback (15,000
// such editions, 13 s); the bound costs a walk over the view's strings.
//
// The template is read once into a tree of costs: its literal text counts as its UTF-8 bytes; a
// value as the bytes of its escaped form; a block as the larger of its two branches, whatever the
// condition (so no condition needs evaluating, and a layout switch such as `@root.compact` counts
// the larger layout); `each` as the sum over the items. Whatever else the template may use (a
// helper with arguments, a partial, a value that is not a string or number) makes the bound
// Infinity: the caller then renders. Whitespace that Handlebars strips (`~`) is counted, which
// only makes the bound larger. So the bound is never below what the template renders.
import Handlebars from 'handlebars';

type Node = hbs.AST.Node;
type Statement = hbs.AST.Statement;

/** Where a value is looked up: the view (root), the contexts `each` entered, and the current item's index. */
interface Scope {
  root: unknown;
  /** Pushed and popped by `each` as it walks (no copy per item). */
  contexts: unknown[];
  /** The item `each` is at, and whether it is the last: `@index`, `@first`, `@last`. */
  index: number;
  last: boolean;
}

type Cost = (scope: Scope) => number;

// A string of none of these (most titles and abstracts) takes one byte a character, escaped or not.
const NOT_PLAIN = /[^\n\x20\x21\x23-\x25\x28-\x3b\x3f-\x5f\x61-\x7e]/;

/**
 * The bytes of a string once HTML-escaped as Handlebars does (`&<>"'\`=` become entities of 4 to 6
 * bytes) and UTF-8 encoded. Counted here rather than by Buffer.byteLength, whose call cost more
 * than the short strings of a view take to walk; a surrogate counts 3 bytes (a pair 6, where UTF-8
 * takes 4, a lone one 3 as its replacement character): never less than the real count.
 */
export function escapedBytes(s: string): number {
  if (!NOT_PLAIN.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c < 0x800 ? 2 : 3;
    else if (c === 38)
      n += 5; // &amp;
    else if (c === 60 || c === 62)
      n += 4; // &lt; &gt;
    else if (c === 34 || c === 39 || c === 96 || c === 61)
      n += 6; // &quot; &#x27; &#x60; &#x3D;
    else n += 1;
  }
  return n;
}

function valueBytes(value: unknown, escaped: boolean): number {
  if (typeof value === 'string') return escaped ? escapedBytes(value) : Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return String(value).length;
  if (typeof value === 'boolean') return value ? 4 : 5;
  // undefined (which a strict template refuses), objects and the rest: left to a real rendering.
  return Number.POSITIVE_INFINITY;
}

function lookup(path: hbs.AST.PathExpression, scope: Scope): unknown {
  let value: unknown;
  let parts = path.parts;
  if (path.data) {
    if (parts[0] === 'root') {
      value = scope.root;
      parts = parts.slice(1);
    } else if (parts.length !== 1) return undefined;
    else if (parts[0] === 'index') return scope.index;
    else if (parts[0] === 'first') return scope.index === 0;
    else if (parts[0] === 'last') return scope.last;
    else return undefined;
  } else {
    const at = scope.contexts.length - 1 - path.depth;
    if (at < 0) return undefined;
    value = scope.contexts[at];
  }
  for (const part of parts) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const unbounded: Cost = () => Number.POSITIVE_INFINITY;

function sequence(statements: readonly Statement[]): Cost {
  let fixed = 0;
  const costs: Cost[] = [];
  for (const s of statements) {
    if (s.type === 'ContentStatement') fixed += Buffer.byteLength((s as hbs.AST.ContentStatement).value, 'utf8');
    else if (s.type !== 'CommentStatement') costs.push(statement(s));
  }
  return (scope) => {
    let n = fixed;
    for (const cost of costs) n += cost(scope);
    return n;
  };
}

const program = (p: hbs.AST.Program | undefined | null): Cost => (p ? sequence(p.body) : () => 0);

function statement(node: Node): Cost {
  if (node.type === 'MustacheStatement') {
    const m = node as hbs.AST.MustacheStatement;
    if (m.params.length > 0 || m.hash || m.path.type !== 'PathExpression') return unbounded;
    const path = m.path as hbs.AST.PathExpression;
    return (scope) => valueBytes(lookup(path, scope), m.escaped);
  }
  if (node.type !== 'BlockStatement') return unbounded;
  const b = node as hbs.AST.BlockStatement;
  const helper = b.path.type === 'PathExpression' ? (b.path as hbs.AST.PathExpression).original : '';
  const [param] = b.params;
  if (b.params.length !== 1 || b.hash || param?.type !== 'PathExpression') return unbounded;
  const yes = program(b.program);
  const no = program(b.inverse);
  const condition = param as hbs.AST.PathExpression;
  if (helper === 'if' || helper === 'unless') {
    const when = helper === 'if';
    return (scope) => {
      const value = lookup(condition, scope);
      if (value === undefined) return Math.max(yes(scope), no(scope));
      // Handlebars' `if`: false, '', 0, null and [] take the other branch.
      const truthy = Boolean(value) && !(Array.isArray(value) && value.length === 0);
      return truthy === when ? yes(scope) : no(scope);
    };
  }
  if (helper !== 'each') return unbounded;
  return (scope) => {
    const items = lookup(condition, scope);
    if (!Array.isArray(items)) return Number.POSITIVE_INFINITY;
    if (items.length === 0) return no(scope);
    const { index: outerIndex, last: outerLast } = scope;
    let n = 0;
    for (let index = 0; index < items.length; index++) {
      scope.contexts.push(items[index]);
      scope.index = index;
      scope.last = index === items.length - 1;
      n += yes(scope);
      scope.contexts.pop();
    }
    scope.index = outerIndex;
    scope.last = outerLast;
    return n;
  };
}

/**
 * For a template's source (as given to Handlebars.compile), a function giving, for a view, a number
 * of bytes its rendering never exceeds; Infinity where it cannot tell.
 */
export function htmlBytesBound(source: string): (view: unknown) => number {
  const cost = program(Handlebars.parse(source));
  return (view) => cost({ root: view, contexts: [view], index: 0, last: false });
}
