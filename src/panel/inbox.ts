/**
 * Between the panel's port and its model: messages wait here and are applied a slice at a time.
 *
 * Every extension page (each tab's panel, the options page) runs on one renderer main thread, so a
 * page that floods its panel must not freeze the others. Each task applies at most `sliceUnits` work
 * units (an event, a snapshot's socket, some text: see limits.ts), splitting a big batch or
 * snapshot part where it must (one event heavier than a slice, a text of a million characters, gets a
 * task to itself), then yields with a macrotask: the render that follows sees a whole slice (renders
 * are coalesced), and other pages get the thread in between. Messages keep their order.
 *
 * The backlog is bounded (`BACKLOG`: what the router lets through at once); a page message past it is
 * dropped whole and counted, so the panel says what it did not show. While paused, page messages are
 * not applied at all (resuming asks for a snapshot). Frames that a snapshot brings out of time order
 * are sorted once no snapshot part waits, a slice at a time too (`SocketLog.sortSteps`).
 */
import type { RecorderEvent, SocketInfo } from "../shared/protocol";
import {
  applyEvent,
  beginSnapshotSocket,
  mergeSnapshotEvent,
  reduce,
  settleSnapshotSocket,
  touch,
  type PanelAction,
  type PanelModel,
  type SnapshotMerge,
} from "./model";
import { BACKLOG, CHARS_PER_UNIT, SLICE_UNITS } from "./limits";
import { CHUNK } from "./frame-sort";

export interface InboxOptions {
  /** Work units applied per task at most. */
  sliceUnits?: number;
  /** The backlog's bounds, in work units and in characters. */
  backlog?: { units: number; chars: number };
  /** Runs a task later, as a macrotask (the default: a MessageChannel, which setTimeout's clamping does not slow). */
  schedule?: (task: () => void) => void;
  /** Told how many work units each task applied (tests count them; the bench times the tasks). */
  onSlice?: (units: number) => void;
}

/** Sort steps (element moves, comparisons) that cost about one work unit: measured, ~40 ns a step against ~1-2 us a unit. */
const SORT_STEPS_PER_UNIT = 32;
const SORT_STEP_UNITS = Math.ceil(CHUNK / SORT_STEPS_PER_UNIT);

type EventsMessage = Extract<PanelAction, { type: "events" }>;
type SnapshotMessage = Extract<PanelAction, { type: "snapshot" }>;

interface Weight {
  units: number;
  chars: number;
  events: number;
  sockets: number;
}

type Job =
  | { kind: "events"; message: EventsMessage; weight: Weight; next: number }
  | { kind: "snapshot"; message: SnapshotMessage; weight: Weight; socket: number; event: number; merge: SnapshotMerge | null }
  | { kind: "other"; action: PanelAction };

export class PanelInbox {
  private model: PanelModel;
  /** The model last handed to `onChange`. */
  private shown: PanelModel;
  private readonly queue: Job[] = [];
  private head = 0;
  private queuedUnits = 0;
  private queuedChars = 0;
  private snapshotsQueued = 0;
  private sorting: Generator<number, void, void> | null = null;
  private scheduled = false;
  private closed = false;
  private readonly sliceUnits: number;
  private readonly backlog: { units: number; chars: number };
  private readonly schedule: (task: () => void) => void;
  private readonly closeScheduler: () => void;

  constructor(
    model: PanelModel,
    private readonly onChange: (model: PanelModel) => void,
    private readonly options: InboxOptions = {},
  ) {
    this.model = this.shown = model;
    this.sliceUnits = options.sliceUnits ?? SLICE_UNITS;
    this.backlog = options.backlog ?? BACKLOG;
    if (options.schedule) {
      this.schedule = options.schedule;
      this.closeScheduler = () => {};
    } else {
      [this.schedule, this.closeScheduler] = macrotasks();
    }
  }

  /** The model as applied so far. */
  get current(): PanelModel {
    return this.model;
  }

  /** A message from the port, or the port's own up and down: queued, applied in order a slice at a time. */
  readonly receive = (action: PanelAction): void => {
    if (this.closed) return;
    if (action.type === "events" || action.type === "snapshot") {
      // Nothing is applied while paused; resuming asks the page for a snapshot.
      if (this.model.paused) return;
      const weight = weigh(action);
      if (this.queuedUnits + weight.units > this.backlog.units || this.queuedChars + weight.chars > this.backlog.chars) {
        this.model.drops.dropMessage(weight);
      } else {
        this.queuedUnits += weight.units;
        this.queuedChars += weight.chars;
        if (action.type === "events") this.queue.push({ kind: "events", message: action, weight, next: 0 });
        else {
          this.snapshotsQueued++;
          this.queue.push({ kind: "snapshot", message: action, weight, socket: 0, event: 0, merge: null });
        }
      }
    } else {
      this.queuedUnits++;
      this.queue.push({ kind: "other", action });
    }
    this.wake();
  };

  /**
   * What the user did: applied at once when nothing waits (the view answers the click), else after
   * what came before it. Pause applies at once always: it is what a user reaches for in a flood.
   */
  readonly command = (action: PanelAction): void => {
    if (this.closed) return;
    if (action.type === "pause" || (this.head === this.queue.length && !this.sorting)) {
      this.model = reduce(this.model, action);
      this.publish();
      return;
    }
    this.queuedUnits++;
    this.queue.push({ kind: "other", action });
    this.wake();
  };

  close(): void {
    this.closed = true;
    this.closeScheduler();
  }

  private wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(this.slice);
  }

  private readonly slice = (): void => {
    this.scheduled = false;
    if (this.closed) return;
    let spent = 0;
    while (spent < this.sliceUnits) {
      if (this.sorting) {
        // A step is about CHUNK sort steps: it waits for the next slice unless it fits in this one.
        if (spent > 0 && spent + SORT_STEP_UNITS > this.sliceUnits) break;
        // A newer snapshot part waits: apply it first and sort once after (the sort has moved nothing yet).
        const step = this.snapshotsQueued > 0 ? null : this.sorting.next();
        if (!step || step.done) this.sorting = null;
        else spent += Math.ceil(step.value / SORT_STEPS_PER_UNIT);
        continue;
      }
      const job = this.queue[this.head];
      if (!job) break;
      try {
        spent += this.advance(job, this.sliceUnits - spent, spent === 0);
      } catch (error) {
        // A message the model cannot take (a bug, never the page's doing: guards ran) must not wedge
        // every later one behind it.
        console.error("Lifeguard: a message could not be applied", error);
        this.dequeue(job);
        continue;
      }
      if (!this.finished(job)) break;
      this.dequeue(job);
    }
    this.publish();
    this.options.onSlice?.(spent);
    if (this.head < this.queue.length || this.sorting) this.wake();
  };

  /** Applies what fits of a job in `room` units (one unit at least on a fresh slice); returns the units used. */
  private advance(job: Job, room: number, fresh: boolean): number {
    let used = 0;
    const fits = (units: number): boolean => used + units <= room || (fresh && used === 0);
    if (job.kind === "other") {
      this.model = reduce(this.model, job.action);
      // An import (the user's own file) is applied whole.
      return job.action.type === "import" ? job.action.sockets.reduce((n, s) => n + s.frames.length + s.events.length, 1) : 1;
    }
    if (this.model.paused) {
      // Paused meanwhile: the rest is not applied (resuming asks for a snapshot).
      if (job.kind === "events") job.next = job.message.events.length;
      else job.socket = job.message.sockets.length;
      return 1;
    }
    if (job.kind === "events") {
      const { events } = job.message;
      while (job.next < events.length) {
        const units = unitsOf(events[job.next]!);
        if (!fits(units)) break;
        applyEvent(this.model, events[job.next++]!, job.message.stream);
        used += units;
      }
      return used;
    }
    const { sockets } = job.message;
    while (job.socket < sockets.length) {
      const snap = sockets[job.socket]!;
      if (!job.merge) {
        const units = 1 + Math.floor(infoChars(snap.info) / CHARS_PER_UNIT);
        if (!fits(units)) break;
        used += units;
        job.merge = beginSnapshotSocket(this.model, snap);
        job.event = 0;
        if (!job.merge) {
          job.socket++;
          continue;
        }
      }
      const { events } = snap;
      while (job.event < events.length) {
        const units = unitsOf(events[job.event]!);
        if (!fits(units)) break;
        mergeSnapshotEvent(this.model, job.merge, events[job.event++]!);
        used += units;
      }
      settleSnapshotSocket(this.model, job.merge);
      if (job.event < events.length) break;
      job.merge = null;
      job.socket++;
    }
    return used;
  }

  private finished(job: Job): boolean {
    if (job.kind === "events") return job.next >= job.message.events.length;
    if (job.kind === "snapshot") return job.socket >= job.message.sockets.length;
    return true;
  }

  private dequeue(job: Job): void {
    this.queue[this.head++] = undefined!;
    // Let go of the array's front now and then: O(1) per message, whatever the backlog.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (job.kind === "other") {
      this.queuedUnits--;
      return;
    }
    this.queuedUnits -= job.weight.units;
    this.queuedChars -= job.weight.chars;
    if (job.kind === "snapshot" && --this.snapshotsQueued === 0 && this.model.log.unsorted) this.sorting = this.model.log.sortSteps();
  }

  private publish(): void {
    this.model = touch(this.model);
    if (this.model === this.shown) return;
    this.shown = this.model;
    this.onChange(this.model);
  }
}

/** An event's cost: one unit, and one more per CHARS_PER_UNIT characters of its text (dedupe keys and filters read it all). */
export function unitsOf(event: RecorderEvent): number {
  return 1 + Math.floor(charsOf(event) / CHARS_PER_UNIT);
}

function charsOf(event: RecorderEvent): number {
  if (event.kind === "frame") return event.frame.preview.length + event.frame.socket.length;
  if (event.kind === "created") return infoChars(event.socket);
  return stringChars(event);
}

function infoChars(info: SocketInfo): number {
  let chars = stringChars(info);
  for (const p of info.protocols) chars += p.length;
  return chars;
}

/** Characters of an object's own string fields (every text a lifecycle event carries is one). */
function stringChars(x: object): number {
  let chars = 0;
  for (const key in x) {
    const value = (x as Record<string, unknown>)[key];
    if (typeof value === "string") chars += value.length;
  }
  return chars;
}

/** What a page message will cost, and what dropping it drops. */
export function weigh(message: EventsMessage | SnapshotMessage): Weight {
  const weight: Weight = { units: 0, chars: 0, events: 0, sockets: 0 };
  const count = (event: RecorderEvent): void => {
    const chars = charsOf(event);
    weight.units += 1 + Math.floor(chars / CHARS_PER_UNIT);
    weight.chars += chars;
  };
  if (message.type === "events") {
    weight.events = message.events.length;
    for (const event of message.events) {
      count(event);
      if (event.kind === "created") weight.sockets++;
    }
    return weight;
  }
  weight.sockets = message.sockets.length;
  for (const snap of message.sockets) {
    const chars = infoChars(snap.info);
    weight.units += 1 + Math.floor(chars / CHARS_PER_UNIT);
    weight.chars += chars;
    weight.events += snap.events.length;
    for (const event of snap.events) count(event);
  }
  return weight;
}

/** A scheduler of macrotasks on a MessageChannel (no clamping, unlike nested setTimeouts), and its off switch. */
function macrotasks(): [(task: () => void) => void, () => void] {
  if (typeof MessageChannel !== "function") return [(task) => void setTimeout(task, 0), () => {}];
  const channel = new MessageChannel();
  const tasks: (() => void)[] = [];
  channel.port1.onmessage = () => tasks.shift()?.();
  return [
    (task) => {
      tasks.push(task);
      channel.port2.postMessage(null);
    },
    () => channel.port1.close(),
  ];
}
