/**
 * Firefox's Remote Debugging Protocol (RDP), the way into an add-on's background page that WebDriver
 * BiDi lacks (BiDi installs the extension but lists no realm for its background). Firefox must be
 * started with `--start-debugger-server <port>` and the prefs in `RDP_PREFS`.
 *
 * The route (as test/e2e/firefox-extension.ts found it on Firefox 153 ESR): root `listAddons` -> the
 * add-on's descriptor -> `getWatcher` -> `watchTargets("frame")` -> the target whose URL is
 * `_generated_background_page.html` -> its console actor's `evaluateJSAsync` (awaiting a promise).
 * The background page comes and goes (Firefox stops idle event pages): the watcher follows it.
 */
import net from "node:net";

/** Prefs Firefox needs to open the RDP server without asking. */
export const RDP_PREFS = {
  "devtools.debugger.remote-enabled": true,
  "devtools.chrome.enabled": true,
  "devtools.debugger.prompt-connection": false,
} as const;

/** Runs `text` (an expression whose value, awaited, is a JSON string) in the add-on `addonId`'s background page. */
export async function connectBackground(port: number, addonId: string, timeoutMs: number): Promise<{ evaluate(text: string): Promise<string>; close(): void }> {
  const rdp = await RdpClient.connect(port, timeoutMs);
  try {
    const background = await backgroundTarget(rdp, addonId);
    return { evaluate: async (text) => rdp.evaluate(await background.ready(), text), close: () => rdp.close() };
  } catch (e) {
    rdp.close();
    throw e;
  }
}

/**
 * Follows the extension's background page target through the add-on's watcher (a new target, with a
 * new console actor, each time Firefox starts the page again).
 */
export async function backgroundTarget(rdp: RdpClient, addonId: string): Promise<{
  descriptor: string;
  /** The background page's console actor now, if it is running. */
  current(): string | undefined;
  /** The console actor, once there is a background page (it may be starting, or restarting). */
  ready(): Promise<string>;
}> {
  const { addons } = await rdp.request<{ addons: { id: string; actor: string }[] }>("root", { type: "listAddons" });
  const addon = addons.find((a) => a.id === addonId);
  if (!addon) throw new Error(`RDP lists no add-on ${addonId}: ${addons.map((a) => a.id).join(", ")}`);
  const watcher = await rdp.request<{ actor: string }>(addon.actor, { type: "getWatcher" });
  type Form = { actor: string; url: string; consoleActor: string };
  const forms = new Map<string, Form>();
  rdp.onEvent((m) => {
    if (m.from !== watcher.actor) return;
    const form = m.target as Form | undefined;
    if (m.type === "target-available-form" && form) forms.set(form.actor, form);
    if (m.type === "target-destroyed-form" && form) forms.delete(form.actor);
  });
  await rdp.request(watcher.actor, { type: "watchTargets", targetType: "frame" });
  const isBackground = (f: Form) => /^moz-extension:\/\/[^/]+\/_generated_background_page\.html/.test(f.url);
  const current = () => [...forms.values()].filter(isBackground).at(-1)?.consoleActor;
  return {
    descriptor: addon.actor,
    current,
    async ready() {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = current();
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no background page target; targets: ${[...forms.values()].map((f) => f.url).join(", ")}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

export type Packet = { from: string; type?: string; error?: string; message?: string; [k: string]: unknown };

/**
 * The Remote Debugging Protocol: `<byte length>:<JSON>` both ways; each request gets one reply (a
 * packet without `type`) from the actor it was sent to, in order; packets with a `type` are events.
 */
export class RdpClient {
  private buffer = Buffer.alloc(0);
  private readonly replies = new Map<string, { resolve(p: Packet): void; reject(e: Error): void }[]>();
  private readonly listeners: ((p: Packet) => void)[] = [];
  /** evaluationResult events by resultID, and who waits for them (either can come first). */
  private readonly results = new Map<string, Packet>();
  private readonly waiting = new Map<string, (p: Packet) => void>();

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk) => this.read(chunk));
    socket.on("close", () => {
      for (const queue of this.replies.values()) for (const r of queue) r.reject(new Error("RDP connection closed"));
      this.replies.clear();
    });
    this.onEvent((p) => {
      if (p.type !== "evaluationResult") return;
      const id = p.resultID as string;
      const waiter = this.waiting.get(id);
      if (waiter) {
        this.waiting.delete(id);
        waiter(p);
      } else this.results.set(id, p);
    });
  }

  /** Connects (retrying while Firefox opens the port) and reads the root actor's greeting. */
  static async connect(port: number, timeoutMs: number): Promise<RdpClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.createConnection({ port, host: "127.0.0.1" }, () => resolve(s));
          s.once("error", reject);
        });
        socket.on("error", () => {});
        const client = new RdpClient(socket);
        await client.expectReply("root");
        return client;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`no RDP server on port ${port}: ${e}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Sends `packet` to actor `to`; its reply (`T` says which fields to expect). */
  request<T = Packet>(to: string, packet: Record<string, unknown>): Promise<T> {
    const reply = this.expectReply(to);
    const text = JSON.stringify({ to, ...packet });
    this.socket.write(`${Buffer.byteLength(text)}:${text}`);
    return reply as Promise<unknown> as Promise<T>;
  }

  onEvent(fn: (p: Packet) => void): void {
    this.listeners.push(fn);
  }

  /** `evaluateJSAsync` of `text`, awaiting a returned promise; the value must be a string. */
  async evaluate(consoleActor: string, text: string, timeoutMs = 30_000): Promise<string> {
    const { resultID } = await this.request<{ resultID: string }>(consoleActor, { type: "evaluateJSAsync", text, mapped: { await: true } });
    const result = await new Promise<Packet>((resolve, reject) => {
      const early = this.results.get(resultID);
      if (early) {
        this.results.delete(resultID);
        return resolve(early);
      }
      const timer = setTimeout(() => {
        this.waiting.delete(resultID);
        reject(new Error(`no evaluation result in ${timeoutMs} ms (did the background page go away?)`));
      }, timeoutMs);
      this.waiting.set(resultID, (p) => {
        clearTimeout(timer);
        resolve(p);
      });
    });
    if (result.hasException || result.topLevelAwaitRejected) throw new Error(`evaluation failed: ${JSON.stringify(result.exceptionMessage ?? result)}`);
    const value = result.result as string | { type: string; actor?: string; length?: number };
    if (typeof value === "string") return value;
    if (value.type === "longString") {
      const { substring } = await this.request<{ substring: string }>(value.actor!, { type: "substring", start: 0, end: value.length });
      return substring;
    }
    throw new Error(`expected a string result, got ${JSON.stringify(value)}`);
  }

  close(): void {
    this.socket.destroy();
  }

  private expectReply(from: string): Promise<Packet> {
    return new Promise((resolve, reject) => {
      let queue = this.replies.get(from);
      if (!queue) this.replies.set(from, (queue = []));
      queue.push({ resolve, reject });
    });
  }

  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(":");
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + length) return;
      const packet = JSON.parse(this.buffer.subarray(colon + 1, colon + 1 + length).toString("utf8")) as Packet;
      this.buffer = this.buffer.subarray(colon + 1 + length);
      this.dispatch(packet);
    }
  }

  private dispatch(packet: Packet): void {
    const queue = this.replies.get(packet.from);
    if (packet.type === undefined && queue?.length) {
      const waiter = queue.shift()!;
      if (packet.error) waiter.reject(new Error(`RDP ${packet.from}: ${packet.error}: ${packet.message ?? ""}`));
      else waiter.resolve(packet);
      return;
    }
    for (const l of this.listeners) l(packet);
  }
}

/** A port nobody listens on now, for `--start-debugger-server`. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
