import { defineConfig } from "vitest/config";
import preact from "@preact/preset-vite";

// Unit, component and Node integration tests. Real browsers live in vitest.e2e.config.ts.
export default defineConfig({
  plugins: [preact()],
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    // The testing API's own browser tests run with the e2e suite (vitest.e2e.config.ts).
    exclude: ["test/e2e/**", "test/examples/**", "test/testing/**/*.chromium.test.ts", "test/testing/**/*.firefox.test.ts", "node_modules/**"],
    // Node 20 has no global WebSocket without this flag (undici's, browser-compatible).
    execArgv: ["--experimental-websocket"],
    testTimeout: 20_000,
  },
});
