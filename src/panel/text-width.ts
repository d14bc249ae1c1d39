/**
 * How wide a line of the panel's 12px system-ui text is, px: from the canvas where there is one (the
 * panel in a browser), else a generous estimate (wide for CJK, ~7px otherwise), so a column given
 * this width shows the text whole in either locale.
 */
let context: CanvasRenderingContext2D | null | undefined;

function canvas(): CanvasRenderingContext2D | null {
  if (context === undefined) {
    try {
      context = document.createElement("canvas").getContext("2d");
      if (context) context.font = "12px system-ui, sans-serif";
    } catch {
      context = null;
    }
  }
  return context;
}

const WIDE = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/;

export function textWidth(text: string): number {
  const measured = canvas()?.measureText(text).width;
  if (typeof measured === "number" && measured > 0) return Math.ceil(measured);
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? 12 : 7;
  return width;
}
