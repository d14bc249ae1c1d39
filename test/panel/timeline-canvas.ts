/**
 * A 2D canvas for happy-dom, which has none: enough of one for uPlot to lay itself out and "draw"
 * (every drawing call does nothing; text measures 6 px a character), so tests can read its layout.
 */
type Restore = () => void;

export function fakeCanvas(): Restore {
  const proto = HTMLCanvasElement.prototype as unknown as { getContext: unknown };
  const g = globalThis as { Path2D?: unknown };
  const saved = { getContext: proto.getContext, Path2D: g.Path2D };
  const context = () => {
    const state: Record<string | symbol, unknown> = {
      measureText: (text: string) => ({ width: text.length * 6, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 }),
    };
    return new Proxy(state, {
      get: (o, k) => (k in o ? o[k] : typeof k === "string" && /^[a-z]/.test(k) ? () => undefined : undefined),
      set: (o, k, v) => ((o[k] = v), true),
    });
  };
  proto.getContext = function getContext(this: HTMLCanvasElement) {
    return context();
  };
  g.Path2D = class {
    moveTo() {}
    lineTo() {}
    rect() {}
    arc() {}
    closePath() {}
    bezierCurveTo() {}
    quadraticCurveTo() {}
    addPath() {}
  };
  return () => {
    proto.getContext = saved.getContext;
    g.Path2D = saved.Path2D;
  };
}
