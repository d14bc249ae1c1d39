import { defineConfig } from "vitest/config";
import preact from "@preact/preset-vite";

// Measurements that print figures and assert nothing about time: `npx vitest run --config vitest.bench.config.ts`.
export default defineConfig({
  plugins: [preact()],
  test: {
    include: ["bench/**/*.test.ts"],
    environment: "happy-dom",
    testTimeout: 120_000,
  },
});
