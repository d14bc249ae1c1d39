/**
 * Where a JSON text stops being JSON, as line and column (from 1), for the options page's JSON view.
 *
 * Engines say it differently, or not at all: V8 (Chromium, Node) writes "… in JSON at position 11",
 * newer V8 adds "(line 2 column 1)", but "Unexpected token …" and "Unexpected end of JSON input" carry
 * no position; SpiderMonkey (Firefox) writes "… at line 2 column 1 of the JSON data". So the message's
 * own position is used when it has one, and otherwise a minimal scan of the JSON grammar (RFC 8259)
 * finds the first character that cannot continue the text.
 */

export interface TextPosition {
  line: number;
  column: number;
}

/** Line and column (from 1, in UTF-16 code units as editors count them) of `offset` in `text`. */
export function positionAt(text: string, offset: number): TextPosition {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lastBreak = before.lastIndexOf("\n");
  return { line: before.split("\n").length, column: before.length - lastBreak };
}

/** The position an engine's message names, or null when it names none. */
export function positionFromMessage(message: string, text: string): TextPosition | null {
  const lineColumn = /\bline (\d+) column (\d+)\b/.exec(message);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const offset = /\bat position (\d+)\b/.exec(message);
  return offset ? positionAt(text, Number(offset[1])) : null;
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES = '"\\/bfnrt';

/** The offset of the first character that makes `text` not JSON (its length when it ends too soon); null for JSON. */
export function jsonSyntaxErrorOffset(text: string): number | null {
  let i = 0;
  const fail = (at = i): never => {
    throw new SyntaxAt(at);
  };
  const space = (): void => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const expect = (ch: string): void => {
    space();
    if (text[i] !== ch) fail();
    i++;
  };
  const string = (): void => {
    i++; // the opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail();
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === "u") {
          for (let k = 2; k < 6; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? "")) fail(i + k);
          i += 6;
        } else if (e !== undefined && ESCAPES.includes(e)) i += 2;
        else fail(i + 1);
      } else i++;
    }
    fail();
  };
  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++, i++) if (text[i] !== word[k]) fail();
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail();
        string();
        expect(":");
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail();
      }
    }
    if (c === "[") {
      i++;
      space();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    NUMBER.lastIndex = i;
    if (NUMBER.exec(text) === null) fail();
    i = NUMBER.lastIndex;
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return null;
  } catch (err) {
    // Anything else is the stack giving out on absurd nesting: no position rather than a crash.
    return err instanceof SyntaxAt ? err.offset : null;
  }
}

/** Where `text` (which `JSON.parse` refused with `message`) goes wrong; null if neither the message nor the scan can tell. */
export function jsonErrorPosition(text: string, message: string): TextPosition | null {
  const named = positionFromMessage(message, text);
  if (named) return named;
  const offset = jsonSyntaxErrorOffset(text);
  return offset === null ? null : positionAt(text, offset);
}
