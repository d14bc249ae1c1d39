// What the build prints, sorted: the one known-harmless warning is dropped, the crxjs async-loader
// notice fails the build, everything else passes through untouched.

/**
 * rolldown: "`inlineDynamicImports` option is ignored because `codeSplitting: false` is set."
 * (its logger drops the backticks when the output is not a terminal)
 * crxjs 3 builds each standalone content script as an IIFE with `output.inlineDynamicImports: true`;
 * vite 8's IIFE lib mode already sets rolldown's `codeSplitting: false`, which inlines dynamic
 * imports too, so the option is redundant, not lost: the script is one file either way (and
 * scripts/build.mjs fails the build if a document_start script is not). rolldown prints it through
 * its own logger, not through `onLog`, so it can only be filtered from the output.
 */
const HARMLESS = [/^\s*WARN\s+`?inlineDynamicImports`? option is ignored because `?codeSplitting: false`? is set\.\s*$/];

/**
 * crxjs: "[crx:manifest] Some document_start content scripts use the async loader." A content
 * script loaded through `await import(...)` hooks WebSocket after page scripts ran (TOOLCHAIN.md):
 * an error here, not a notice.
 */
const FATAL = [/\[crx:manifest\] Some document_start content scripts use the async loader/];

// eslint-disable-next-line no-control-regex -- colour codes are what the terminal gets
const stripAnsi = (text) => text.replace(/\u001b\[[0-9;]*m/g, "");

/** One write to stdout/stderr: what to print (harmless lines and the blank lines around them removed), and fatal lines. */
export function sortBuildOutput(text) {
  const fatal = [];
  const lines = text.split("\n");
  const kept = [];
  for (let i = 0; i < lines.length; i++) {
    const plain = stripAnsi(lines[i]);
    if (FATAL.some((re) => re.test(plain))) fatal.push(plain.trim());
    if (HARMLESS.some((re) => re.test(plain))) {
      // rolldown's logger frames the message with blank lines: drop the ones it added.
      if (kept.length && kept.at(-1).trim() === "") kept.pop();
      if (lines[i + 1]?.trim() === "") i++;
      continue;
    }
    kept.push(lines[i]);
  }
  return { text: kept.join("\n"), fatal };
}

/** Runs `fn` with stdout and stderr sorted; rejects if a fatal line was printed. */
export async function withSortedBuildOutput(fn) {
  const fatal = [];
  const originals = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    originals.push([stream, stream.write]);
    stream.write = (chunk, ...rest) => {
      if (typeof chunk !== "string" && !Buffer.isBuffer(chunk)) return write(chunk, ...rest);
      const sorted = sortBuildOutput(chunk.toString());
      fatal.push(...sorted.fatal);
      return sorted.text === "" ? (rest.find((r) => typeof r === "function")?.(), true) : write(sorted.text, ...rest);
    };
  }
  let result;
  try {
    result = await fn();
  } finally {
    for (const [stream, write] of originals) stream.write = write;
  }
  if (fatal.length) throw new Error(`build output said: ${fatal.join("; ")}`);
  return result;
}
