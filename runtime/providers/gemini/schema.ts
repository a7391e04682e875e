/**
 * JSON Schema (OpenAI tool parameters and response formats) to Gemini's `Schema`, a subset of
 * OpenAPI 3.0: keywords Gemini takes are kept, a few are translated, the rest are refused
 * by name (UnsupportedInput), never dropped unseen.
 *
 * | JSON Schema | Gemini |
 * | --- | --- |
 * | `type` (string) | `type` in upper case (`STRING`, `NUMBER`, `INTEGER`, `BOOLEAN`, `ARRAY`, `OBJECT`) |
 * | `type: [T, "null"]`, `anyOf`/`oneOf` with `{type: "null"}`, `enum`/`nullable` with null | `nullable: true` |
 * | `type: [T1, T2]` | `anyOf` of the types (no type-specific keywords beside it) |
 * | no `type` | inferred from `properties` (OBJECT), `items` (ARRAY), string `enum`/`const` (STRING) |
 * | `title`, `description`, `properties`, `required`, `items`, `enum` (strings), `minItems`, `maxItems`, `minLength`, `maxLength`, `minProperties`, `maxProperties`, `minimum`, `maximum`, `pattern`, `default`, `example`, `nullable`, `anyOf`, `propertyOrdering` | kept |
 * | `format` float/double (NUMBER), int32/int64 (INTEGER), enum/date-time (STRING) | kept; any other format is moved into `description` as "(format: x)" |
 * | `oneOf` | `anyOf` (Google documents oneOf "interpreted the same as anyOf" for JSON-schema input) |
 * | `const` (string) | one-value `enum` |
 * | `examples` | `example` (the first) |
 * | `$ref` to `#/$defs/…` or `#/definitions/…` | inlined (siblings of the `$ref` win); recursive refs refused |
 * | `allOf` with one schema | merged into its parent |
 * | `additionalProperties: false` | removed: a Gemini object only ever has its listed properties |
 * | `$schema`, `$id`, `$comment` | removed: they say nothing about values |
 * | anything else (`additionalProperties` ≠ false, `patternProperties`, `allOf` of several, `not`, `if`, `prefixItems`, tuple `items`, `uniqueItems`, `exclusiveMinimum`, `multipleOf`, `const` of non-strings, non-string `enum`s, a lone `type: "null"`, objects without properties below the top, …) | refused, naming the keyword, where it is and whose schema it is |
 * @module
 */
import { isObject, type JsonObject } from '../../openai/types.ts';
import { UnsupportedInput } from '../types.ts';
import { merged } from '../../merged.ts';

const TYPES: Readonly<Record<string, string>> = { string: 'STRING', number: 'NUMBER', integer: 'INTEGER', boolean: 'BOOLEAN', array: 'ARRAY', object: 'OBJECT' };
/** Keywords copied as they are. */
const KEPT = new Set(['title', 'description', 'required', 'minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties', 'minimum', 'maximum', 'pattern', 'default', 'example', 'propertyOrdering']);
/** Keywords that only make sense next to one type (refused beside a list of types). */
const TYPE_SPECIFIC = ['properties', 'required', 'items', 'enum', 'const', 'format', 'minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties', 'minimum', 'maximum', 'pattern', 'propertyOrdering'];
/** Formats Gemini documents per type. */
const FORMATS: Readonly<Record<string, readonly string[]>> = { NUMBER: ['float', 'double'], INTEGER: ['int32', 'int64'], STRING: ['enum', 'date-time'] };
/** Annotations with no meaning for values, removed. */
const REMOVED = new Set(['$schema', '$id', '$comment']);

interface Context {
  /** Whose schema this is, for messages: `tool "get_weather"`. */
  readonly owner: string;
  readonly defs: Readonly<Record<string, unknown>>;
  /** `$ref`s being inlined, to refuse recursion. */
  readonly refs: readonly string[];
}

function refuse(ctx: Context, path: string, what: string): never {
  throw new UnsupportedInput(`${ctx.owner}: ${what} (at ${path === '' ? '/' : path}) has no equivalent in Gemini's schema subset`);
}

function keyword(ctx: Context, path: string, name: string): never {
  return refuse(ctx, path, `the JSON Schema keyword "${name}"`);
}

/** The schema a local `$ref` points to. */
function resolveRef(ref: unknown, ctx: Context, path: string): { name: string; schema: unknown } {
  const m = typeof ref === 'string' ? /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref) : null;
  if (!m) return refuse(ctx, path, `the $ref ${JSON.stringify(ref)} (only "#/$defs/…" and "#/definitions/…" are inlined)`);
  const name = decodeURIComponent(m[2]!.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (!(name in ctx.defs)) return refuse(ctx, path, `the $ref "${ref as string}", which points nowhere`);
  if (ctx.refs.includes(name)) return refuse(ctx, path, `the recursive $ref "${ref as string}"`);
  return { name, schema: ctx.defs[name] };
}

function without(node: JsonObject, ...keys: string[]): JsonObject {
  const out = { ...node };
  for (const k of keys) delete out[k];
  return out;
}

function isNullSchema(s: unknown): boolean {
  return isObject(s) && s.type === 'null' && Object.keys(s).every((k) => k === 'type' || k === 'description' || k === 'title');
}

/** Converts one schema node. */
function convert(node: unknown, ctx: Context, path: string): JsonObject {
  if (!isObject(node)) return refuse(ctx, path, node === true ? 'a schema of `true` (any value)' : 'a schema that is not an object');
  if ('$ref' in node) {
    const { name, schema } = resolveRef(node.$ref, ctx, path);
    if (!isObject(schema)) return refuse(ctx, path, `the $ref "${String(node.$ref)}", which is not an object schema`);
    return convert(merged(schema, without(node, '$ref')), merged(ctx, { refs: [...ctx.refs, name] }), path);
  }
  if ('allOf' in node) {
    const all = node.allOf;
    if (!Array.isArray(all) || all.length !== 1 || !isObject(all[0])) return keyword(ctx, path, 'allOf');
    return convert(merged(all[0], without(node, 'allOf')), ctx, path);
  }
  if ('anyOf' in node && 'oneOf' in node) return keyword(ctx, path, 'oneOf');
  const unionKey = 'anyOf' in node ? 'anyOf' : 'oneOf' in node ? 'oneOf' : null;
  let nullable = node.nullable === true;
  if (unionKey !== null) {
    const members = node[unionKey];
    if (!Array.isArray(members) || members.length === 0) return keyword(ctx, path, unionKey);
    const rest = without(node, unionKey);
    const nonNull = members.filter((m) => !isNullSchema(m));
    nullable ||= nonNull.length < members.length;
    if (nonNull.length === 0) return refuse(ctx, path, 'a schema that only allows null');
    if (nonNull.length === 1 && !('type' in rest)) {
      // `anyOf: [X, {type: null}]` is X, nullable; the parent's own keywords (description…) win.
      const one = convert(merged(nonNull[0] as JsonObject, rest), ctx, path);
      return nullable ? merged(one, { nullable: true }) : one;
    }
    if (rest.type !== undefined && typeof rest.type !== 'string') return keyword(ctx, path, 'type');
    const out = convertKeywords(without(rest, 'type'), typeof rest.type === 'string' ? geminiType(rest.type, ctx, path) : null, ctx, path);
    out.anyOf = nonNull.map((m, i) => convert(m, ctx, `${path}/${unionKey}/${i}`));
    if (nullable) out.nullable = true;
    return out;
  }
  // type: a name, a list of names (with "null" meaning nullable), or inferred.
  let types: string[];
  if (typeof node.type === 'string') types = [node.type];
  else if (Array.isArray(node.type) && node.type.every((t) => typeof t === 'string')) types = node.type as string[];
  else if (node.type === undefined) types = [];
  else return keyword(ctx, path, 'type');
  if (types.includes('null')) {
    nullable = true;
    types = types.filter((t) => t !== 'null');
    if (types.length === 0) return refuse(ctx, path, 'the lone type "null"');
  }
  if (types.length > 1) {
    const specific = TYPE_SPECIFIC.find((k) => k in node);
    if (specific !== undefined) return refuse(ctx, path, `the keyword "${specific}" beside a list of types`);
    const out = convertKeywords(without(node, 'type'), null, ctx, path);
    out.anyOf = types.map((t) => ({ type: geminiType(t, ctx, path) }));
    if (nullable) out.nullable = true;
    return out;
  }
  const type = types[0] ?? inferType(node);
  if (type === null) return refuse(ctx, path, 'a schema without a type (any value)');
  const gType = geminiType(type, ctx, path);
  const out = convertKeywords(without(node, 'type'), gType, ctx, path);
  if (nullable) out.nullable = true;
  if (gType === 'OBJECT' && path !== '' && !(isObject(out.properties) && Object.keys(out.properties).length > 0)) {
    return refuse(ctx, path, 'an object without properties (a free-form object)');
  }
  return out;
}

function geminiType(type: string, ctx: Context, path: string): string {
  return TYPES[type] ?? refuse(ctx, path, `the type "${type}"`);
}

function inferType(node: JsonObject): string | null {
  if (isObject(node.properties)) return 'object';
  if ('items' in node) return 'array';
  if (Array.isArray(node.enum) && node.enum.some((v) => typeof v === 'string')) return 'string';
  if (typeof node.const === 'string') return 'string';
  return null;
}

/** The keywords of one node other than `type` and unions; `type` is the node's Gemini type (null beside a union). */
function convertKeywords(node: JsonObject, type: string | null, ctx: Context, path: string): JsonObject {
  const out: JsonObject = type === null ? {} : { type };
  let formatNote: string | null = null;
  for (const [k, v] of Object.entries(node)) {
    if (KEPT.has(k)) out[k] = v;
    else if (REMOVED.has(k) || (path === '' && (k === '$defs' || k === 'definitions'))) continue;
    else if (k === 'nullable') {
      if (v === true) out.nullable = true;
    } else if (k === 'format') {
      if (typeof v !== 'string') return keyword(ctx, path, 'format');
      if (type !== null && FORMATS[type]?.includes(v)) out.format = v;
      else formatNote = `(format: ${v})`;
    } else if (k === 'enum') {
      if (!Array.isArray(v)) return keyword(ctx, path, 'enum');
      if (v.includes(null)) out.nullable = true;
      const values = v.filter((x) => x !== null);
      if (!values.every((x) => typeof x === 'string')) return refuse(ctx, path, 'an enum of values that are not strings');
      out.enum = values;
    } else if (k === 'const') {
      if (typeof v !== 'string') return refuse(ctx, path, 'a const that is not a string');
      out.enum = [v];
    } else if (k === 'examples') {
      if (!Array.isArray(v) || v.length === 0) return keyword(ctx, path, 'examples');
      if (!('example' in node)) out.example = v[0];
    } else if (k === 'items') {
      if (!isObject(v)) return refuse(ctx, path, 'tuple "items" (a list of schemas)');
      out.items = convert(v, ctx, `${path}/items`);
    } else if (k === 'properties') {
      if (!isObject(v)) return keyword(ctx, path, 'properties');
      out.properties = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, convert(s, ctx, `${path}/properties/${name}`)]));
    } else if (k === 'additionalProperties') {
      if (v !== false) return keyword(ctx, path, 'additionalProperties');
    } else return keyword(ctx, path, k);
  }
  if (formatNote !== null) out.description = typeof out.description === 'string' && out.description !== '' ? `${out.description} ${formatNote}` : formatNote;
  return out;
}

/** Converts a whole JSON Schema; `owner` names it in messages (`tool "get_weather"`). */
export function toGeminiSchema(schema: unknown, owner: string): JsonObject {
  const defs = isObject(schema) ? merged(isObject(schema.definitions) ? schema.definitions : {}, isObject(schema.$defs) ? schema.$defs : {}) : {};
  return convert(schema, { owner, defs, refs: [] }, '');
}

/**
 * A function's `parameters` as a Gemini Schema, or null for a function without parameters
 * (absent, or an object with no properties, which Gemini refuses and documents as "left unset").
 */
export function functionParameters(parameters: unknown, name: string): JsonObject | null {
  if (parameters === undefined || parameters === null) return null;
  const out = toGeminiSchema(parameters, `tool "${name}"`);
  if (out.type !== 'OBJECT') throw new UnsupportedInput(`tool "${name}": parameters must be an object schema`);
  return isObject(out.properties) && Object.keys(out.properties).length > 0 ? out : null;
}
