// `npm run package`: store-ready archives in artifacts/ —
//   lifeguard-chrome-<version>.zip   dist/chrome, manifest at the root (Chrome Web Store)
//   lifeguard-firefox-<version>.zip  `web-ext build` of dist/firefox (AMO), after a clean `web-ext lint`
//   lifeguard-testing-<version>.tgz  `npm pack` of the testing API (lifeguard/testing/playwright and
//                                    lifeguard/testing/puppeteer) with the built extensions it loads
// `--no-build` packages the dist/ already there.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, copyFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";

const ARTIFACTS = resolve("artifacts");
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: "inherit", ...opts });

if (!process.argv.includes("--no-build")) run("npm", ["run", "-s", "build"]);
run(process.execPath, ["scripts/lint-firefox.mjs"]);

const { version } = JSON.parse(readFileSync("dist/chrome/manifest.json", "utf8"));
mkdirSync(ARTIFACTS, { recursive: true });

const chrome = join(ARTIFACTS, `lifeguard-chrome-${version}.zip`);
rmSync(chrome, { force: true });
// -X: no extra file attributes (uid/gid, times beyond DOS), so the archive depends on the files only.
run("zip", ["-q", "-r", "-X", chrome, "."], { cwd: "dist/chrome" });

const firefox = join(ARTIFACTS, `lifeguard-firefox-${version}.zip`);
const scratch = mkdtempSync(join(tmpdir(), "lifeguard-webext-"));
try {
  run("npx", ["--no-install", "web-ext", "build", "--source-dir", "dist/firefox", "--artifacts-dir", scratch, "--overwrite-dest"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const [built] = readdirSync(scratch).filter((f) => f.endsWith(".zip"));
  if (!built) throw new Error("web-ext build wrote no archive");
  rmSync(firefox, { force: true });
  copyFileSync(join(scratch, built), firefox); // not rename: /tmp may be another filesystem
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// The testing API as a package of its own: what a user's project installs from the tarball, nothing of
// this repository's sources or development dependencies. Its modules find dist/chrome and
// dist/firefox beside dist/testing (src/testing/extension-dir.ts).
const testing = join(ARTIFACTS, `lifeguard-testing-${version}.tgz`);
const stage = mkdtempSync(join(tmpdir(), "lifeguard-pack-"));
try {
  for (const dir of ["testing", "chrome", "firefox"]) cpSync(join("dist", dir), join(stage, "dist", dir), { recursive: true });
  const root = JSON.parse(readFileSync("package.json", "utf8"));
  const manifest = {
    name: root.name,
    version,
    description: "Lifeguard's testing API: WebSocket faults, protection and records in Playwright and Puppeteer tests.",
    type: "module",
    license: root.license,
    engines: root.engines,
    exports: root.exports,
    files: ["dist"],
  };
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync("docs/testing-api.md", join(stage, "README.md"));
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", scratchDir()], { cwd: stage, encoding: "utf8" }));
  rmSync(testing, { force: true });
  copyFileSync(join(scratchDir(), packed.filename), testing);
} finally {
  rmSync(stage, { recursive: true, force: true });
  rmSync(scratchDir(), { recursive: true, force: true });
}

/** One scratch folder for npm pack's output (npm names the file after the package, not us). */
function scratchDir() {
  scratchDir.dir ??= mkdtempSync(join(tmpdir(), "lifeguard-packed-"));
  return scratchDir.dir;
}

for (const file of [chrome, firefox, testing]) {
  if (!existsSync(file)) throw new Error(`missing ${file}`);
  console.log(`${(statSync(file).size / 1024).toFixed(1).padStart(8)} KiB  ${file.slice(process.cwd().length + 1)}`);
}
