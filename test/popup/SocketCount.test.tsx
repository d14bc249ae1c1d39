// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { render } from "preact";
import { SocketCount } from "../../src/popup/SocketCount";
import { emptyTally, type SocketTally, type TalliedSocket } from "../../src/popup/socket-tally";
import { translator } from "./i18n";

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

function tallyOf(n: number): SocketTally {
  const sockets = new Map<string, TalliedSocket>();
  for (let i = 0; i < n; i++) sockets.set(`s:${i}`, { state: "open", protected: i === 0, origin: "wss://a.test/" });
  return { known: true, sockets, overflow: 0 };
}

function line(tally: SocketTally, locale: string, language: string): string {
  container = document.createElement("div");
  document.body.append(container);
  render(<SocketCount t={translator(locale)} tally={tally} language={language} />, container);
  const text = container.querySelector('[data-testid="socket-count-line"]')!.textContent!;
  render(null, container);
  container.remove();
  return text;
}

describe("popup: the socket count reads as a phrase in both locales", () => {
  it("English: 0 sockets, 1 socket, 2 sockets", () => {
    expect([0, 1, 2].map((n) => line(tallyOf(n), "en", "en-US"))).toEqual([
      "0 sockets in this tab",
      "1 socket in this tab",
      "2 sockets in this tab",
    ]);
  });

  it("Chinese: one form for every count", () => {
    expect([0, 1, 2].map((n) => line(tallyOf(n), "zh_CN", "zh-CN"))).toEqual([
      "此标签页中有 0 个 WebSocket",
      "此标签页中有 1 个 WebSocket",
      "此标签页中有 2 个 WebSocket",
    ]);
  });

  it("before the page answers: a dash, in the plural", () => {
    expect(line(emptyTally, "en", "en")).toBe("— sockets in this tab");
  });

  it("the count is its own element (the tests' and screen's number), the detail below", () => {
    container = document.createElement("div");
    document.body.append(container);
    render(<SocketCount t={translator("en")} tally={tallyOf(1)} language="en" />, container);
    expect(container.querySelector('[data-testid="socket-count"]')!.textContent).toBe("1");
    expect(container.querySelector('[data-testid="socket-detail"]')!.textContent).toBe("1 open, 1 protected");
  });
});
