// The example project's own test settings: a browser test takes longer than vitest's 5 s default.
export default { test: { include: ["*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 } };
