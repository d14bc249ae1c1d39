/**
 * The timeline's segment and mark labels and the frames' delivery labels go through t(): with the
 * browser's i18n answering in Chinese they are Chinese, and the data in them (codes, reasons, counts,
 * sequences, strategies) comes through as it was.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { laneOf } from "../../src/panel/timeline-model";
import { deliveryLabel, previewLine } from "../../src/panel/frame-info";
import { createModel, reduce } from "../../src/panel/model";
import type { DeliveryMark } from "../../src/panel/socket-log";
import type { FrameRecord, RecorderEvent } from "../../src/shared/protocol";
import { eventsMessage, socketInfo, stateEvent } from "../support/messages";
import { translator } from "../popup/i18n";

const g = globalThis as { chrome?: unknown };
let saved: unknown;
beforeEach(() => {
  saved = g.chrome;
  g.chrome = { i18n: { getMessage: translator("zh_CN") } };
});
afterEach(() => {
  g.chrome = saved;
});

const story: RecorderEvent[] = [
  { kind: "created", t: 1000, socket: socketInfo("a:1", { createdAt: 1000 }) },
  stateEvent("a:1", "open", 1100),
  { kind: "protection", t: 1150, socket: "a:1", protected: true, strategy: "transparent", reason: "rule 1" },
  { kind: "heartbeat", t: 2000, socket: "a:1", phase: "sent" },
  { kind: "heartbeat", t: 2012, socket: "a:1", phase: "answered", rttMs: 12.4 },
  { kind: "heartbeat", t: 3500, socket: "a:1", phase: "missed", rttMs: 1500 },
  stateEvent("a:1", "reconnecting", 3500, { attempt: 1, delayMs: 120, cause: "heartbeat timeout" }),
  { kind: "queue", t: 3600, socket: "a:1", action: "dropped", count: 1, bytes: 40, reason: "maxMessages" },
  { kind: "fault", t: 3650, socket: "a:1", fault: "offline", active: true, detail: "5000 ms" },
  { kind: "fault", t: 3660, socket: "a:1", fault: "drop", active: false },
  stateEvent("a:1", "open", 4100),
  { kind: "queue", t: 4100, socket: "a:1", action: "flushed", count: 5, bytes: 100 },
  { kind: "resume", t: 4100, socket: "a:1", lastSeq: "41", via: "message" },
  { kind: "resume", t: 4200, socket: "a:1", lastSeq: "41", via: "query", replayed: 5, deduped: 2 },
  stateEvent("a:1", "closed", 5000, { code: 4001, reason: "bye" }),
];

describe("panel labels in Chinese", () => {
  it("timeline segments and marks", () => {
    const model = reduce(createModel(), eventsMessage(story));
    const lane = laneOf(model.sockets.get("a:1")!, model.log.eventsOf("a:1"), 6000);
    expect(lane.segments.map((s) => s.label)).toEqual([
      "连接中",
      "已打开",
      "重连中 #1，120 毫秒后（原因：heartbeat timeout）",
      "已打开",
      "已关闭 4001 bye",
    ]);
    expect(lane.marks.map((m) => m.label)).toEqual([
      "保护已开启，transparent（原因：rule 1）",
      "已发送心跳",
      "心跳在 12 毫秒内应答",
      "心跳未应答（1500 毫秒无响应）",
      "队列丢弃：1 条消息，40 字节（原因：maxMessages）",
      "故障：断网开始（详情：5000 ms）",
      "故障：断开",
      "队列已发出：5 条消息，100 字节",
      "从 41 续传（消息）",
      "从 41 续传：服务器重放 5 条，去重 2 条",
    ]);
  });

  it("delivery marks and previews", () => {
    const mark = (m: Pick<DeliveryMark, "status" | "resent" | "ackMs" | "reason">): DeliveryMark => ({ id: "m1", pendingT: 0, ...m });
    expect(deliveryLabel(mark({ status: "pending", resent: 0 }))).toBe("等待确认");
    expect(deliveryLabel(mark({ status: "acked", ackMs: 11.6, resent: 0 }))).toBe("已确认，12 毫秒");
    expect(deliveryLabel(mark({ status: "acked", ackMs: 30, resent: 1 }))).toBe("已确认，30 毫秒，已重发 1 次");
    expect(deliveryLabel(mark({ status: "lost", reason: "maxAgeMs", resent: 0 }))).toBe("已丢失（原因：maxAgeMs）");
    expect(deliveryLabel(mark({ status: "pending", resent: 2 }))).toBe("已重发 2 次，等待确认");
    const blob = { opcode: "binary", preview: "", size: 10 } as FrameRecord;
    expect(previewLine(blob, null)).toBe("（10 字节的 Blob：内容未记录）");
    expect(previewLine({ ...blob, size: 0 }, null)).toBe("（空）");
  });
});
