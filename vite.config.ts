import { defineConfig } from "vite";
import preact from "@preact/preset-vite";
import { crx, type ManifestV3Export } from "@crxjs/vite-plugin";
import { resolve } from "node:path";
import { randomUUID } from "node:crypto";
import { manifestFor, type Target } from "./scripts/manifest.mjs";

// One source manifest, two variants: `LIFEGUARD_TARGET=chrome|firefox` picks which (scripts/build.mjs
// builds both).
const target = (process.env.LIFEGUARD_TARGET ?? "chrome") as Target;

export default defineConfig({
  // The page world and the relay find each other with event names no page can guess (see
  // src/shared/page-channel.ts); both are built in one run, so they share this value.
  define: { __LIFEGUARD_CHANNEL__: JSON.stringify(randomUUID()) },
  plugins: [
    preact(),
    crx({
      manifest: manifestFor(target) as unknown as ManifestV3Export,
      browser: target,
      contentScripts: { standaloneFiles: ["src/content/index.iife.ts"] },
    }),
  ],
  build: {
    outDir: `dist/${target}`,
    emptyOutDir: true,
    // The page-world script runs in every frame of every page: ship it small. Nothing whose name a
    // page can read is a minifiable identifier (the hook keeps native names through a Proxy and
    // method keys), and the fidelity suite checks that.
    minify: true,
    sourcemap: false,
    target: "es2022",
    rollupOptions: {
      // The panel is only opened by `devtools.panels.create` (and as a tab with ?tabId=N): crxjs
      // cannot find it in the manifest.
      input: { panel: resolve(import.meta.dirname, "src/panel/index.html") },
      output: {
        // Preact in a chunk of its own name: `web-ext lint` flags its innerHTML path (never used with
        // page data here), and scripts/lint-firefox.mjs explains that warning by this file name.
        codeSplitting: { groups: [{ name: "preact", test: /[\\/]node_modules[\\/]preact[\\/]/ }] },
      },
    },
  },
});
