/**
 * ASP.NET Core SignalR. Recognised by the client's handshake record
 * `{"protocol":"json"|"messagepack","version":1}` + 0x1E (the URL, `?id=<token>`, says nothing).
 *
 * Strategy `surface`: the connection token in the URL comes from `/negotiate` and is good for one
 * connection; a new socket must also start with the handshake. The JS client's
 * `withAutomaticReconnect()` negotiates again; without it, the app's `onclose` reconnects.
 *
 * Heartbeat: the ping record (`{"type":6}` + 0x1E, or MessagePack `[6]`). The server never answers a
 * ping; it sends its own every 15 s (`KeepAliveInterval`) when idle. So after Lifeguard's ping it waits
 * until 30 s of silence in all (the JS client's own `serverTimeoutInMilliseconds` default) at least.
 */
import { smallJson, type Frame, type ProtocolModule, type ProtocolSamples, type ProtocolSession } from "./types";

const RS = "\x1e";
// eslint-disable-next-line no-control-regex -- 0x1E ends every SignalR record
const HANDSHAKE = /^\{"protocol":"(json|messagepack)","version":\d+\}\x1e$/;
const MSGPACK_PING = [0x02, 0x91, 0x06];

export const protocol: ProtocolModule = {
  id: "signalr",
  name: "SignalR",
  recogniseSocket: () => null,
  recogniseFrame: (dir, frame) =>
    dir === "out" && typeof frame === "string" && HANDSHAKE.test(frame) ? "SignalR handshake record" : null,
  strategy: "surface",
  why: "the connection token is good for one connection and a new socket needs the handshake; the client renegotiates",
  session(_url, adopted): ProtocolSession {
    let format: string | undefined;
    let ready = adopted;
    return {
      observe(dir, frame: Frame) {
        if (dir === "out" && typeof frame === "string") format ??= HANDSHAKE.exec(frame)?.[1];
        // The handshake response: `{}` (or `{"error":...}`) + 0x1E.
        if (dir === "in" && !ready && typeof frame === "string" && frame.endsWith(RS)) {
          const reply = smallJson(frame.slice(0, frame.indexOf(RS)));
          ready = !!reply && typeof reply === "object" && !("error" in reply);
        }
      },
      liveness: () => (ready ? { kind: "ping", minSilenceMs: 30000 } : { kind: "off", why: "handshake not complete" }),
      ping: () => (format === "messagepack" ? new Uint8Array(MSGPACK_PING) : `{"type":6}${RS}`),
      isOwnReply: () => false,
    };
  },
};

export const samples: ProtocolSamples = {
  url: "wss://example.test/chathub?id=Yk9f3cLCcBEvHlrY5kVLtw",
  protocols: [],
  handshake: [
    { dir: "out", frame: `{"protocol":"json","version":1}${RS}` },
    { dir: "in", frame: `{}${RS}` },
    { dir: "in", frame: `{"type":1,"target":"ReceiveMessage","arguments":["ana","hi"]}${RS}` },
  ],
  ping: `{"type":6}${RS}`,
};
