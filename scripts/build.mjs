// Builds dist/chrome and dist/firefox from the one source, then enforces what crxjs does not:
// - every document_start script (manifest content scripts and the page world, which the background
//   registers at run time) is a self-contained classic script: when crxjs falls back to its async
//   loader (`await import(...)`), the WebSocket hook lands after page scripts;
// - the page-world script is not web-accessible: crxjs lists `?iife` scripts in
//   web_accessible_resources under a fixed URL, which any page could fetch to detect Lifeguard.
//   Registered content scripts do not need it;
// - the page-world script is on DevTools' ignore list (an inline source map, scripts/ignore-list.mjs),
//   so DevTools attributes a page's sockets to the page's code, not to Lifeguard's hook.
// Then dist/testing: the testing API (src/testing/) as ESM for Node, with its declarations.
import { build } from "vite";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, readdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { ignoresEverySource, inlineSourceMap, withIgnoreListedSourceMap } from "./ignore-list.mjs";
import { withSortedBuildOutput } from "./build-log.mjs";

const PAGE_WORLD = "src/page/index.iife.js";
const targets = process.argv.slice(2).length ? process.argv.slice(2) : ["chrome", "firefox", "testing"];

for (const target of targets) {
  if (target === "testing") {
    await buildTesting();
    continue;
  }
  process.env.LIFEGUARD_TARGET = target;
  // The one known-harmless warning is dropped and crxjs' async-loader notice is an error (build-log.mjs).
  await withSortedBuildOutput(() => build({ configFile: "vite.config.ts", logLevel: process.env.CI ? "warn" : "info" }));
  const dir = join("dist", target);
  hidePageWorld(dir);
  ignoreListPageWorld(dir);
  checkDocumentStartScripts(dir);
  console.log(`built ${dir}`);
}

function hidePageWorld(dir) {
  const path = join(dir, "manifest.json");
  const manifest = JSON.parse(readFileSync(path, "utf8"));
  const war = (manifest.web_accessible_resources ?? [])
    .map((entry) => ({ ...entry, resources: entry.resources.filter((r) => r !== PAGE_WORLD) }))
    .filter((entry) => entry.resources.length > 0);
  if (war.length) manifest.web_accessible_resources = war;
  else delete manifest.web_accessible_resources;
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  // crxjs also emits the page world as an ES module chunk that nothing loads.
  for (const file of readdirSync(join(dir, "assets"))) {
    if (/^index\.iife\.ts-[\w-]+\.js$/.test(file)) rmSync(join(dir, "assets", file));
  }
}

function ignoreListPageWorld(dir) {
  const path = join(dir, PAGE_WORLD);
  const code = withIgnoreListedSourceMap(readFileSync(path, "utf8"), basename(PAGE_WORLD));
  if (!ignoresEverySource(inlineSourceMap(code))) throw new Error(`${path}: its source map does not ignore-list every source`);
  writeFileSync(path, code);
}

function checkDocumentStartScripts(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  const files = [PAGE_WORLD];
  for (const cs of manifest.content_scripts ?? []) if (cs.run_at === "document_start") files.push(...(cs.js ?? []));
  for (const file of files) {
    const code = readFileSync(join(dir, file), "utf8");
    if (/\bimport\s*\(|^\s*import\s|^\s*export\s|\bimport\s*\{|\bimport\s+\w+\s+from\s/m.test(code)) {
      throw new Error(`${dir}/${file}: document_start script is a module or loader, not a standalone script`);
    }
  }
  const bg = readFileSync(join(dir, "service-worker-loader.js"), "utf8");
  const bgChunk = /import '\.\/(assets\/[^']+)'/.exec(bg)?.[1];
  if (!bgChunk || !readFileSync(join(dir, bgChunk), "utf8").includes(`"${PAGE_WORLD}"`)) {
    throw new Error(`${dir}: the background does not register ${PAGE_WORLD}`);
  }
}

/**
 * The testing API runs in the user's test process (Node), not in the extension: its own library
 * build, with Node's modules and the test drivers (Playwright, Puppeteer) left to the user's install. Declarations come from
 * tsc (tsconfig.testing.json), beside the code under dist/testing/types.
 */
async function buildTesting() {
  const outDir = join("dist", "testing");
  await build({
    configFile: false,
    // public/ holds the extension's icons and locales, nothing a Node library ships.
    publicDir: false,
    logLevel: process.env.CI ? "warn" : "info",
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      sourcemap: false,
      target: "node20",
      lib: { entry: { playwright: "src/testing/playwright.ts", puppeteer: "src/testing/puppeteer.ts", index: "src/testing/index.ts" }, formats: ["es"] },
      rollupOptions: { external: [/^node:/, /^playwright/, /^puppeteer/] },
    },
  });
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.testing.json"], { stdio: "inherit" });
  withExplicitExtensions(join(outDir, "types"));
  console.log(`built ${outDir}`);
}

/**
 * tsc keeps the sources' extensionless relative imports in the declarations, which a consumer whose
 * `moduleResolution` is `node16`/`nodenext` refuses (TS2834); `./x.js` resolves to `./x.d.ts` in every mode.
 */
function withExplicitExtensions(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".d.ts")) continue;
    const path = join(entry.parentPath ?? entry.path, entry.name);
    const code = readFileSync(path, "utf8").replace(/((?:from|import\()\s*")(\.{1,2}\/[^"]*?)(")/g, (all, head, spec, tail) =>
      /\.(?:js|mjs|cjs|json)$/.test(spec) ? all : `${head}${spec}.js${tail}`,
    );
    writeFileSync(path, code);
  }
}
