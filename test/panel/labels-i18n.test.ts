/**
 * The timeline's segment and mark labels, the frames table's lifecycle rows and the frames' provenance
 * and fate tags go through t(): with the browser's i18n answering in Chinese they are Chinese, and the
 * data in them (codes, reasons, counts, sequences, strategies, rules) comes through as it was.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { laneOf } from "../../src/panel/timeline-model";
import { previewLine } from "../../src/panel/frame-info";
import { frameMarks } from "../../src/panel/frame-marks";
import { lifecycleRowText } from "../../src/panel/lifecycle-rows";
import { createModel, reduce } from "../../src/panel/model";
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
      "重连中 #1，120 毫秒后（原因：heartbeat timeout）",
      "队列丢弃：1 条消息，40 字节（原因：maxMessages）",
      "故障：断网开始（详情：5000 ms）",
      "故障：断开",
      "队列已发出：5 条消息，100 字节",
      "从 41 续传（消息）",
      "从 41 续传：服务器重放 5 条，去重 2 条",
    ]);
  });

  it("lifecycle rows of the frames table", () => {
    const rows = [
      stateEvent("a:1", "open", 1100, { protocol: "mqtt", extensions: "permessage-deflate", cause: "connected" }),
      stateEvent("a:1", "closed", 5000, { code: 1006, reason: "", wasClean: false, cause: "heartbeat timeout" }),
      stateEvent("a:1", "closed", 5000, { code: 4001, reason: "bye", wasClean: true }),
      stateEvent("a:1", "reconnecting", 3500, { attempt: 2, delayMs: 300, code: 1006, cause: "server closed" }),
      stateEvent("a:1", "open", 4100, { attempt: 2, cause: "reconnected after 2 attempt(s), 300 ms down" }),
      { kind: "protection", t: 1150, socket: "a:1", protected: true, strategy: "surface", rule: "wss://*.x/*", protocol: "MQTT", reason: "recognised" },
      { kind: "delivery", t: 1, socket: "a:1", id: "42", status: "lost", reason: "maxAgeMs" },
    ] as RecorderEvent[];
    expect(rows.map((e) => lifecycleRowText(e as Exclude<RecorderEvent, { kind: "frame" | "page-error" }>))).toEqual([
      "连接已打开，子协议 mqtt，扩展 permessage-deflate（原因：connected）",
      "连接已关闭：1006，非正常关闭（原因：heartbeat timeout）",
      "连接已关闭：4001“bye”，正常关闭",
      "重连中 #2，300 毫秒后，代码 1006（原因：server closed）",
      "已重连，第 2 次尝试（原因：reconnected after 2 attempt(s), 300 ms down）",
      "保护已开启，surface，规则 wss://*.x/*，识别为 MQTT（原因：recognised）",
      "投递丢失：消息 42（原因：maxAgeMs）",
    ]);
  });

  it("provenance and fate tags, and previews", () => {
    const f = (over: Partial<FrameRecord>) => ({ dir: "in", opcode: "text", preview: "", size: 0, ...over }) as FrameRecord;
    expect(frameMarks(f({ from: "heartbeat", fate: "hidden-reply" })).map((m) => m.label)).toEqual(["心跳", "已隐藏：应答"]);
    expect(frameMarks(f({ from: "panel", dir: "out" }))[0]!.title).toBe("由 Lifeguard 发送（来自面板或测试），如同页面发送");
    const blob = { opcode: "binary", preview: "", size: 10 } as FrameRecord;
    expect(previewLine(blob, null)).toBe("（10 字节的 Blob：内容未记录）");
    expect(previewLine({ ...blob, size: 0 }, null)).toBe("（空）");
  });
});
