import { defineConfig } from "vitest/config";

// Real Chromium and Firefox with the built extension (run `npm run build` first; scripts/test.sh does).
export default defineConfig({
  test: {
    // With the testing API's own tests in real browsers (test/testing/, issue 21).
    include: ["test/e2e/**/*.test.ts", "test/testing/**/*.chromium.test.ts", "test/testing/**/*.firefox.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Browsers are heavy on 2 cores: one file at a time.
    fileParallelism: false,
  },
});
