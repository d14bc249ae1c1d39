// Runs an expression in an installed extension's background page in Firefox, over the Remote
// Debugging Protocol (`--start-debugger-server <port>`): the way test/e2e/firefox-extension.ts
// reaches `storage.local` (read its header for why WebDriver BiDi alone cannot: it refuses to open
// moz-extension:// pages and lists no background realm). This is the small, one-shot half of that
// client, for `npm run demo:firefox`: listAddons -> getWatcher -> watchTargets("frame") -> the
// background page's console actor -> evaluateJSAsync (awaited) -> its evaluationResult.
import net from "node:net";

/** `expression` evaluated (and awaited) in `addonId`'s background page; resolves with its string value. */
export async function evaluateInBackground(port, addonId, expression, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  const rdp = await connect(port, deadline);
  try {
    const { addons } = await rdp.request("root", { type: "listAddons" });
    const addon = addons.find((a) => a.id === addonId);
    if (!addon) throw new Error(`Firefox lists no add-on ${addonId}`);
    const watcher = await rdp.request(addon.actor, { type: "getWatcher" });
    const background = new Promise((resolve) => {
      rdp.onEvent((p) => {
        const form = p.target;
        if (p.from === watcher.actor && p.type === "target-available-form" && /\/_generated_background_page\.html/.test(form?.url ?? "")) {
          resolve(form.consoleActor);
        }
      });
    });
    await rdp.request(watcher.actor, { type: "watchTargets", targetType: "frame" });
    const consoleActor = await withDeadline(background, deadline, "no background page appeared");
    const result = new Promise((resolve) => rdp.onEvent((p) => p.type === "evaluationResult" && resolve(p)));
    await rdp.request(consoleActor, { type: "evaluateJSAsync", text: expression, mapped: { await: true } });
    const packet = await withDeadline(result, deadline, "no evaluation result");
    if (packet.hasException || packet.topLevelAwaitRejected) throw new Error(`in the background: ${JSON.stringify(packet.exceptionMessage ?? packet)}`);
    return packet.result;
  } finally {
    rdp.close();
  }
}

function withDeadline(promise, deadline, what) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(what)), Math.max(0, deadline - Date.now())))]);
}

/** `<byte length>:<JSON>` packets; one reply (no `type`) per request, per actor, in order; the rest are events. */
async function connect(port, deadline) {
  for (;;) {
    try {
      const socket = await new Promise((resolve, reject) => {
        const s = net.createConnection({ port, host: "127.0.0.1" }, () => resolve(s));
        s.once("error", reject);
      });
      socket.on("error", () => {});
      const replies = new Map();
      const listeners = [];
      let buffer = Buffer.alloc(0);
      const expect = (from) => new Promise((resolve, reject) => {
        if (!replies.has(from)) replies.set(from, []);
        replies.get(from).push({ resolve, reject });
      });
      socket.on("data", (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (let colon = buffer.indexOf(":"); colon > 0; colon = buffer.indexOf(":")) {
          const length = Number(buffer.subarray(0, colon).toString());
          if (buffer.length < colon + 1 + length) return;
          const packet = JSON.parse(buffer.subarray(colon + 1, colon + 1 + length).toString("utf8"));
          buffer = buffer.subarray(colon + 1 + length);
          const waiter = packet.type === undefined ? replies.get(packet.from)?.shift() : undefined;
          if (!waiter) for (const l of listeners) l(packet);
          else if (packet.error) waiter.reject(new Error(`RDP ${packet.from}: ${packet.error}: ${packet.message ?? ""}`));
          else waiter.resolve(packet);
        }
      });
      await withDeadline(expect("root"), deadline, "no RDP greeting");
      return {
        request(to, packet) {
          const reply = expect(to);
          const text = JSON.stringify({ to, ...packet });
          socket.write(`${Buffer.byteLength(text)}:${text}`);
          return reply;
        },
        onEvent: (fn) => listeners.push(fn),
        close: () => socket.destroy(),
      };
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`no RDP server on port ${port}: ${e}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
