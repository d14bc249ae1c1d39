// `npm start`: build both extensions, run the flaky demo server (demo/server.mjs), and open Chromium
// with the extension loaded in a fresh profile, the demo's socket origin protected (heartbeat
// "ping"/"pong", which the demo answers) and DevTools open at the bottom on the Lifeguard panel.
// `npm run demo:firefox` (--firefox) does the same in Firefox ESR, with the same rule (demo/rule.mjs)
// set through the extension. Without a display it says how to load the extension by hand and keeps
// the demo running. Ctrl-C stops everything it started.
//   --no-build   use dist/ as it is (also LIFEGUARD_NO_BUILD=1)
//   PORT         the demo's port (default 8080; 0 picks a free one)
import { execSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import net from "node:net";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { demoSettings } from "../demo/rule.mjs";
import { extensionIdForPath, selectPanelInDevtools, writeDevtoolsPreferences } from "./devtools-prefs.mjs";
import { evaluateInBackground } from "./firefox-rdp.mjs";

const CHROMIUM = "/usr/bin/chromium";
const FIREFOX = "/usr/bin/firefox-esr";
const firefox = process.argv.includes("--firefox");
const noBuild = process.argv.includes("--no-build") || process.env.LIFEGUARD_NO_BUILD === "1";
const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);

/** What is running, so that every way out stops it. */
const started = { demo: null, context: null, firefox: null, profile: null };
let stopping = false;

if (!noBuild) {
  const run = (cmd) => execSync(cmd, { stdio: "inherit" });
  const stale = !existsSync("node_modules/.package-lock.json") ||
    statSync("package-lock.json").mtimeMs > statSync("node_modules/.package-lock.json").mtimeMs;
  if (stale) run("npm ci --no-audit --no-fund");
  run("npm run -s build");
}

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

const demoUrl = await startDemo();
const wsOrigin = demoUrl.replace(/^http/, "ws").replace(/\/$/, "");

if (!hasDisplay) {
  console.log(`
No display (neither DISPLAY nor WAYLAND_DISPLAY is set): not opening a browser.
Load the extension by hand in a browser that has one:
  Chrome/Chromium  chrome://extensions > Developer mode > Load unpacked > ${resolve("dist/chrome")}
  Firefox          about:debugging#/runtime/this-firefox > Load Temporary Add-on > ${resolve("dist/firefox/manifest.json")}
then open ${demoUrl} , open DevTools and pick the "Lifeguard" panel; "Protect this site" there (or in
the toolbar popup) protects the demo's sockets (${wsOrigin}/*).
The demo keeps running here: ${demoUrl}  (Ctrl-C stops it)
`);
} else if (firefox) {
  await startFirefox();
} else {
  await startChromium();
}

/** The demo server as a child; resolves with its URL once it listens. */
function startDemo() {
  const demo = spawn(process.execPath, ["demo/server.mjs"], {
    env: { ...process.env, PORT: process.env.PORT ?? "8080" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  started.demo = demo;
  demo.on("exit", (code) => {
    started.demo = null;
    // Ctrl-C in a terminal reaches the demo too, and it exits 0: that is not a failure.
    if (!stopping) {
      if (code) console.error(`the demo server exited (${code})`);
      void stop(code ?? 0);
    }
  });
  return new Promise((resolvePromise, reject) => {
    createInterface({ input: demo.stdout }).on("line", (line) => {
      console.log(line);
      const url = /^demo: (http:\/\/\S+)/.exec(line)?.[1];
      if (url) resolvePromise(url);
    });
    demo.on("exit", () => reject(new Error("the demo server did not start")));
  });
}

async function startChromium() {
  if (!existsSync(CHROMIUM)) return noBrowser(`${CHROMIUM} is missing (apt-get install chromium)`);
  const { chromium } = await import("playwright-core");
  const dist = resolve("dist/chrome");
  started.profile = mkdtempSync(join(tmpdir(), "lifeguard-profile-"));
  const extensionId = extensionIdForPath(dist);
  writeDevtoolsPreferences(started.profile, extensionId);
  const context = await chromium.launchPersistentContext(started.profile, {
    executablePath: CHROMIUM,
    headless: false,
    viewport: null,
    // Ctrl-C is ours: Playwright's own handler would exit before the profile is removed.
    handleSIGINT: false,
    handleSIGTERM: false,
    // Playwright's own default would disable every extension.
    ignoreDefaultArgs: ["--disable-extensions"],
    args: [`--disable-extensions-except=${dist}`, `--load-extension=${dist}`, "--auto-open-devtools-for-tabs", "--no-first-run"],
  });
  started.context = context;
  context.on("close", () => {
    started.context = null;
    if (!stopping) void stop(0); // the user closed the browser
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker"));
  const loadedId = new URL(worker.url()).host;
  if (loadedId !== extensionId) {
    console.warn(`the extension loaded as ${loadedId}, not ${extensionId}: DevTools opens on its default panel, pick "Lifeguard"`);
  }
  await worker.evaluate((settings) => globalThis.chrome.storage.local.set({ settings }), demoSettings(wsOrigin));
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(demoUrl);
  const selected = loadedId === extensionId && (await selectPanelInDevtools(context, extensionId));
  const where = selected ? "DevTools shows the Lifeguard panel" : 'pick "Lifeguard" in DevTools';
  console.log(`Chromium is open on ${demoUrl} with ${wsOrigin}/* protected; ${where} with its socket. Ctrl-C stops everything.`);
}

/**
 * Firefox through puppeteer-core (WebDriver BiDi), as the Firefox e2e tests drive it: the extension
 * installed before the page loads, the demo rule written to `storage.local` in its background page
 * over the Remote Debugging Protocol (scripts/firefox-rdp.mjs), then the demo opened with DevTools
 * docked at the bottom. (Firefox gives an extension panel a new random id each session, so unlike
 * Chromium its panel cannot be preselected.)
 */
async function startFirefox() {
  if (!existsSync(FIREFOX)) return noBrowser(`${FIREFOX} is missing (apt-get install firefox-esr)`);
  const puppeteer = (await import("puppeteer-core")).default;
  const rdpPort = await freePort();
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: false,
    defaultViewport: null,
    handleSIGINT: false,
    handleSIGTERM: false,
    args: ["--start-debugger-server", String(rdpPort), "--devtools"],
    extraPrefsFirefox: {
      "devtools.debugger.remote-enabled": true,
      "devtools.chrome.enabled": true,
      "devtools.debugger.prompt-connection": false,
      "devtools.toolbox.host": "bottom",
    },
  });
  started.firefox = browser;
  browser.on("disconnected", () => {
    started.firefox = null;
    if (!stopping) void stop(0); // the user closed the browser
  });
  const addonId = await browser.installExtension(resolve("dist/firefox"));
  await evaluateInBackground(rdpPort, addonId, `browser.storage.local.set({ settings: ${JSON.stringify(demoSettings(wsOrigin))} }).then(() => "set")`);
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  await page.goto(demoUrl);
  console.log(`Firefox is open on ${demoUrl} with ${wsOrigin}/* protected (the same rule as npm start); DevTools > "Lifeguard" shows its socket. Ctrl-C stops everything.`);
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function noBrowser(why) {
  console.log(`${why}: not opening a browser. The demo keeps running at ${demoUrl}  (Ctrl-C stops it)`);
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  const waits = [];
  if (started.context) waits.push(started.context.close().catch(() => {}));
  if (started.firefox) waits.push(started.firefox.close().catch(() => {}));
  if (started.demo) {
    started.demo.kill("SIGTERM");
    waits.push(new Promise((r) => started.demo?.once("exit", r) ?? r()));
  }
  await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 5000))]);
  if (started.profile) rmSync(started.profile, { recursive: true, force: true });
  process.exit(code);
}
