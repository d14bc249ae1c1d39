// `web-ext lint` on dist/firefox: no errors, and no warning but the ones explained in the README.
import { execFileSync } from "node:child_process";

// Preact's DOM renderer contains the code path for `dangerouslySetInnerHTML`; Lifeguard never uses
// it (payloads are rendered as text), but the linter sees the assignment in the bundled runtime.
const EXPLAINED = [{ code: "UNSAFE_VAR_ASSIGNMENT", file: /^assets\/preact-[\w-]+\.js$/ }];

let out;
try {
  out = execFileSync("npx", ["--no-install", "web-ext", "lint", "--source-dir", "dist/firefox", "--output", "json"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
} catch (e) {
  out = e.stdout; // web-ext exits non-zero on errors; the JSON says which
}
const report = JSON.parse(out);
const unexplained = report.warnings.filter((w) => !EXPLAINED.some((x) => x.code === w.code && x.file.test(w.file)));
for (const m of [...report.errors, ...unexplained]) console.error(`${m._type} ${m.code} ${m.file ?? ""}:${m.line ?? ""} ${m.message}`);
console.log(`web-ext lint: ${report.errors.length} errors, ${report.warnings.length} warnings (${unexplained.length} unexplained), ${report.notices.length} notices`);
if (report.errors.length || unexplained.length) process.exit(1);
