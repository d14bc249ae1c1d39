import type { DecodedNode } from "./frame-decoding";
import "./JsonTree.css";

/** The decoder's tree, collapsible. Keys and values come from the payload: text nodes only. */
export function DecodedTree({ node, depth = 0 }: { node: DecodedNode; depth?: number }) {
  const testid = depth === 0 ? "decoded-tree" : undefined;
  const key = node.key === undefined ? null : <span class="json-key">{String(node.key)}: </span>;
  if (node.cut) {
    return (
      <div class="json-leaf json-more" data-testid={testid}>
        {key}… (cut)
      </div>
    );
  }
  if (node.type === "object" || node.type === "array") {
    const children = node.children ?? [];
    return (
      <details class="json-branch" open={depth < 3} data-testid={testid}>
        <summary>
          {key}
          <span class="json-shape">
            {node.type === "array" ? `Array(${children.length})` : "{…}"}
            {node.value !== undefined && node.value !== null ? ` ${String(node.value)}` : ""}
          </span>
        </summary>
        <div class="json-children">
          {children.slice(0, 500).map((child, i) => (
            <DecodedTree key={i} node={child} depth={depth + 1} />
          ))}
        </div>
      </details>
    );
  }
  const text = node.type === "string" ? JSON.stringify(node.value ?? "") : String(node.value);
  return (
    <div class="json-leaf" data-testid={testid}>
      {key}
      <span class={`json-${node.type === "bytes" ? "string" : node.type}`}>{text}</span>
    </div>
  );
}
