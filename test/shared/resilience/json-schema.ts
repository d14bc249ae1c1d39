/**
 * A small JSON Schema (draft 2020-12) validator for the subset docs/resilience-report.schema.json uses,
 * so its test needs no dependency (the ajv in node_modules is eslint's 6.x, which knows no 2020-12).
 * A keyword outside the subset is an error, not ignored: the schema cannot quietly say more than this
 * checks.
 */
type Schema = { [keyword: string]: unknown } | boolean;

const ANNOTATIONS = new Set(["$schema", "$id", "title", "description", "$comment", "$defs", "examples"]);
const KEYWORDS = new Set([
  "type",
  "const",
  "enum",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "oneOf",
  "$ref",
]);

function typeOf(x: unknown): string[] {
  if (x === null) return ["null"];
  if (Array.isArray(x)) return ["array"];
  if (typeof x === "number") return Number.isInteger(x) ? ["integer", "number"] : Number.isFinite(x) ? ["number"] : [];
  return [typeof x];
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The places where `value` breaks `schema` (empty: it validates), as `path: what`. */
export function validate(root: Schema, value: unknown): string[] {
  const problems: string[] = [];
  const resolve = (ref: string): Schema => {
    const m = /^#\/\$defs\/([\w-]+)$/.exec(ref);
    const defs = typeof root === "object" ? (root.$defs as Record<string, Schema> | undefined) : undefined;
    const target = m && defs ? defs[m[1]!] : undefined;
    if (target === undefined) throw new Error(`unsupported or unknown $ref ${ref}`);
    return target;
  };

  const check = (schema: Schema, x: unknown, path: string, out: string[]): void => {
    if (schema === true) return;
    if (schema === false) {
      out.push(`${path}: not allowed`);
      return;
    }
    for (const key of Object.keys(schema)) {
      if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key)) throw new Error(`${path}: keyword ${key} is outside the validator's subset`);
    }
    if (typeof schema.$ref === "string") check(resolve(schema.$ref), x, path, out);
    if (schema.type !== undefined) {
      const wanted = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
      if (!wanted.some((t) => typeOf(x).includes(t))) {
        out.push(`${path}: expected ${wanted.join(" or ")}`);
        return;
      }
    }
    if ("const" in schema && !equal(schema.const, x)) out.push(`${path}: expected ${JSON.stringify(schema.const)}`);
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => equal(e, x))) out.push(`${path}: not one of ${JSON.stringify(schema.enum)}`);
    if (typeof x === "number") {
      if (typeof schema.minimum === "number" && x < schema.minimum) out.push(`${path}: below ${schema.minimum}`);
      if (typeof schema.maximum === "number" && x > schema.maximum) out.push(`${path}: above ${schema.maximum}`);
    }
    if (typeof x === "string") {
      // JSON Schema counts code points.
      const length = [...x].length;
      if (typeof schema.minLength === "number" && length < schema.minLength) out.push(`${path}: shorter than ${schema.minLength}`);
      if (typeof schema.maxLength === "number" && length > schema.maxLength) out.push(`${path}: longer than ${schema.maxLength}`);
    }
    if (Array.isArray(x)) {
      if (typeof schema.minItems === "number" && x.length < schema.minItems) out.push(`${path}: fewer than ${schema.minItems} items`);
      if (typeof schema.maxItems === "number" && x.length > schema.maxItems) out.push(`${path}: more than ${schema.maxItems} items`);
      if (schema.items !== undefined) x.forEach((item, i) => check(schema.items as Schema, item, `${path}[${i}]`, out));
    }
    if (typeof x === "object" && x !== null && !Array.isArray(x)) {
      const record = x as Record<string, unknown>;
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      for (const key of (schema.required ?? []) as string[]) if (!(key in record)) out.push(`${path}: missing ${key}`);
      for (const [key, v] of Object.entries(record)) {
        if (key in properties) check(properties[key]!, v, `${path}.${key}`, out);
        else if (schema.additionalProperties === false) out.push(`${path}: unexpected ${key}`);
      }
    }
    if (Array.isArray(schema.oneOf)) {
      const passing = (schema.oneOf as Schema[]).filter((s) => {
        const inner: string[] = [];
        check(s, x, path, inner);
        return inner.length === 0;
      });
      if (passing.length !== 1) out.push(`${path}: matches ${passing.length} of oneOf, not exactly 1`);
    }
  };

  check(root, value, "$", problems);
  return problems;
}
