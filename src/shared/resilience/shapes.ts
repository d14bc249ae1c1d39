/**
 * The shape of a frame the page sent, for "resubscribed": what kind of message it was, not what it
 * said, so that a subscription sent again after a reconnect matches the first one even when an id or
 * a timestamp in it changed.
 * - a JSON object: its sorted keys, plus the value of its `type` / `event` / `op` / `action` key when
 *   that is a string: `{"channel","type"} type=subscribe`;
 * - an Engine.IO / Socket.IO text packet (on a socket the catalogue recognises as such): `sio:` and
 *   the packet types, the namespace, and the event name: `sio:42["subscribe"`;
 * - anything else: `text` or `binary`.
 * Shapes come from the page's payloads: they are clipped, and whoever shows them escapes them.
 */
import type { FrameRecord } from "../protocol";

/** Shapes are cut here (characters): a JSON object with a thousand keys must not make a thousand-key shape. */
export const SHAPE_MAX = 200;

const NAME_KEYS = ["type", "event", "op", "action"] as const;

/** Values of a naming key are cut here: enough to tell `subscribe` from `unsubscribe`. */
const NAME_MAX = 60;

function clipShape(shape: string): string {
  return shape.length > SHAPE_MAX ? `${shape.slice(0, SHAPE_MAX - 1)}…` : shape;
}

function jsonShape(text: string): string | null {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{")) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let shape = `{${keys.map((k) => JSON.stringify(k)).join(",")}}`;
  for (const key of NAME_KEYS) {
    const name = record[key];
    if (typeof name === "string") {
      shape += ` ${key}=${name.slice(0, NAME_MAX)}`;
      break;
    }
  }
  return shape;
}

/**
 * An Engine.IO packet: one digit of type; a message (4) carries a Socket.IO packet: one digit of type,
 * for binary ones (5, 6) the attachment count and `-`, an optional `/namespace,`, an optional ack id,
 * then JSON. The ack id and the attachment count change from one send to the next: left out.
 */
const SIO = /^([0-6])(?:([0-6])(?:\d+-)?(\/[^,]*,)?\d*(\[\s*"(?:[^"\\]|\\.)*")?)?/;

/** Engine.IO ping and pong (and the upgrade probes): the transport's own heartbeat, not the page's subscription. */
export function isEngineIoHeartbeat(text: string): boolean {
  return /^[23](probe)?$/.test(text);
}

function engineIoShape(text: string): string | null {
  const m = SIO.exec(text);
  if (!m) return null;
  const [, eio, sio = "", namespace = "", event = ""] = m;
  return `sio:${eio}${sio}${namespace}${event.slice(0, NAME_MAX + 2)}`;
}

/** The frame's shape; `engineIo`: the socket speaks Engine.IO (its packets are shaped by their types). */
export function frameShape(frame: Pick<FrameRecord, "opcode" | "preview">, engineIo: boolean): string {
  if (frame.opcode === "binary") return "binary";
  const shape = (engineIo ? engineIoShape(frame.preview) : null) ?? jsonShape(frame.preview) ?? "text";
  return clipShape(shape);
}
