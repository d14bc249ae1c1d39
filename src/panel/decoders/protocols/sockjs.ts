/**
 * SockJS over its raw WebSocket transport: server frames `o`, `h`, `a[...]`, `m"..."`,
 * `c[code,"reason"]`; the client sends a JSON array of strings. Messages inside are often STOMP
 * (Spring) or JSON, and are decoded as such.
 * https://github.com/sockjs/sockjs-protocol
 */
import { jsonError, parseJson } from "../generic/json";
import { decodeStomp, looksLikeStomp } from "./stomp";
import { branch, compact, leaf, newBudget, toTree, type TreeBudget } from "../tree";
import type { Decoded, DecodedNode, ProtocolDecoder } from "../types";

const PROTOCOL = "SockJS";

function decodeMessages(messages: unknown[], budget: TreeBudget): { nodes: DecodedNode[]; texts: string[]; kinds: Set<string> } {
  const nodes: DecodedNode[] = [];
  const texts: string[] = [];
  const kinds = new Set<string>();
  for (let i = 0; i < messages.length && budget.nodes > 0; i++) {
    const m = messages[i];
    if (typeof m === "string" && looksLikeStomp(m)) {
      const inner = decodeStomp(m, false, budget, 2);
      nodes.push(inner.tree ? { ...inner.tree, key: String(i) } : leaf(String(i), m));
      texts.push(inner.summary);
      kinds.add(inner.kind ?? "data");
    } else if (typeof m === "string" && /^(\r?\n)+$/.test(m)) {
      nodes.push(leaf(String(i), m));
      texts.push("STOMP heart-beat");
      kinds.add("heartbeat");
    } else if (typeof m === "string" && /^\s*[[{]/.test(m)) {
      const parsed = parseJson(m);
      nodes.push(parsed.ok ? toTree(parsed.value, String(i), budget, 2) : leaf(String(i), m));
      texts.push(parsed.ok ? compact(parsed.value, 100) : compact(m, 100));
      kinds.add("data");
    } else {
      nodes.push(toTree(m, String(i), budget, 2));
      texts.push(compact(m, 100));
      kinds.add("data");
    }
  }
  return { nodes, texts, kinds };
}

function arrayFrame(label: string, payload: string, truncated: boolean, code: string): Decoded {
  const parsed = parseJson(payload);
  if (!parsed.ok) return { protocol: PROTOCOL, summary: label, kind: "data", error: jsonError({ truncated }, parsed, "message array") };
  const value = parsed.value;
  const list = Array.isArray(value) ? value : code === "m" || code === "" ? [value] : null;
  if (!list) return { protocol: PROTOCOL, summary: label, kind: "data", tree: toTree(value), error: "expected a JSON array of messages" };
  const bad = list.findIndex((m) => typeof m !== "string");
  const budget = newBudget();
  const { nodes, texts, kinds } = decodeMessages(list, budget);
  const kind = kinds.size === 1 && kinds.has("heartbeat") ? "heartbeat" : kinds.has("data") ? "data" : "control";
  const children = [leaf("frame", label), branch("messages", "array", nodes)];
  const summary = `${label} ${texts.length === 1 ? texts[0] : `${texts.length} messages: ${texts.join(" | ")}`}`;
  const decoded: Decoded = { protocol: PROTOCOL, summary, kind, tree: branch(undefined, "object", children) };
  if (bad >= 0) decoded.error = `message ${bad} is not a string`;
  return decoded;
}

export const decoder: ProtocolDecoder = {
  id: "sockjs",
  decode(frame) {
    if (frame.opcode !== "text") return { protocol: PROTOCOL, summary: "binary", error: "SockJS frames are text" };
    const text = frame.preview;
    if (frame.dir === "out") {
      // The client sends `["msg", ...]` (or, from old clients, one JSON string).
      return arrayFrame("send", text, frame.truncated, "");
    }
    const code = text[0];
    switch (code) {
      case "o":
        if (text.length > 1) break;
        return { protocol: PROTOCOL, summary: "open", kind: "control", tree: branch(undefined, "object", [leaf("frame", "open")]) };
      case "h":
        if (text.length > 1) break;
        return { protocol: PROTOCOL, summary: "heartbeat", kind: "heartbeat", tree: branch(undefined, "object", [leaf("frame", "heartbeat")]) };
      case "a":
        return arrayFrame("a", text.slice(1), frame.truncated, "a");
      case "m":
        return arrayFrame("m", text.slice(1), frame.truncated, "m");
      case "c": {
        const parsed = parseJson(text.slice(1));
        if (!parsed.ok) return { protocol: PROTOCOL, summary: "close", kind: "control", error: jsonError(frame, parsed, "close frame") };
        const v = parsed.value;
        const tree = toTree(v, "close");
        if (!Array.isArray(v) || typeof v[0] !== "number") {
          return { protocol: PROTOCOL, summary: "close", kind: "control", tree, error: "close frame must be [code, \"reason\"]" };
        }
        return { protocol: PROTOCOL, summary: `close ${v[0]}${typeof v[1] === "string" ? ` ${v[1]}` : ""}`, kind: "control", tree };
      }
    }
    return { protocol: PROTOCOL, summary: compact(text, 80), error: `unknown frame type ${JSON.stringify(text.slice(0, 1) || "(empty)")}` };
  },
};
