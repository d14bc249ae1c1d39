import { describe, expect, it } from "vitest";
import { SendQueue, byteSize, type DropReason } from "../../src/core/send-queue";

describe("byteSize", () => {
  it("measures text as UTF-8 and binary by length", () => {
    expect(byteSize("abc")).toBe(3);
    expect(byteSize("é")).toBe(2);
    expect(byteSize("€")).toBe(3);
    expect(byteSize("😀")).toBe(4);
    expect(byteSize("\ud800")).toBe(3); // lone surrogate goes out as U+FFFD
    expect(byteSize(new ArrayBuffer(10))).toBe(10);
    expect(byteSize(new Uint16Array(4))).toBe(8);
    expect(byteSize(new DataView(new ArrayBuffer(9), 2, 5))).toBe(5);
    expect(byteSize(new Blob(["hello"]))).toBe(5);
  });
});

describe("SendQueue", () => {
  function make(maxMessages: number, maxBytes: number) {
    const drops: [unknown, DropReason][] = [];
    const q = new SendQueue({ maxMessages, maxBytes }, (d, r) => drops.push([d.data, r]));
    return { q, drops, all: () => q.clear().map((i) => i.data) };
  }

  it("keeps order and drops the oldest past the count bound", () => {
    const { q, drops, all } = make(2, 1000);
    q.push("a");
    q.push("b");
    q.push("c");
    expect(drops).toEqual([["a", "maxMessages"]]);
    expect(q.length).toBe(2);
    expect(q.bytes).toBe(2);
    expect(all()).toEqual(["b", "c"]);
    expect(q.length).toBe(0);
    expect(q.bytes).toBe(0);
  });

  it("drops the oldest past the byte bound, and a message bigger than the bound itself", () => {
    const { q, drops, all } = make(100, 5);
    q.push("aa");
    q.push("bbb");
    q.push("cc");
    expect(drops).toEqual([["aa", "maxBytes"]]);
    q.push("dddddd");
    expect(drops.map((d) => d[0])).toEqual(["aa", "bbb", "cc", "dddddd"]);
    expect(all()).toEqual([]);
  });

  it("copies buffers at push, as native send() does", () => {
    const { q } = make(10, 100);
    const buf = new Uint8Array([1, 2, 3]);
    q.push(buf);
    buf[0] = 9;
    expect([...new Uint8Array(q.shift()!.data as ArrayBuffer)]).toEqual([1, 2, 3]);
  });

  it("enforces new limits at once, and stays correct across many pushes and shifts", () => {
    const { q, drops } = make(5000, 1 << 20);
    for (let i = 0; i < 4000; i++) q.push(String(i % 10));
    for (let i = 0; i < 3000; i++) expect(q.shift()!.data).toBe(String(i % 10));
    expect(q.length).toBe(1000);
    q.setLimits({ maxMessages: 10, maxBytes: 1 << 20 });
    expect(q.length).toBe(10);
    expect(drops).toHaveLength(990);
    expect(q.shift()!.data).toBe(String(3990 % 10));
  });

  it("keeps who sent each message (the page by default)", () => {
    const { q } = make(10, 100);
    q.push("a");
    q.push("b", "panel");
    expect(q.clear().map((m) => [m.data, m.from])).toEqual([
      ["a", "page"],
      ["b", "panel"],
    ]);
  });

  it("flush hands each message over in order; one that throws is lost, the rest stay, and the error comes back", () => {
    const { q } = make(10, 100);
    for (const m of ["a", "bb", "ccc", "dddd"]) q.push(m);
    const got: string[] = [];
    const r = q.flush((m) => {
      if (m.data === "ccc") throw new Error("closed");
      got.push(m.data as string);
    });
    expect(got).toEqual(["a", "bb"]);
    expect(r).toEqual({ bytes: 3, error: new Error("closed") });
    expect(q.length).toBe(1);
    expect(q.bytes).toBe(4);
    expect(q.flush(() => {})).toEqual({ bytes: 4 });
    expect(q.length).toBe(0);
  });

  it("discard empties the queue and says how much it held", () => {
    const { q } = make(10, 100);
    q.push("ab");
    q.push(new Uint8Array(3));
    expect(q.discard()).toEqual({ count: 2, bytes: 5 });
    expect([q.length, q.bytes]).toEqual([0, 0]);
    expect(q.discard()).toEqual({ count: 0, bytes: 0 });
  });
});
