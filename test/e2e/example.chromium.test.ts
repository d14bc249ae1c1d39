/**
 * The testing API as a user gets it (issue 21): `npm run package` packs it into
 * artifacts/lifeguard-testing-<version>.tgz; a fresh project (its own package.json, in .tmp/) installs
 * that tarball with npm and runs test/examples/chat, a test written against `lifeguard/testing/playwright`
 * only, with vitest. Nothing of this repository's sources is reachable from there: `lifeguard` resolves
 * to the installed package (the project's own node_modules), and only playwright-core and vitest come
 * from this checkout's node_modules further up.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chromiumPath, ROOT } from "./harness";

const PROJECT = join(ROOT, ".tmp/example-project");

describe("the packed testing API in a user's project", () => {
  it("installs from the tarball and runs the example chat test with vitest", { timeout: 240_000 }, () => {
    // test.sh has built dist/ already; packaging adds the tarball (and the store archives).
    execFileSync(process.execPath, ["scripts/package.mjs", "--no-build"], { cwd: ROOT, stdio: "pipe" });
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const tarball = join(ROOT, `artifacts/lifeguard-testing-${version}.tgz`);
    expect(existsSync(tarball)).toBe(true);

    rmSync(PROJECT, { recursive: true, force: true });
    mkdirSync(PROJECT, { recursive: true });
    writeFileSync(join(PROJECT, "package.json"), JSON.stringify({ name: "chat-example", private: true, type: "module" }, null, 2));
    cpSync(join(ROOT, "test/examples/chat"), PROJECT, { recursive: true });
    // The package has no dependencies: nothing is fetched.
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", tarball], { cwd: PROJECT, stdio: "pipe" });
    const installed = realpathSync(join(PROJECT, "node_modules/lifeguard"));
    expect(installed.startsWith(join(PROJECT, "node_modules"))).toBe(true);

    let output = "";
    try {
      output = execFileSync(process.execPath, [join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--root", PROJECT, "--reporter=verbose"], {
        cwd: PROJECT,
        env: { ...process.env, CHROMIUM: chromiumPath(), CI: "true" },
        encoding: "utf8",
        stdio: "pipe",
      });
    } catch (e) {
      const failed = e as { stdout?: string; stderr?: string };
      throw new Error(`the example's tests failed:\n${failed.stdout ?? ""}\n${failed.stderr ?? ""}`);
    }
    console.log(output);
    expect(output).toMatch(/2 passed/);
  });
});
