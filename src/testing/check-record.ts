/**
 * The record a resilience check measures (`CheckRecord`), read from what the testing hook holds: the
 * tab's snapshots (each socket's ring, its own events in order) and the `events` batches the hook's
 * inbox took in (the only place page errors travel: they are never in a ring or a snapshot). It merges
 * the sockets as the panel's record does (src/panel/resilience-record.ts), so the report is the same.
 */
import { PAGE_ERROR_MESSAGE_MAX, type SocketEvent, type SocketSnapshot } from "../shared/protocol";
import type { CheckRecord, PageError } from "../shared/resilience/types";
import { mergeByTime, timeOf } from "../shared/resilience/merge-streams";

/** Stream ids are page-world tokens; anything longer is not one. */
const STREAM_MAX = 200;
const PAGE_ERROR_KINDS: readonly string[] = ["error", "unhandledrejection", "console"];


/** The socket's last sign of life: a socket closed before the check began has nothing to say about it. */
function lastT(s: SocketSnapshot): number {
  let t = s.info.createdAt;
  for (const e of s.events) t = Math.max(t, timeOf(e));
  return t;
}

/** One socket's events in its ring's order, with its creation first when the ring has let it go. */
function streamOf(s: SocketSnapshot): SocketEvent[] {
  const own = s.events.filter((e): e is SocketEvent => e.kind !== "page-error");
  if (own.some((e) => e.kind === "created")) return own;
  return [{ kind: "created", t: s.info.createdAt, socket: s.info }, ...own];
}


/**
 * The page errors in the hook's messages (anything the hook's inbox held: batches, background
 * notices) from `since` on. The hook's router already guarded them; they are checked again because a
 * page wrote them.
 */
export function pageErrorsIn(messages: readonly unknown[], since: number): PageError[] {
  const out: PageError[] = [];
  for (const m of messages) {
    if (typeof m !== "object" || m === null) continue;
    const batch = m as { type?: unknown; stream?: unknown; events?: unknown };
    if (batch.type !== "events" || typeof batch.stream !== "string" || batch.stream.length > STREAM_MAX || !Array.isArray(batch.events)) continue;
    for (const e of batch.events as unknown[]) {
      const x = e as { kind?: unknown; t?: unknown; what?: unknown; message?: unknown } | null;
      if (x?.kind !== "page-error" || typeof x.t !== "number" || !Number.isFinite(x.t) || x.t < since) continue;
      if (typeof x.what !== "string" || !PAGE_ERROR_KINDS.includes(x.what) || typeof x.message !== "string") continue;
      out.push({ t: x.t, stream: batch.stream, what: x.what as PageError["what"], message: x.message.slice(0, PAGE_ERROR_MESSAGE_MAX) });
    }
  }
  return out.sort((a, b) => a.t - b.t);
}

/** The record of a check that began at `since`: the tab's sockets now (those alive during it), merged by time, and the page errors. */
export function checkRecordOf(sockets: readonly SocketSnapshot[], errors: readonly PageError[], since: number): CheckRecord {
  const streams = sockets.filter((s) => s.state !== "closed" || lastT(s) >= since).map(streamOf);
  return { events: mergeByTime(streams), errors: errors.filter((e) => e.t >= since) };
}
