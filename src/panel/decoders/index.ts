/**
 * Frame decoders for the panel: which protocol a frame speaks, a one-line summary, and a bounded
 * tree. Payloads are untrusted: everything returned is plain data, never HTML or code.
 *
 * Two kinds, and only these:
 * - protocol decoders (./protocols/<id>.ts): the panel half of each catalogue protocol
 *   (src/shared/protocol-catalogue.ts). A socket's frames go to one only when the core's recognisers
 *   recognised the socket as that protocol (./recognition.ts), exactly as the page does.
 * - generic decoders (./generic/): formats, not protocols (JSON, MessagePack, CBOR), read by content
 *   on sockets of no recognised protocol, or for frames their protocol decoder leaves alone.
 */
import type { ProtocolId } from "../../shared/protocol-catalogue";
import { cbor } from "./generic/cbor";
import { json } from "./generic/json";
import { msgpack } from "./generic/msgpack";
import { decoder as actioncable } from "./protocols/actioncable";
import { decoder as centrifugo } from "./protocols/centrifugo";
import { decoder as engineio } from "./protocols/engineio";
import { decoder as graphqlWs } from "./protocols/graphql-ws";
import { decoder as mqtt } from "./protocols/mqtt";
import { decoder as phoenix } from "./protocols/phoenix";
import { decoder as signalr } from "./protocols/signalr";
import { decoder as sockjs } from "./protocols/sockjs";
import { decoder as stomp } from "./protocols/stomp";
import { decoder as subscriptionsTransportWs } from "./protocols/subscriptions-transport-ws";
import { decoder as wamp } from "./protocols/wamp";
import { recogniseSocketOf } from "./recognition";
import { boundTree, oneLine } from "./tree";
import type { Decoded, DecodeContext, FrameInput, GenericDecoder, ProtocolDecoder } from "./types";

export type { Decoded, DecodedNode, DecodeContext, FrameInput, GenericDecoder, ProtocolDecoder } from "./types";
export { RECOGNISE_FRAMES, recogniseSocketOf, recognitionFrames, type SocketRecognition } from "./recognition";
export { hexToBytes } from "./bytes";
export { TREE_LIMITS } from "./tree";

/** The decoder of every catalogue protocol, by its id: the type checker asks for one per id. */
export const PROTOCOL_DECODERS: { readonly [id in ProtocolId]: ProtocolDecoder } = {
  actioncable,
  centrifugo,
  engineio,
  "graphql-ws": graphqlWs,
  mqtt,
  phoenix,
  signalr,
  sockjs,
  stomp,
  "subscriptions-transport-ws": subscriptionsTransportWs,
  wamp,
};

/** In the order they are tried: text, then the two binary formats (each claims only whole containers). */
export const GENERIC_DECODERS: readonly GenericDecoder[] = [json, msgpack, cbor];

const SUMMARY_MAX = 200;

/** Decodes one frame; null when it is plain text or binary that nothing recognises. Never throws. */
export function decodeFrame(frame: FrameInput, ctx: DecodeContext): Decoded | null {
  const recognised = safely(() => recogniseSocketOf(ctx));
  if (recognised) {
    const d = PROTOCOL_DECODERS[recognised.id];
    const r = attempt(recognised.name, () => d.decode(frame, ctx));
    if (r) return { ...r, protocolId: recognised.id };
  }
  for (const g of GENERIC_DECODERS) {
    const r = attempt(g.name, () => g.sniff(frame));
    if (r) return r;
  }
  return null;
}

function safely<T>(run: () => T): T | null {
  try {
    return run();
  } catch {
    return null;
  }
}

/** Runs a decoder, then enforces the bounds every result promises, whichever decoder made it. */
function attempt(name: string, run: () => Decoded | null): Decoded | null {
  let r: Decoded | null;
  try {
    r = run();
  } catch (e) {
    // A decoder bug must not take the frames table down; show it on the frame instead.
    return { protocol: name, summary: "(not decoded)", error: `decoder failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!r) return null;
  const out: Decoded = { ...r, summary: oneLine(r.summary, SUMMARY_MAX) };
  if (r.tree) out.tree = boundTree(r.tree);
  if (r.error !== undefined) out.error = oneLine(r.error, 500);
  return out;
}
