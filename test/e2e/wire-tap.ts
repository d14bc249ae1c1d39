/**
 * A WebSocket server that counts, by kind, every frame it reads from the wire and every frame it
 * writes, and a scenario that makes each kind happen on a protected socket through three reconnects:
 * the page's own frames and the server's data, Lifeguard's heartbeat pings and their replies, the
 * resume message, delivery's resends, the server's acks and its replayed duplicates. The records test
 * holds the panel's counts (by provenance and fate) against these.
 */
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket as ServerSocket } from "ws";
import type { FrameRecord, SocketSnapshot } from "../../src/shared/protocol";

export interface TapCounts {
  /** Client -> server. */
  page: number;
  ping: number;
  resume: number;
  resent: number;
  /** Server -> client. */
  pong: number;
  ack: number;
  data: number;
  duplicate: number;
}

export interface WireTap {
  url: string;
  counts: TapCounts;
  /** Messages the server read, by round. */
  pageIdsSeen: Set<number>;
  /** The next ping ends the connection (a server kill, after its pong went out). */
  killOnNextPing(): void;
  kills: number;
  close(): Promise<void>;
}

export async function startWireTap(): Promise<WireTap> {
  const counts: TapCounts = { page: 0, ping: 0, resume: 0, resent: 0, pong: 0, ack: 0, data: 0, duplicate: 0 };
  const seen = new Set<number>();
  let seq = 0;
  let killArmed = false;
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  const sockets = new Set<ServerSocket>();
  const tap: WireTap = {
    url: "",
    counts,
    pageIdsSeen: seen,
    killOnNextPing: () => void (killArmed = true),
    kills: 0,
    close: async () => {
      for (const s of sockets) s.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
  wss.on("connection", (ws) => {
    sockets.add(ws);
    ws.on("close", () => sockets.delete(ws));
    ws.on("error", () => {});
    const send = (kind: keyof TapCounts, frame: string): void => {
      counts[kind]++;
      ws.send(frame);
    };
    ws.on("message", (raw, isBinary) => {
      if (isBinary) return;
      const text = raw.toString();
      if (text === "ping") {
        counts.ping++;
        send("pong", "pong");
        if (killArmed) {
          killArmed = false;
          // After the pong reached the page; the next ping is an interval away.
          setTimeout(() => {
            tap.kills++;
            ws.terminate();
          }, 150);
        }
        return;
      }
      const msg = JSON.parse(text) as { type: string; id?: number; since?: number };
      if (msg.type === "resume") {
        counts.resume++;
        // The last frame again (the page has it: a duplicate), then one it has not seen.
        if (typeof msg.since === "number") send("duplicate", JSON.stringify({ type: "data", seq: msg.since }));
        send("data", JSON.stringify({ type: "data", seq: ++seq }));
        return;
      }
      const id = msg.id!;
      const again = seen.has(id);
      seen.add(id);
      counts[again ? "resent" : "page"]++;
      // Ids ending in 4 or 5 go unacked the first time: pending at the loss, resent after it.
      if (again || id % 10 < 4 || id % 10 > 5) send("ack", JSON.stringify({ type: "ack", id }));
      if (!again) send("data", JSON.stringify({ type: "data", seq: ++seq }));
    });
  });
  await new Promise<void>((r) => wss.on("listening", () => r()));
  tap.url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/tap`;
  return tap;
}

/** The rule the scenario protects the socket with: heartbeat, delivery (acks hidden) and resume on. */
export function tapRule(match: string) {
  return {
    match,
    reconnect: { minDelayMs: 50, maxDelayMs: 200 },
    heartbeat: { enabled: true, intervalMs: 400, timeoutMs: 3000, message: "ping", reply: "pong", hideReplies: true },
    delivery: { enabled: true, idPath: "$.id", ackWhen: { path: "$.type", equals: "ack" }, ackIdPath: "$.id", hideAcks: true },
    resume: { enabled: true, seqPath: "$.seq", dedupe: true },
  };
}

/** The panel's counts by the kinds the tap counts, from the frames' provenance and fate. */
export function panelCounts(frames: FrameRecord[]): TapCounts & { queued: number; unexplained: string[] } {
  const c = { page: 0, ping: 0, resume: 0, resent: 0, pong: 0, ack: 0, data: 0, duplicate: 0, queued: 0, unexplained: [] as string[] };
  for (const f of frames) {
    const from = f.from ?? "page";
    const fate = f.fate ?? (f.dir === "in" ? "delivered" : "sent");
    const key = `${f.dir} ${from} ${fate}`;
    switch (key) {
      case "out page sent":
        c.page++;
        break;
      case "out page queued":
        c.queued++;
        break;
      case "out heartbeat sent":
        c.ping++;
        break;
      case "out resume sent":
        c.resume++;
        break;
      case "out resend sent":
        c.resent++;
        break;
      case "in heartbeat hidden-reply":
        c.pong++;
        break;
      case "in page hidden-ack":
        c.ack++;
        break;
      case "in page delivered":
        c.data++;
        break;
      case "in page hidden-duplicate":
        c.duplicate++;
        break;
      default:
        c.unexplained.push(`${key}: ${f.preview}`);
    }
  }
  return c;
}

export const framesOf = (snaps: SocketSnapshot[], url: string): FrameRecord[] =>
  snaps.filter((s) => s.info.url === url).flatMap((s) => s.events.flatMap((e) => (e.kind === "frame" ? [e.frame] : [])));

/** Runs in the page: a socket to the tap that logs what the page sees, and a way to send rounds. */
export function pageScript(url: string): void {
  const w = window as unknown as { tap: WebSocket; seen: string[]; reconnected: number; reconnecting: number };
  w.seen = [];
  w.reconnected = 0;
  w.reconnecting = 0;
  w.tap = new WebSocket(url);
  w.tap.addEventListener("message", (e) => w.seen.push(String(e.data)));
  w.tap.addEventListener("reconnecting", () => w.reconnecting++);
  w.tap.addEventListener("reconnected", () => w.reconnected++);
}

/** What the scenario needs of a browser page, whichever driver (Playwright, Puppeteer) has it. */
export interface TapPage {
  evaluate(fn: (arg: number) => unknown, arg: number): Promise<unknown>;
  /** The panel's snapshot of the tab, through an extension page's `panel:<tabId>` port. */
  snapshot(): Promise<SocketSnapshot[]>;
}

type TapWindow = { tap: WebSocket; seen: string[]; reconnected: number; reconnecting: number };

async function until(page: TapPage, check: (arg: number) => boolean, arg: number, what: string): Promise<void> {
  const started = Date.now();
  while (!(await page.evaluate(check, arg))) {
    if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Three rounds on the page's socket to the tap (pageScript must have opened it): five frames (two of
 * them left unacked), a server kill after a ping, a frame sent while the page sees CONNECTING, the
 * reconnect with its resume, replayed duplicate and resends. Then the panel's counts by provenance and
 * fate against the wire's, once they agree or 10 s have passed. Returns both for the caller to print.
 */
export async function runTapScenario(page: TapPage, tap: WireTap, expect: (v: unknown) => { toEqual(x: unknown): void; toBe(x: unknown): void; toBeGreaterThanOrEqual(x: number): void }) {
  for (let round = 0; round < 3; round++) {
    await page.evaluate((r) => {
      for (let i = 1; i <= 5; i++) (window as unknown as TapWindow).tap.send(JSON.stringify({ type: "msg", id: r * 10 + i }));
    }, round);
    await until(page, (n) => (window as unknown as TapWindow).seen.length >= n, (round + 1) * 5 + round * 2, "the round's data");
    tap.killOnNextPing();
    await until(page, (r) => (window as unknown as TapWindow).reconnecting > r, round, "reconnecting");
    // Sent while the page sees CONNECTING: queued, then sent after the reconnect (or at once if it was that quick).
    await page.evaluate((r) => (window as unknown as TapWindow).tap.send(JSON.stringify({ type: "msg", id: r * 10 + 9 })), round);
    await until(page, (r) => (window as unknown as TapWindow).reconnected > r, round, "reconnected");
  }
  expect(tap.kills).toBe(3);

  const kinds = ["page", "ping", "resume", "resent", "pong", "ack", "data", "duplicate"] as const;
  const wire = tap.counts;
  let panel = panelCounts([]);
  const started = Date.now();
  for (;;) {
    panel = panelCounts(framesOf(await page.snapshot(), tap.url));
    if (kinds.every((k) => panel[k] === wire[k]) || Date.now() - started > 10_000) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  expect(panel.unexplained).toEqual([]);
  expect(Object.fromEntries(kinds.map((k) => [k, panel[k]]))).toEqual({ ...wire });
  // Every kind happened: 3 resumes, 2 resends per loss, a duplicate per resume, pings and their replies.
  expect(wire.resume).toBe(3);
  expect(wire.resent).toBe(6);
  expect(wire.duplicate).toBe(3);
  expect(wire.ping).toBeGreaterThanOrEqual(3);
  // The page saw the data and nothing Lifeguard hid.
  const seen = (await page.evaluate(() => (window as unknown as TapWindow).seen, 0)) as string[];
  expect(seen.filter((s) => s === "pong" || s.includes('"ack"'))).toEqual([]);
  expect(seen.length).toBe(wire.data);
  return { panel, wire };
}
