/**
 * Frame decoders for the panel: which protocol a frame speaks, a one-line summary, and a bounded
 * tree. Payloads are untrusted: everything returned is plain data, never HTML or code.
 */
import { actionCable } from "./actioncable";
import { cbor } from "./cbor";
import { centrifugo } from "./centrifugo";
import { engineIo } from "./engineio";
import { graphqlWs, subscriptionsTransportWs } from "./graphql-ws";
import { json } from "./json";
import { mqtt } from "./mqtt";
import { msgpack } from "./msgpack";
import { phoenix } from "./phoenix";
import { signalR } from "./signalr";
import { socketIo } from "./socketio";
import { sockJs } from "./sockjs";
import { stomp } from "./stomp";
import { boundTree, oneLine } from "./tree";
import type { Decoded, DecodeContext, Decoder, FrameInput } from "./types";
import { wamp } from "./wamp";

export type { Decoded, DecodedNode, DecodeContext, Decoder, FrameInput } from "./types";
export { hexToBytes } from "./bytes";
export { TREE_LIMITS } from "./tree";

/**
 * In order of precedence. A decoder whose `matches` says the socket speaks its protocol is asked
 * first; then, for sockets nothing matched, those that recognise a frame by content (`sniff`),
 * the generic JSON, MessagePack and CBOR last.
 */
export const DECODERS: readonly Decoder[] = [
  socketIo,
  engineIo,
  sockJs,
  mqtt,
  graphqlWs,
  subscriptionsTransportWs,
  stomp,
  wamp,
  actionCable,
  phoenix,
  centrifugo,
  signalR,
  json,
  msgpack,
  cbor,
];

const SUMMARY_MAX = 200;

/** Decodes one frame; null when it is plain text or binary that nothing recognises. Never throws. */
export function decodeFrame(frame: FrameInput, ctx: DecodeContext): Decoded | null {
  for (const d of DECODERS) {
    if (!safeMatches(d, ctx)) continue;
    const r = attempt(d, () => d.decode(frame, ctx));
    if (r) return r;
  }
  for (const d of DECODERS) {
    if (!d.sniff || safeMatches(d, ctx)) continue;
    const r = attempt(d, () => d.sniff!(frame, ctx));
    if (r) return r;
  }
  return null;
}

function safeMatches(d: Decoder, ctx: DecodeContext): boolean {
  try {
    return d.matches(ctx);
  } catch {
    return false;
  }
}

/** Runs a decoder, then enforces the bounds every result promises, whichever decoder made it. */
function attempt(d: Decoder, run: () => Decoded | null): Decoded | null {
  let r: Decoded | null;
  try {
    r = run();
  } catch (e) {
    // A decoder bug must not take the frames table down; show it on the frame instead.
    return { protocol: d.name, summary: "(not decoded)", error: `decoder failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!r) return null;
  const out: Decoded = { ...r, summary: oneLine(r.summary, SUMMARY_MAX) };
  if (r.tree) out.tree = boundTree(r.tree);
  if (r.error !== undefined) out.error = oneLine(r.error, 500);
  return out;
}
