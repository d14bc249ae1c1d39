/**
 * Whether a frame rule's regex can backtrack catastrophically. JavaScript's engine backtracks, and a
 * frame rule's regex runs in the page on frames the server chose, so a shape that takes exponential
 * (or high polynomial) time on some input would let one frame hang the page. Read from the source
 * alone, conservatively (a safe regex of a rare shape may be refused; the message says how to write
 * it instead):
 *
 * - a repetition inside a repetition (`(a+)+`, `(a*b)*`, `(x{2,})+`): exponential;
 * - a repeated group whose alternatives can start with the same character, or can match nothing
 *   (`(a|a)*`, `(a|ab)+`, `(\w|\d)*`, `(a|)*`): exponential;
 * - two unbounded repetitions in a row, with only optional items between, that can match the same
 *   characters (`\d+\d+`, `.*.*`, `a*\s*a+`): polynomial, and cubic once the search is unanchored;
 * - a backreference (`\1`, `\k<name>`): no bound at all.
 *
 * The source must already compile (`new RegExp(source)`, no flags): this reads valid syntax only.
 */

/** Code points as inclusive ranges, sorted and disjoint. */
type Ranges = [number, number][];

const MAX_CHAR = 0xffff;

interface Item {
  atom: Atom;
  min: number;
  max: number;
  /** Where the item starts and ends in the source (for the message). */
  from: number;
  to: number;
}
type Seq = Item[];
type Alt = Seq[];
type Atom =
  | { kind: "chars"; set: Ranges }
  | { kind: "group"; alt: Alt }
  /** Anchors, word boundaries and lookarounds: they consume nothing. */
  | { kind: "assert" }
  | { kind: "backref" };

export type RegexShape =
  | { kind: "nested"; part: string }
  | { kind: "alternatives"; part: string }
  | { kind: "adjacent"; part: string }
  | { kind: "backreference"; part: string };

// --- Character sets ---------------------------------------------------------------------------------

function normalise(ranges: Ranges): Ranges {
  const sorted = ranges.slice().sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function complement(ranges: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (const [lo, hi] of normalise(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CHAR) out.push([next, MAX_CHAR]);
  return out;
}

function overlaps(a: Ranges, b: Ranges): boolean {
  for (const [alo, ahi] of a) for (const [blo, bhi] of b) if (alo <= bhi && blo <= ahi) return true;
  return false;
}

const union = (...sets: Ranges[]): Ranges => normalise(sets.flat());

const DIGIT: Ranges = [[0x30, 0x39]];
const WORD: Ranges = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
// Pure: the page world's bundle reaches this module through settings.ts, and must drop it whole.
const SPACE: Ranges = /* @__PURE__ */ normalise([
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a],
  [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
]);
const LINE_ENDS: Ranges = [[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]];
const DOT = /* @__PURE__ */ complement(LINE_ENDS);
const ANY: Ranges = [[0, MAX_CHAR]];

const CLASS_ESCAPES: Record<string, Ranges> = {
  d: DIGIT,
  D: /* @__PURE__ */ complement(DIGIT),
  w: WORD,
  W: /* @__PURE__ */ complement(WORD),
  s: SPACE,
  S: /* @__PURE__ */ complement(SPACE),
};
const CONTROL_ESCAPES: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, f: 0x0c, "0": 0 };

// --- Parser -----------------------------------------------------------------------------------------

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Alt {
    return this.alternation();
  }

  private peek(): string | undefined {
    return this.src[this.i];
  }

  private alternation(): Alt {
    const alts: Alt = [this.sequence()];
    while (this.peek() === "|") {
      this.i++;
      alts.push(this.sequence());
    }
    return alts;
  }

  private sequence(): Seq {
    const seq: Seq = [];
    while (this.i < this.src.length && this.peek() !== "|" && this.peek() !== ")") {
      const from = this.i;
      const atom = this.atom();
      const [min, max] = this.quantifier();
      seq.push({ atom, min, max, from, to: this.i });
    }
    return seq;
  }

  private atom(): Atom {
    const c = this.src[this.i++]!;
    switch (c) {
      case "^":
      case "$":
        return { kind: "assert" };
      case ".":
        return { kind: "chars", set: DOT };
      case "[":
        return { kind: "chars", set: this.charClass() };
      case "(":
        return this.group();
      case "\\":
        return this.escape();
      default:
        return { kind: "chars", set: [[c.charCodeAt(0), c.charCodeAt(0)]] };
    }
  }

  private group(): Atom {
    let lookaround = false;
    if (this.src.startsWith("?:", this.i)) this.i += 2;
    else if (this.src.startsWith("?=", this.i) || this.src.startsWith("?!", this.i)) {
      this.i += 2;
      lookaround = true;
    } else if (this.src.startsWith("?<=", this.i) || this.src.startsWith("?<!", this.i)) {
      this.i += 3;
      lookaround = true;
    } else if (this.src.startsWith("?<", this.i)) {
      this.i = this.src.indexOf(">", this.i) + 1;
    }
    const alt = this.alternation();
    this.i++; // ")"
    // A lookaround consumes nothing, but what it holds still backtracks: keep it for the checks.
    return lookaround ? { kind: "group", alt: [[{ atom: { kind: "group", alt }, min: 0, max: 1, from: 0, to: 0 }]] } : { kind: "group", alt };
  }

  /** One escape outside a class. */
  private escape(): Atom {
    const c = this.src[this.i++]!;
    if (c === "b" || c === "B") return { kind: "assert" };
    if (/[1-9]/.test(c)) {
      while (/[0-9]/.test(this.peek() ?? "")) this.i++;
      return { kind: "backref" };
    }
    if (c === "k" && this.peek() === "<") {
      this.i = this.src.indexOf(">", this.i) + 1;
      return { kind: "backref" };
    }
    this.i--;
    return { kind: "chars", set: this.escapedChar() };
  }

  /** The characters of an escape at `i` (just after the backslash), in or out of a class. */
  private escapedChar(): Ranges {
    const c = this.src[this.i++]!;
    const cls = CLASS_ESCAPES[c];
    if (cls) return cls;
    const control = CONTROL_ESCAPES[c];
    if (control !== undefined) return [[control, control]];
    const hex = (n: number): Ranges | null => {
      const digits = this.src.slice(this.i, this.i + n);
      if (digits.length !== n || !/^[0-9a-fA-F]+$/.test(digits)) return null;
      this.i += n;
      const code = parseInt(digits, 16);
      return [[code, code]];
    };
    if (c === "x") return hex(2) ?? [[0x78, 0x78]];
    if (c === "u") return hex(4) ?? [[0x75, 0x75]];
    if (c === "c" && /[A-Za-z]/.test(this.peek() ?? "")) {
      const code = this.src.charCodeAt(this.i++) % 32;
      return [[code, code]];
    }
    return [[c.charCodeAt(0), c.charCodeAt(0)]];
  }

  /** `[...]` after its `[`. */
  private charClass(): Ranges {
    let negate = false;
    if (this.peek() === "^") {
      negate = true;
      this.i++;
    }
    const ranges: Ranges = [];
    while (this.i < this.src.length && this.peek() !== "]") {
      const lo = this.classAtom();
      if (this.peek() === "-" && this.src[this.i + 1] !== "]" && this.i + 1 < this.src.length && lo.length === 1 && lo[0]![0] === lo[0]![1]) {
        const save = this.i;
        this.i++;
        const hi = this.classAtom();
        if (hi.length === 1 && hi[0]![0] === hi[0]![1]) {
          ranges.push([lo[0]![0], hi[0]![0]]);
          continue;
        }
        // `[\d-x]`: a literal dash between a class and a character.
        this.i = save;
      }
      ranges.push(...lo);
    }
    this.i++; // "]"
    const set = normalise(ranges);
    return negate ? complement(set) : set;
  }

  private classAtom(): Ranges {
    const c = this.src[this.i++]!;
    if (c !== "\\") return [[c.charCodeAt(0), c.charCodeAt(0)]];
    if (this.peek() === "b") {
      this.i++;
      return [[0x08, 0x08]];
    }
    return this.escapedChar();
  }

  /** `[min, max]` of a quantifier at `i` (and its lazy `?`), `[1, 1]` when there is none. */
  private quantifier(): [number, number] {
    const c = this.peek();
    let q: [number, number] | null = null;
    if (c === "*") q = [0, Infinity];
    else if (c === "+") q = [1, Infinity];
    else if (c === "?") q = [0, 1];
    if (q) this.i++;
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return [1, 1];
      this.i += m[0].length;
      const min = Number(m[1]);
      q = [min, m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3])];
    } else return [1, 1];
    if (this.peek() === "?") this.i++;
    return q;
  }
}

// --- Analysis ---------------------------------------------------------------------------------------

const repeats = (item: Item): boolean => item.max > 1;

/** A match of `item` can be any length: it repeats without bound, or holds something that does. */
function unbounded(item: Item): boolean {
  if (item.max === Infinity) return true;
  const a = item.atom;
  return a.kind === "group" && a.alt.some((seq) => seq.some(unbounded));
}

function nullableSeq(seq: Seq): boolean {
  return seq.every(nullableItem);
}

function nullableItem(item: Item): boolean {
  if (item.min === 0) return true;
  const a = item.atom;
  if (a.kind === "assert" || a.kind === "backref") return true;
  if (a.kind === "chars") return false;
  return a.alt.some(nullableSeq);
}

/** Characters a match of `seq` can start with. */
function firstOfSeq(seq: Seq): Ranges {
  const sets: Ranges[] = [];
  for (const item of seq) {
    sets.push(firstOfItem(item));
    if (!nullableItem(item)) break;
  }
  return union(...sets);
}

function firstOfItem(item: Item): Ranges {
  const a = item.atom;
  if (a.kind === "chars") return a.set;
  if (a.kind === "group") return union(...a.alt.map(firstOfSeq));
  // A backreference can be any text the group matched.
  return a.kind === "backref" ? ANY : [];
}

/** Every character a match of `item` can hold anywhere. */
function charsOfItem(item: Item): Ranges {
  const a = item.atom;
  if (a.kind === "chars") return a.set;
  if (a.kind === "group") return union(...a.alt.flatMap((seq) => seq.map(charsOfItem)));
  return a.kind === "backref" ? ANY : [];
}

function containsRepeat(alt: Alt): boolean {
  return alt.some((seq) => seq.some((item) => repeats(item) || (item.atom.kind === "group" && containsRepeat(item.atom.alt))));
}

/** Two alternatives that can start alike (or one that can match nothing): the engine tries both at each turn. */
function ambiguous(alt: Alt): boolean {
  if (alt.length < 2) return false;
  if (alt.some(nullableSeq)) return true;
  const firsts = alt.map(firstOfSeq);
  for (let i = 0; i < firsts.length; i++) for (let j = i + 1; j < firsts.length; j++) if (overlaps(firsts[i]!, firsts[j]!)) return true;
  return false;
}

class Checker {
  constructor(private readonly src: string) {}

  private part(from: number, to: number): string {
    const s = this.src.slice(from, to);
    return s.length > 40 ? `${s.slice(0, 39)}…` : s;
  }

  alt(alt: Alt): RegexShape | null {
    for (const seq of alt) {
      const found = this.seq(seq);
      if (found) return found;
    }
    return null;
  }

  private seq(seq: Seq): RegexShape | null {
    for (let i = 0; i < seq.length; i++) {
      const item = seq[i]!;
      const a = item.atom;
      if (a.kind === "backref") return { kind: "backreference", part: this.part(item.from, item.to) };
      if (a.kind === "group") {
        if (repeats(item) && containsRepeat(a.alt)) return { kind: "nested", part: this.part(item.from, item.to) };
        if (repeats(item) && ambiguous(a.alt)) return { kind: "alternatives", part: this.part(item.from, item.to) };
        const inner = this.alt(a.alt);
        if (inner) return inner;
      }
      if (unbounded(item)) {
        const chars = charsOfItem(item);
        for (let j = i + 1; j < seq.length; j++) {
          const next = seq[j]!;
          if (unbounded(next) && overlaps(chars, firstOfItem(next))) {
            return { kind: "adjacent", part: this.part(item.from, next.to) };
          }
          if (!nullableItem(next)) break;
        }
      }
    }
    return null;
  }
}

/** The first catastrophic shape in `source` (a regex that compiles, no flags), or null when there is none. */
export function regexShape(source: string): RegexShape | null {
  const alt = new Parser(source).parse();
  return new Checker(source).alt(alt);
}
