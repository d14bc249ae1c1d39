/** A frame's payload as a command carries it: text as is; bytes as base64 (the page world decodes it into a binary frame). */
export function encoded(data: string | Uint8Array): { data: string; encoding: "text" | "base64" } {
  if (typeof data === "string") return { data, encoding: "text" };
  return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64"), encoding: "base64" };
}
