#!/usr/bin/env node
// Entry of `npm run bench` (add `-- --quick` for the seconds-long smoke version, `--out FILE` to write
// the results somewhere else than bench/results.json). Node 20 cannot run TypeScript itself and
// neither tsx nor vite-node is installed: vite's module runner (`runnerImport`) loads bench/main.ts.
import { runnerImport } from "vite";

const { module } = await runnerImport(new URL("./main.ts", import.meta.url).pathname, { configFile: false, logLevel: "error" });
process.exitCode = await module.main(process.argv.slice(2));
