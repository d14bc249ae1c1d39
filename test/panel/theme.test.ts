// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { applyTheme } from "../../src/panel/theme";

describe("applyTheme", () => {
  it("follows DevTools' theme name, and its changes", () => {
    const root = document.createElement("html");
    let listener: ((name: string) => void) | undefined;
    applyTheme(root, { themeName: "dark", onThemeChanged: { addListener: (l) => (listener = l) } });
    expect(root.dataset.theme).toBe("dark");
    listener!("default"); // Chrome's name for light
    expect(root.dataset.theme).toBe("light");
    listener!("light");
    expect(root.dataset.theme).toBe("light");
  });

  it("leaves the choice to prefers-color-scheme outside DevTools", () => {
    const root = document.createElement("html");
    applyTheme(root, undefined);
    expect(root.dataset.theme).toBeUndefined();
    applyTheme(root, { themeName: "something-new" });
    expect(root.dataset.theme).toBeUndefined();
  });
});
