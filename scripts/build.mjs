// Builds dist/chrome and dist/firefox from the one source, then checks what crxjs cannot be trusted
// to refuse: every document_start content script must be a self-contained classic script. When crxjs
// falls back to its async loader (`await import(...)`), the WebSocket patch lands after page scripts.
import { build } from "vite";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const targets = process.argv.slice(2).length ? process.argv.slice(2) : ["chrome", "firefox"];

for (const target of targets) {
  process.env.LIFEGUARD_TARGET = target;
  await build({ configFile: "vite.config.ts", logLevel: process.env.CI ? "warn" : "info" });
  checkDocumentStartScripts(join("dist", target));
  console.log(`built dist/${target}`);
}

function checkDocumentStartScripts(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  for (const cs of manifest.content_scripts ?? []) {
    if (cs.run_at !== "document_start") continue;
    for (const file of cs.js ?? []) {
      const code = readFileSync(join(dir, file), "utf8");
      if (/\bimport\s*\(|^\s*import\s|^\s*export\s/m.test(code)) {
        throw new Error(`${dir}/${file}: document_start script is a module or loader, not a standalone script`);
      }
    }
  }
}
