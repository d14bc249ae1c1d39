// `npm start` and `npm run demo:firefox` protect the demo with one rule (demo/rule.mjs): it must be
// a valid settings object, and it must use the heartbeat the demo server answers.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { demoSettings } from "../../demo/rule.mjs";
import { validateSettings } from "../../src/shared/settings";

const ROOT = resolve(import.meta.dirname, "../..");

describe("the demo's rule", () => {
  it("validates without a problem and matches the demo's sockets", () => {
    const input = demoSettings("ws://127.0.0.1:8080");
    const { errors, settings } = validateSettings(input);
    expect(errors).toEqual([]);
    expect(settings.rules[0]!.match).toBe("ws://127.0.0.1:8080/*");
    expect(settings.rules[0]!.heartbeat).toMatchObject({ message: "ping", reply: "pong" });
  });

  it("is the one both browsers get: start.mjs has no rule of its own", () => {
    const start = readFileSync(resolve(ROOT, "scripts/start.mjs"), "utf8");
    expect(start).not.toMatch(/heartbeat:\s*\{/);
    expect(start.match(/demoSettings\(wsOrigin\)/g)?.length).toBe(2);
  });

  it("uses the heartbeat the demo server answers", () => {
    const server = readFileSync(resolve(ROOT, "demo/server.mjs"), "utf8");
    const { heartbeat } = demoSettings("ws://x").rules[0]!;
    expect(server).toContain(`text === "${heartbeat.message}"`);
    expect(server).toContain(`ws.send("${heartbeat.reply}")`);
  });
});
