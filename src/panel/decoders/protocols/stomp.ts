/**
 * STOMP 1.0-1.2 text frames: COMMAND, header lines, a blank line, the body, NUL. A lone EOL is a
 * heart-beat. https://stomp.github.io/stomp-specification-1.2.html
 */
import { parseJson } from "../generic/json";
import { branch, leaf, newBudget, oneLine, toTree, type TreeBudget } from "../tree";
import type { Decoded, DecodedNode, ProtocolDecoder } from "../types";

export const STOMP_COMMANDS = new Set([
  "CONNECT", "STOMP", "CONNECTED", "SEND", "SUBSCRIBE", "UNSUBSCRIBE", "ACK", "NACK", "BEGIN", "COMMIT",
  "ABORT", "DISCONNECT", "MESSAGE", "RECEIPT", "ERROR",
]);

const PROTOCOL = "STOMP";

/** STOMP 1.2 header escapes; CONNECT/CONNECTED headers are never escaped. */
function unescapeHeader(s: string): string {
  return s.replace(/\\(.)/g, (m, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : c === "c" ? ":" : c === "\\" ? "\\" : m));
}

/** Whether text opens like a STOMP frame: a known command alone on the first line. */
export function looksLikeStomp(text: string): boolean {
  const eol = text.indexOf("\n");
  if (eol < 0 || eol > 12) return false;
  return STOMP_COMMANDS.has(text.slice(0, eol).replace(/\r$/, ""));
}

/** Decodes one STOMP frame (without anything after its NUL). `cut`: the text stops where the recorder truncated it. */
export function decodeStomp(text: string, cut: boolean, budget: TreeBudget = newBudget(), depth = 0): Decoded {
  if (/^(\r?\n)+$/.test(text)) {
    return { protocol: PROTOCOL, summary: "heart-beat", kind: "heartbeat", tree: branch(undefined, "object", [leaf("command", "heart-beat")]) };
  }
  // Heart-beats may come before a frame in the same WebSocket message.
  const body0 = text.replace(/^(\r?\n)+/, "");
  const lines = body0.split("\n", 2);
  const command = (lines[0] ?? "").replace(/\r$/, "");
  if (!STOMP_COMMANDS.has(command)) {
    return { protocol: PROTOCOL, summary: oneLine(command, 40) || "(empty)", error: `unknown command ${JSON.stringify(oneLine(command, 40))}` };
  }
  const headerEnd = findBlankLine(body0);
  const errors: string[] = [];
  const headers: [string, string][] = [];
  const headerText = headerEnd < 0 ? body0.slice(command.length + 1) : body0.slice(command.length + 1, headerEnd);
  if (headerEnd < 0 && !cut) errors.push("no blank line after the headers");
  const escape = command !== "CONNECT" && command !== "CONNECTED";
  for (const raw of headerText.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon < 0) {
      if (!cut) errors.push(`header line without a colon: ${JSON.stringify(oneLine(line, 40))}`);
      continue;
    }
    const k = line.slice(0, colon);
    const v = line.slice(colon + 1);
    headers.push(escape ? [unescapeHeader(k), unescapeHeader(v)] : [k, v]);
    if (headers.length >= 1000) break;
  }
  let body = "";
  if (headerEnd >= 0) {
    const start = body0.startsWith("\r\n", headerEnd) ? headerEnd + 2 : headerEnd + 1;
    body = body0.slice(start);
    const nul = body.indexOf("\0");
    if (nul >= 0) body = body.slice(0, nul);
    else if (!cut) errors.push("frame does not end with NUL");
  }
  // The first of repeated headers wins (STOMP 1.2, "Repeated Header Entries").
  const header = (name: string): string | undefined => headers.find(([k]) => k === name)?.[1];

  const children: DecodedNode[] = [leaf("command", command)];
  if (headers.length) children.push(branch("headers", "object", headers.map(([k, v]) => leaf(k, v))));
  if (body) {
    const type = header("content-type") ?? "";
    const parsed = type.includes("json") || /^\s*[[{]/.test(body) ? parseJson(body) : null;
    children.push(parsed?.ok ? toTree(parsed.value, "body", budget, depth + 1) : leaf("body", body));
  }

  const parts = [command];
  const dest = header("destination");
  if (dest) parts.push(dest);
  switch (command) {
    case "CONNECT":
    case "STOMP":
      for (const k of ["host", "accept-version", "login", "heart-beat"]) if (header(k) !== undefined) parts.push(`${k}=${header(k)}`);
      break;
    case "CONNECTED":
      for (const k of ["version", "server", "session", "heart-beat"]) if (header(k) !== undefined) parts.push(`${k}=${header(k)}`);
      break;
    case "SUBSCRIBE":
    case "UNSUBSCRIBE":
    case "ACK":
    case "NACK":
      if (header("id") !== undefined) parts.push(`id=${header("id")}`);
      break;
    case "RECEIPT":
      if (header("receipt-id") !== undefined) parts.push(`receipt-id=${header("receipt-id")}`);
      break;
    case "ERROR":
      if (header("message") !== undefined) parts.push(header("message")!);
      break;
  }
  if (body && (command === "SEND" || command === "MESSAGE" || command === "ERROR")) parts.push(oneLine(body, 120));
  if (cut) parts.push("(truncated)");
  const kind = command === "SEND" || command === "MESSAGE" ? "data" : "control";
  const decoded: Decoded = { protocol: PROTOCOL, summary: parts.join(" "), kind, tree: branch(undefined, "object", children) };
  if (errors.length) decoded.error = errors.join("; ");
  return decoded;
}

function findBlankLine(text: string): number {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? m.index + (text[m.index] === "\r" ? 2 : 1) : -1;
}

/** Binary frames (a body sent as bytes) are left to the generic decoders. */
export const decoder: ProtocolDecoder = {
  id: "stomp",
  decode(frame) {
    if (frame.opcode !== "text") return null;
    return decodeStomp(frame.preview, frame.truncated);
  },
};
