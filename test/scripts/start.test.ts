// `npm start` without a display: it says so, serves the demo (page, flaky server answering the
// heartbeat), and Ctrl-C (SIGINT) stops it and the demo server with it.
import { afterEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { resolve } from "node:path";
import WebSocket from "ws";

const ROOT = resolve(import.meta.dirname, "../..");
let child: ChildProcess | null = null;

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = null;
});

function startNoDisplay(env: Record<string, string> = {}) {
  const { DISPLAY: _d, WAYLAND_DISPLAY: _w, ...rest } = process.env;
  const proc = spawn(process.execPath, ["scripts/start.mjs", "--no-build"], {
    cwd: ROOT,
    env: { ...rest, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  const lines: string[] = [];
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  const url = new Promise<string>((resolveUrl, reject) => {
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      lines.push(line);
      const found = /^demo: (http:\/\/\S+)/.exec(line)?.[1];
      if (found) resolveUrl(found);
    });
    void exited.then((code) => reject(new Error(`start.mjs exited (${code}) before the demo URL:\n${lines.join("\n")}`)));
  });
  return { proc, lines, url, exited };
}

const waitFor = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("npm start with no display", () => {
  it("serves the demo, says how to load the extension, and SIGINT stops it all", async () => {
    const { proc, lines, url, exited } = startNoDisplay();
    const demo = await url;
    await waitFor(() => lines.some((l) => l.includes("keeps running here")));
    const text = lines.join("\n");
    expect(text).toContain("No display");
    expect(text).toContain("dist/chrome");
    expect(text).toContain("dist/firefox/manifest.json");

    const page = await fetch(demo).then((r) => r.text());
    expect(page).toContain("<title>Lifeguard demo</title>");

    // The heartbeat `npm start` protects the demo with is answered.
    const ws = new WebSocket(demo.replace(/^http/, "ws"));
    const pong = await new Promise<string>((resolvePong, reject) => {
      ws.on("open", () => ws.send("ping"));
      ws.on("message", (data) => data.toString() === "pong" && resolvePong("pong"));
      ws.on("error", reject);
    });
    expect(pong).toBe("pong");
    ws.terminate();

    proc.kill("SIGINT");
    expect(await exited).toBe(0);
    await expect(fetch(demo)).rejects.toThrow();
  });

  it("the demo drops, refuses while restarting, and goes half-open, in turn", async () => {
    const { proc, url, exited } = startNoDisplay({ FAULT_EVERY_MS: "600" });
    const demo = (await url).replace(/^http/, "ws");
    const messages: { type: string; next?: { fault: string } }[] = [];

    // drop: the connection is torn down without a closing handshake.
    const first = new WebSocket(demo);
    first.on("message", (d) => messages.push(JSON.parse(d.toString())));
    const closed = await new Promise<number>((r) => first.on("close", (code) => r(code)));
    expect(closed).toBe(1006);
    expect(messages[0]).toMatchObject({ type: "hello", next: { fault: "drop" } });

    // restart: within the next fault slots, a connect is refused (a real closed port, not a failed handshake).
    const attempt = () =>
      new Promise<string>((r) => {
        const ws = new WebSocket(demo);
        ws.on("open", () => {
          ws.terminate();
          r("open");
        });
        ws.on("error", (e) => r((e as NodeJS.ErrnoException).code ?? "error"));
      });
    let refused = "";
    const until = Date.now() + 3000;
    while (refused !== "ECONNREFUSED" && Date.now() < until) {
      refused = await attempt();
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(refused).toBe("ECONNREFUSED");

    // half-open: once back, a new socket answers "ping" until the next slot, then goes silent but stays open.
    let ws: WebSocket | null = null;
    for (const end = Date.now() + 3000; !ws && Date.now() < end; ) {
      const candidate = new WebSocket(demo);
      const ok = await new Promise<boolean>((r) => {
        candidate.on("open", () => r(true));
        candidate.on("error", () => r(false));
      });
      if (ok) ws = candidate;
      else await new Promise((r) => setTimeout(r, 30));
    }
    expect(ws).not.toBeNull();
    let lastPong = 0;
    ws!.on("message", (d) => d.toString() === "pong" && (lastPong = Date.now()));
    let silentButOpen = false;
    for (const end = Date.now() + 3000; !silentButOpen && Date.now() < end; ) {
      if (ws!.readyState !== WebSocket.OPEN) break;
      ws!.send("ping");
      await new Promise((r) => setTimeout(r, 50));
      silentButOpen = lastPong > 0 && Date.now() - lastPong > 300 && ws!.readyState === WebSocket.OPEN;
    }
    expect(silentButOpen).toBe(true);
    ws!.terminate();

    proc.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});
