/**
 * WAMP v2 (Autobahn|JS, Wampy.js). Recognised by its subprotocol (`wamp.2.json`, `wamp.2.msgpack`,
 * `wamp.2.cbor`), which the client always offers: the serialisation is negotiated by it.
 *
 * Strategy `surface`: a session lives on one transport and starts with HELLO / WELCOME; its
 * subscriptions and registrations die with it. Autobahn|JS retries the connection on its own
 * (`max_retries`) and calls the app's `onopen` with the new session, where it subscribes again.
 *
 * Heartbeat: off. WAMP has no ping message: routers keep connections alive with WebSocket ping
 * frames, which a page can neither send nor see, so silence proves nothing.
 */
import { passive } from "./ping-pong";
import { hasSubprotocol, type ProtocolModule, type ProtocolSamples } from "./types";

export const protocol: ProtocolModule = {
  id: "wamp",
  name: "WAMP",
  recogniseSocket: (_url, protocols) => hasSubprotocol(protocols, "wamp.2.json", "wamp.2.msgpack", "wamp.2.cbor"),
  recogniseFrame: () => null,
  strategy: "surface",
  why: "a session starts with HELLO on each socket and its subscriptions die with it; the client reconnects and the app subscribes again",
  session: () =>
    passive(
      () => {},
      () => ({ kind: "off", why: "WAMP has no ping message (routers ping at the WebSocket level, out of the page's sight)" }),
    ),
};

export const samples: ProtocolSamples = {
  url: "wss://example.test/ws",
  protocols: ["wamp.2.json"],
  handshake: [
    { dir: "out", frame: '[1,"realm1",{"roles":{"caller":{},"callee":{},"publisher":{},"subscriber":{}}}]' },
    { dir: "in", frame: '[2,9129137332,{"authrole":"anonymous","roles":{"broker":{},"dealer":{}}}]' },
    { dir: "out", frame: '[32,713845233,{},"com.myapp.mytopic1"]' },
    { dir: "in", frame: "[33,713845233,5512315355]" },
  ],
};
