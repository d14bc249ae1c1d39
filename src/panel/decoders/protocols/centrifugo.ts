/**
 * Centrifugo / Centrifuge client protocol v2, JSON flavour: commands `{"id":1,"connect":{...}}`,
 * replies with the same id, pushes `{"push":{"channel":...,"pub":{...}}}`, and `{}` as ping and pong.
 * Several may share a frame, one per line. (The protobuf flavour is left to the generic decoders.)
 * https://centrifugal.dev/docs/transports/client_protocol
 */
import { isRecord, jsonError, parseJson } from "../generic/json";
import { branch, compact, newBudget, toTree } from "../tree";
import type { Decoded, DecodedNode, FrameInput, ProtocolDecoder } from "../types";

const PROTOCOL = "Centrifugo";

export const CENTRIFUGO_METHODS = [
  "connect", "subscribe", "unsubscribe", "publish", "presence", "presence_stats", "history", "ping", "send",
  "rpc", "refresh", "sub_refresh",
] as const;
const PUSH_TYPES = ["pub", "join", "leave", "unsubscribe", "message", "subscribe", "connect", "disconnect", "refresh"];

interface Line {
  summary: string;
  kind: "control" | "heartbeat" | "data";
  error?: string;
}

function describe(m: unknown): Line {
  if (!isRecord(m)) return { summary: compact(m, 80), kind: "data", error: "message is not an object" };
  const keys = Object.keys(m);
  if (keys.length === 0) return { summary: "ping/pong", kind: "heartbeat" };
  const id = typeof m.id === "number" ? ` #${m.id}` : "";
  if (isRecord(m.error)) {
    return { summary: `error${id} ${String(m.error.code ?? "")} ${String(m.error.message ?? "")}`.trim(), kind: "control" };
  }
  if (isRecord(m.push)) {
    const push = m.push;
    const channel = typeof push.channel === "string" ? push.channel : "";
    const type = PUSH_TYPES.find((k) => k in push);
    if (type === "pub" && isRecord(push.pub)) return { summary: `push ${channel} ${compact(push.pub.data, 120)}`, kind: "data" };
    return { summary: `push ${type ?? "?"} ${channel}`.trim(), kind: type === "message" ? "data" : "control" };
  }
  const method = CENTRIFUGO_METHODS.find((k) => k in m);
  if (method) {
    const body = m[method];
    const channel = isRecord(body) && typeof body.channel === "string" ? ` ${body.channel}` : "";
    const kind = method === "ping" ? "heartbeat" : method === "publish" || method === "rpc" || method === "send" ? "data" : "control";
    const detail = method === "publish" && isRecord(body) ? ` ${compact(body.data, 100)}` : method === "connect" && isRecord(body) && typeof body.client === "string" ? ` client=${body.client}` : "";
    return { summary: `${method}${id}${channel}${detail}`, kind };
  }
  // Protocol v1 (Centrifuge <= 3): numeric methods, results under `result`.
  if (typeof m.method === "number") {
    const name = CENTRIFUGO_METHODS[m.method] ?? `method ${m.method}`;
    return { summary: `${name}${id}`, kind: name === "ping" ? "heartbeat" : "control" };
  }
  if ("result" in m) return { summary: `result${id} ${compact(m.result, 100)}`, kind: "data" };
  if (id) return { summary: `reply${id}`, kind: "control" };
  return { summary: compact(m, 80), kind: "data", error: "no known command, reply or push field" };
}

export function decodeCentrifugo(frame: FrameInput): Decoded | null {
  if (frame.opcode !== "text") return null;
  const lines = frame.preview.split("\n").filter((l) => l.trim() !== "");
  if (lines.length === 0) return { protocol: PROTOCOL, summary: "(empty)", error: "empty frame" };
  const budget = newBudget();
  const out: Line[] = [];
  const nodes: DecodedNode[] = [];
  for (let i = 0; i < lines.length && budget.nodes > 0; i++) {
    const parsed = parseJson(lines[i]!);
    if (!parsed.ok) {
      const cut = frame.truncated && i === lines.length - 1;
      out.push({ summary: cut ? "(truncated)" : compact(lines[i], 60), kind: "data", error: jsonError({ truncated: cut }, parsed, "message") });
      continue;
    }
    out.push(describe(parsed.value));
    nodes.push(toTree(parsed.value, String(i), budget, 1));
  }
  const kinds = new Set(out.map((l) => l.kind));
  const errors = out.flatMap((l) => (l.error && !l.error.startsWith("preview truncated") ? [l.error] : []));
  const decoded: Decoded = {
    protocol: PROTOCOL,
    summary: out.map((l) => l.summary).join(" | "),
    kind: kinds.size === 1 ? out[0]!.kind : kinds.has("data") ? "data" : "control",
    tree: nodes.length === 1 ? { ...nodes[0]!, key: undefined } : branch(undefined, "array", nodes),
  };
  if (decoded.tree && decoded.tree.key === undefined) delete decoded.tree.key;
  if (errors.length) decoded.error = errors.join("; ");
  return decoded;
}

/** Protobuf (binary) frames are left to the generic decoders. */
export const decoder: ProtocolDecoder = {
  id: "centrifugo",
  decode: decodeCentrifugo,
};
