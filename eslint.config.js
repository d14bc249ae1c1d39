import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".tmp/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/ban-ts-comment": ["error", { "ts-expect-error": "allow-with-description" }],
    },
  },
  {
    // The core runs in the page world and in Node: no extension APIs there.
    files: ["src/core/**", "src/page/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["webextension-polyfill", "preact", "preact/*"] }],
      "no-restricted-globals": ["error", "chrome", "browser"],
    },
  },
);
