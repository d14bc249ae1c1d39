/** Rendering the panel's frame views against a model built from protocol messages. */
import { render } from "preact";
import { act } from "preact/test-utils";
import { createModel, reduce, type PanelAction, type PanelModel } from "../../src/panel/model";
import type { FrameRecord, RecorderEvent } from "../../src/shared/protocol";
import { eventsMessage, snapshotMessage, socketSnapshot } from "../support/messages";

export const RECT = { width: 800, height: 400 };

export function frame(socket: string, seq: number, over: Partial<FrameRecord> = {}): FrameRecord {
  const preview = over.preview ?? `message ${seq}`;
  return {
    socket,
    seq,
    t: 1000 + seq,
    dir: seq % 2 ? "out" : "in",
    opcode: "text",
    size: preview.length,
    preview,
    truncated: false,
    ...over,
  };
}

export const frameEvents = (frames: FrameRecord[]): RecorderEvent[] => frames.map((f) => ({ kind: "frame", frame: f }));

/** A model with socket `a:1` (and any others named) holding the given frames. */
export function modelWith(frames: FrameRecord[], sockets = ["a:1"]): PanelModel {
  const actions: PanelAction[] = [snapshotMessage(sockets.map((id) => socketSnapshot(id))), eventsMessage(frameEvents(frames))];
  return actions.reduce(reduce, createModel());
}

export async function mount(node: preact.ComponentChild): Promise<HTMLElement> {
  const container = document.createElement("div");
  document.body.append(container);
  await act(async () => {
    render(node, container);
  });
  return container;
}

export async function unmount(container: HTMLElement): Promise<void> {
  await act(async () => render(null, container));
  container.remove();
}

export const rows = (root: ParentNode) => [...root.querySelectorAll<HTMLElement>('[data-testid="frame-row"]')];
export const seqs = (root: ParentNode) => rows(root).map((r) => Number(r.dataset.seq));

export async function settle(): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}
