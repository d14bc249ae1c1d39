// `npm start`: install what is missing, build both extensions, and run the local demo (a page and a
// deliberately flaky WebSocket server) so the extension has something to show.
import { execSync, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const run = (cmd) => execSync(cmd, { stdio: "inherit" });
const stale = !existsSync("node_modules/.package-lock.json") ||
  statSync("package-lock.json").mtimeMs > statSync("node_modules/.package-lock.json").mtimeMs;
if (stale) run("npm ci --no-audit --no-fund");
run("npm run -s build");

console.log(`
Built:
  dist/chrome   Chrome/Chromium: chrome://extensions > Developer mode > Load unpacked > pick dist/chrome
  dist/firefox  Firefox: about:debugging#/runtime/this-firefox > Load Temporary Add-on > dist/firefox/manifest.json
Open DevTools on the demo page below and pick the "Lifeguard" panel.
`);
const demo = spawn(process.execPath, ["demo/server.mjs"], { stdio: "inherit" });
const stop = () => demo.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
demo.on("exit", (code) => process.exit(code ?? 0));
