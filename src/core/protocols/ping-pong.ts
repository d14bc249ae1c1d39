/**
 * Sessions for the two common shapes of protocol heartbeat.
 *
 * `fifoPingPong`: the server answers each ping in order and the answer names no ping (MQTT PINGRESP,
 * graphql-ws `pong`, Engine.IO 3 `3`). The page's library pings too, so the session keeps who sent
 * each outstanding ping, in order: a reply is Lifeguard's only when the oldest outstanding ping was.
 *
 * `passive`: the server pings on its own schedule and Lifeguard only listens.
 */
import type { Direction, Frame, Liveness, ProtocolSession } from "./types";

export interface PingPongShape {
  ping: () => Frame;
  isPing: (frame: Frame) => boolean;
  isPong: (frame: Frame) => boolean;
  /** Before this frame has been seen, Lifeguard does not ping (e.g. MQTT before CONNACK). */
  ready?: (dir: Direction, frame: Frame) => boolean;
}

export function fifoPingPong(shape: PingPongShape, adopted: boolean): ProtocolSession {
  const owners: boolean[] = []; // true = Lifeguard's
  let ready = adopted || !shape.ready;
  return {
    observe(dir, frame) {
      if (!ready && shape.ready!(dir, frame)) ready = true;
      if (dir === "out" && shape.isPing(frame)) owners.push(false);
    },
    liveness: () => (ready ? { kind: "ping" } : { kind: "off", why: "handshake not complete" }),
    ping() {
      owners.push(true);
      return shape.ping();
    },
    isOwnReply(frame) {
      if (owners.length === 0 || !shape.isPong(frame)) return false;
      return owners.shift() === true;
    },
  };
}

/** A session whose liveness comes from what it has observed; it never sends and hides nothing. */
export function passive(observe: (dir: Direction, frame: Frame, now: number) => void, liveness: () => Liveness): ProtocolSession {
  return {
    observe,
    liveness,
    ping() {
      throw new Error("a passive protocol session sends no ping");
    },
    isOwnReply: () => false,
  };
}
