// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { act } from "preact/test-utils";
import { FrameDetail, frameAsJson, frameAsText } from "../../src/panel/FrameDetail";
import { FramesView } from "../../src/panel/FramesView";
import { hexDumpLines } from "../../src/panel/HexDump";
import type { Decoder } from "../../src/panel/frame-decoding";
import { RECT, frame, modelWith, mount, rows, unmount } from "./frames-support";

let container: HTMLElement;
afterEach(async () => {
  if (container) await unmount(container);
  vi.unstubAllGlobals();
});

const $ = (id: string) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`);

async function select(seq: number) {
  await act(async () => {
    rows(container)
      .find((r) => r.dataset.seq === String(seq))!
      .dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
  });
}

describe("frame detail", () => {
  it("shows a JSON payload as a collapsible tree, and the text", async () => {
    const json = '{"type":"price","items":[{"sym":"ACME","px":12.5}],"ok":true,"none":null}';
    // No decoder: the panel's own JSON tree (with the default decoders, the JSON decoder's tree shows instead).
    container = await mount(<FramesView model={modelWith([frame("a:1", 1, { preview: json })])} socket={null} decoder={() => null} initialRect={RECT} />);
    await select(1);
    const detail = $("frame-detail")!;
    const tree = $("json-tree")!;
    expect(tree.textContent).toContain("type: ");
    expect(tree.textContent).toContain('"price"');
    expect(tree.textContent).toContain("Array(1)");
    expect(tree.textContent).toContain('"ACME"');
    expect(tree.textContent).toContain("12.5");
    // Collapsible: branches are <details>, the first two levels open.
    const branches = [...tree.querySelectorAll("details")];
    expect(branches.length).toBe(3);
    expect(branches[0]!.open).toBe(true);
    expect(branches[2]!.open).toBe(false);
    expect($("frame-text")!.textContent).toBe(json);
    expect(detail.textContent).toContain("Copy as text");
  });

  it("shows binary as a hex dump: offset, hex, ASCII", async () => {
    const hex = Buffer.from("Hello, binary world!\x00\x01\xff", "latin1").toString("hex");
    container = await mount(
      <FramesView model={modelWith([frame("a:1", 1, { opcode: "binary", preview: hex, size: 23 })])} socket={null} initialRect={RECT} />,
    );
    await select(1);
    const dump = $("hex-dump")!.textContent!;
    expect(dump).toContain("00000000  48 65 6c 6c 6f 2c 20 62  69 6e 61 72 79 20 77 6f  Hello, binary wo");
    expect(dump).toContain("00000010  72 6c 64 21 00 01 ff");
    expect(dump).toContain("rld!...");
    expect($("frame-text")).toBeNull();
  });

  it("hex dump lines pad the last row so the ASCII column lines up", () => {
    const lines = hexDumpLines(new Uint8Array([0x41, 0x42]));
    expect(lines).toEqual([`00000000  41 42 ${"   ".repeat(14)}  AB`]);
  });

  it("shows the decoder's protocol and tree", async () => {
    const decoder: Decoder = () => ({
      protocol: "Socket.IO",
      summary: 'EVENT "chat"',
      kind: "data",
      tree: { type: "object", children: [{ key: "event", type: "string", value: "chat" }, { key: "args", type: "array", children: [{ type: "number", value: 1 }] }] },
    });
    container = await mount(
      <FramesView model={modelWith([frame("a:1", 1, { preview: '42["chat",1]' })])} socket={null} decoder={decoder} initialRect={RECT} />,
    );
    expect(rows(container)[0]!.textContent).toContain('EVENT "chat"');
    expect(rows(container)[0]!.textContent).toContain("Socket.IO");
    await select(1);
    expect($("decoded-protocol")!.textContent).toBe("Socket.IO");
    expect($("decoded-tree")!.textContent).toContain('event: "chat"');
  });

  it("a frame with markup renders as text and creates no element", async () => {
    const evil = "<img src=x onerror=alert(1)><script>alert(2)</script><b>bold</b>";
    const decoder: Decoder = (f) => ({ protocol: "<i>P</i>", summary: f.preview, tree: { type: "string", key: "<u>k</u>", value: f.preview } });
    container = await mount(
      <FramesView model={modelWith([frame("a:1", 1, { preview: evil }), frame("a:1", 2, { preview: evil })])} socket={null} initialRect={RECT} />,
    );
    await select(1);
    expect(container.querySelector("img, script, b, i, u")).toBeNull();
    expect(rows(container)[0]!.textContent).toContain("<img src=x onerror=alert(1)>");
    expect($("frame-text")!.textContent).toBe(evil);
    await unmount(container);
    container = await mount(<FramesView model={modelWith([frame("a:1", 1, { preview: evil })])} socket={null} decoder={decoder} initialRect={RECT} />);
    await select(1);
    expect(container.querySelector("img, script, b, i, u")).toBeNull();
    expect($("decoded")!.textContent).toContain("<img src=x onerror=alert(1)>");
  });

  it("copies as text and as JSON, through navigator.clipboard or the execCommand fallback", async () => {
    const f = frame("a:1", 1, { preview: '{"a":[1,2]}' });
    expect(frameAsJson(f, null)).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(frameAsText(f)).toBe('{"a":[1,2]}');
    const bin = frame("a:1", 2, { opcode: "binary", preview: "4142", size: 2 });
    expect(JSON.parse(frameAsJson(bin, null))).toMatchObject({ opcode: "binary", data: "4142", size: 2 });
    expect(frameAsText(bin)).toContain("41 42");

    const writeText = vi.fn(async () => {});
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    container = await mount(<FrameDetail frame={f} decoded={null} type="text" onClose={() => {}} />);
    const button = (label: string) => [...container.querySelectorAll("button")].find((b) => b.textContent === label)!;
    await act(async () => {
      button("Copy as JSON").click();
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(writeText).toHaveBeenCalledWith(frameAsJson(f, null));
    expect(container.textContent).toContain("JSON copied");

    // No clipboard API (a DevTools panel without focus): the textarea fallback.
    vi.stubGlobal("navigator", { ...navigator, clipboard: undefined });
    const exec = vi.fn(() => true);
    (document as unknown as { execCommand: unknown }).execCommand = exec;
    await act(async () => {
      button("Copy as text").click();
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(exec).toHaveBeenCalledWith("copy");
    expect(container.textContent).toContain("Text copied");
    expect(document.querySelector("textarea")).toBeNull();
  });
});
