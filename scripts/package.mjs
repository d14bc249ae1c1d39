// `npm run package`: store-ready archives in artifacts/ —
//   lifeguard-chrome-<version>.zip   dist/chrome, manifest at the root (Chrome Web Store)
//   lifeguard-firefox-<version>.zip  `web-ext build` of dist/firefox (AMO), after a clean `web-ext lint`
// `--no-build` packages the dist/ already there.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, copyFileSync, rmSync, statSync } from "node:fs";
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

for (const file of [chrome, firefox]) {
  if (!existsSync(file)) throw new Error(`missing ${file}`);
  console.log(`${(statSync(file).size / 1024).toFixed(1).padStart(8)} KiB  ${file.slice(process.cwd().length + 1)}`);
}
