/** The record a check measures, from per-socket streams: the panel's log and the testing API's snapshots both build it so. */
import type { RecorderEvent, SocketEvent } from "../protocol";

export const timeOf = (event: RecorderEvent): number => (event.kind === "frame" ? event.frame.t : event.t);

/** Streams each in time order -> one, by time; on a tie the earlier stream's event first, a stream's own order kept. */
export function mergeByTime(streams: readonly (readonly SocketEvent[])[]): SocketEvent[] {
  const all: { event: SocketEvent; stream: number; at: number }[] = [];
  streams.forEach((list, stream) => list.forEach((event, at) => all.push({ event, stream, at })));
  all.sort((a, b) => timeOf(a.event) - timeOf(b.event) || a.stream - b.stream || a.at - b.at);
  return all.map((x) => x.event);
}
