import "./JsonTree.css";

/** Children drawn per object or array; the rest are counted. A payload can be 64 KB of one array. */
const MAX_CHILDREN = 500;
/** Levels open at first. */
const OPEN_DEPTH = 2;

export interface JsonTreeProps {
  value: unknown;
}

/** A parsed JSON value as a collapsible tree (`<details>`): every key and value is a text node. */
export function JsonTree({ value }: JsonTreeProps) {
  return (
    <div class="json-tree" data-testid="json-tree">
      <JsonNode name={null} value={value} depth={0} />
    </div>
  );
}

function JsonNode({ name, value, depth }: { name: string | null; value: unknown; depth: number }) {
  const label = name === null ? null : <span class="json-key">{name}: </span>;
  if (value === null || typeof value !== "object") {
    return (
      <div class="json-leaf">
        {label}
        <span class={`json-${value === null ? "null" : typeof value}`}>{JSON.stringify(value)}</span>
      </div>
    );
  }
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value as Record<string, unknown>);
  const shape = Array.isArray(value) ? `Array(${entries.length})` : `{${entries.length === 0 ? "" : "…"}}`;
  return (
    <details class="json-branch" open={depth < OPEN_DEPTH}>
      <summary>
        {label}
        <span class="json-shape">{shape}</span>
      </summary>
      <div class="json-children">
        {entries.slice(0, MAX_CHILDREN).map(([k, v]) => (
          <JsonNode key={k} name={k} value={v} depth={depth + 1} />
        ))}
        {entries.length > MAX_CHILDREN && <div class="json-more">… {entries.length - MAX_CHILDREN} more</div>}
      </div>
    </details>
  );
}

/** The payload as JSON, or undefined when it is not JSON (only objects and arrays are worth a tree). */
export function parseJsonPayload(text: string): unknown {
  const head = text.trimStart()[0];
  if (head !== "{" && head !== "[") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
