/**
 * The recorder keeps what a frame rule did to a frame (protocol `FrameRecord`: `rule`, `pause`) whether
 * or not a panel listens: such a frame is kept as an object, the others stay in columns as they were.
 */
import { describe, expect, it } from "vitest";
import { Recorder, frameMark } from "../../src/page/recorder";
import { isPageToPanel, envelope, type FrameRecord, type PageToPanel, type RecorderEvent, type SocketInfo } from "../../src/shared/protocol";

const info: SocketInfo = { id: "s:1", url: "ws://x/", protocols: [], frameUrl: "http://x/", topFrame: true, createdAt: 1 };

function record(rec: Recorder): void {
  rec.created(info);
  rec.frame("s:1", "out", "plain");
  rec.frame("s:1", "out", "secret", frameMark("page", "dropped"), 3);
  rec.frame("s:1", "in", new Uint8Array([0xca, 0xfe]).buffer, frameMark("page", "paused"), 0, 7);
  rec.frame("s:1", "in", "edited", frameMark("panel", "delivered"), 0, 7);
}

const framesOf = (events: RecorderEvent[]): FrameRecord[] => events.flatMap((e) => (e.kind === "frame" ? [e.frame] : []));
const short = (f: FrameRecord) => [f.dir, f.from ?? "page", f.fate ?? "-", f.opcode, f.preview, f.rule ?? "-", f.pause ?? "-"].join(" ");
const expected = ["out page - text plain - -", "out page dropped text secret 3 -", "in page paused binary cafe 0 7", "in panel - text edited 0 7"];

describe("records of frames a rule touched", () => {
  it("a snapshot taken after recording with no panel listening has each frame's rule and breakpoint", () => {
    const rec = new Recorder({ now: () => 5, setTimeout: () => 0 });
    record(rec);
    const snapshot = rec.takeSnapshot();
    expect(framesOf(snapshot[0]!.events).map(short)).toEqual(expected);
    expect(snapshot[0]!.framesIn).toBe(2);
    // As the panel gets it: the guards take the new fields.
    expect(isPageToPanel(envelope<PageToPanel, "snapshot">("lifeguard-page", "snapshot", { stream: "s", upTo: 0, part: 0, parts: 1, frameUrl: "", sockets: snapshot }))).toBe(true);
  });

  it("a listening panel gets them in its batches", () => {
    const timers: (() => void)[] = [];
    const rec = new Recorder({ now: () => 5, setTimeout: (fn) => timers.push(fn) });
    const batches: RecorderEvent[][] = [];
    rec.connect((events) => batches.push(events));
    rec.setListening(true);
    record(rec);
    for (const fn of timers.splice(0)) fn();
    expect(framesOf(batches.flat()).map(short)).toEqual(expected);
  });
});
