/**
 * A socket URL the way `new WebSocket(url)` takes it (WHATWG WebSockets, "new WebSocket(url)"): parsed
 * with the URL parser (so `ws://127.0.0.1:8080` becomes `ws://127.0.0.1:8080/`, the URL the page world
 * matches rules against), `http:`/`https:` turned into `ws:`/`wss:` as Chrome 125 and Firefox 124 do,
 * any other scheme and any fragment refused (the constructor throws a SyntaxError for them).
 */
export type SocketUrl =
  | { ok: true; url: string; /** The scheme was http(s). */ converted: boolean }
  | { ok: false; why: "notAbsolute" | "scheme" | "fragment" };

export function socketUrl(text: string): SocketUrl {
  let url: URL;
  try {
    // No base: the options page's own URL would make a relative URL a chrome-extension:// one.
    url = new URL(text);
  } catch {
    return { ok: false, why: "notAbsolute" };
  }
  const converted = url.protocol === "http:" || url.protocol === "https:";
  if (converted) url.protocol = url.protocol === "http:" ? "ws:" : "wss:";
  if (url.protocol !== "ws:" && url.protocol !== "wss:") return { ok: false, why: "scheme" };
  // An empty fragment ("…/#") counts too: `hash` is "" for it, the serialisation keeps the "#".
  if (url.hash !== "" || url.href.endsWith("#")) return { ok: false, why: "fragment" };
  return { ok: true, url: url.href, converted };
}
