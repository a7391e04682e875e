/**
 * Validates a parsed spec against schema/gateway.schema.json with ajv (JSON Schema
 * 2020-12, strict) and turns ajv's error objects into findings a person can act on.
 * @module
 */
import type { ErrorObject } from 'ajv';
import type { DiagnosticCode } from '../diagnostics/catalog.ts';
import type { Finding, SpecPath } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../suggest.ts';
import validate from './generated/gateway-validator.js';
import { SCHEMA } from './schema-source.ts';

export { SCHEMA } from './schema-source.ts';

type AjvError = ErrorObject<string, Record<string, unknown>, unknown>;

/**
 * Definition names by the JSON text of the definition: the generated validator carries its
 * own copies of the schema, so errors are matched to definitions by content, not identity.
 */
const DEF_NAMES = new Map<string, string>(Object.entries(SCHEMA.$defs).map(([name, def]) => [JSON.stringify(def), name]));

function defName(schema: unknown): string | undefined {
  return typeof schema === 'object' && schema !== null ? DEF_NAMES.get(JSON.stringify(schema)) : undefined;
}

/** Keys of the other strategy-node kinds, offered as suggestions inside a target node. */
const NODE_KEYS = ['target', 'params', 'timeout', 'weight', 'fallback', 'on', 'loadbalance', 'sticky', 'conditional', 'default', 'route'];

/** Keys that exclude each other inside one limit. */
const LIMIT_KINDS = ['requests', 'tokens', 'budget_usd', 'concurrent'];

/** Pattern failures, mapped by the schema definition that failed. */
const PATTERN_CODES: Record<string, { code: DiagnosticCode; expect: string }> = {
  name: { code: 'invalid-name', expect: 'lower-case letters, digits and dashes, starting with a letter' },
  duration: { code: 'invalid-duration', expect: 'a whole number and a unit (ms, s, m, h, d), like 30s' },
  window: { code: 'invalid-window', expect: 'a duration like 1m or 1h, or day, week or month' },
  target: { code: 'invalid-target', expect: '<provider>/<model>, like openai/gpt-4o-mini' },
  secretRef: { code: 'invalid-secret-ref', expect: 'a Secrets Manager secret name or a full secret ARN' },
  httpsUrl: { code: 'invalid-url', expect: 'an http(s) URL without query, fragment or trailing slash' },
  httpsEndpoint: { code: 'invalid-url', expect: 'an https:// URL without fragment' },
  email: { code: 'invalid-format', expect: 'an email address like oncall@example.com' },
  alertPercent: { code: 'invalid-percent', expect: 'a percentage above 0 and at most 100 like 5% or 0.5%, or off' },
  alertLatency: { code: 'invalid-duration', expect: 'a duration like 30s or 2m, or off' },
  alertPeriod: { code: 'invalid-duration', expect: 'whole minutes or hours, like 5m or 1h' },
};

/** Validates `value`; returns findings (empty when valid). */
export function validateSchema(value: unknown): Finding[] {
  if (validate(value)) return [];
  const errors = (validate.errors ?? []) as AjvError[];
  const grouped = branchesOfAlternatives(errors);
  const findings: Finding[] = [];
  for (const e of errors) {
    if (e.keyword === 'required' && grouped.has(e.parentSchema)) continue;
    const f = toFinding(e, value);
    if (f) findings.push(f);
  }
  return findings.filter((f) => !explainedByUnknownKey(f, findings));
}

/**
 * A missing key next to a misspelled one is the same mistake told twice: keep only the
 * unknown-key finding (it carries the suggestion). In a strategy node any unknown key
 * explains the missing `target`, because the node's kind could not be recognized.
 */
function explainedByUnknownKey(f: Finding, all: readonly Finding[]): boolean {
  if (f.code !== 'missing-key') return false;
  const missing = /"([^"]+)"/.exec(f.message)?.[1];
  const samePlace = (u: Finding): boolean => u.code === 'unknown-key' && u.path.length === f.path.length + 1 && f.path.every((s, i) => u.path[i] === s);
  return all.some((u) => samePlace(u) && (missing === 'target' || u.message.includes(`did you mean "${missing}"`)));
}

/** Branch schemas of failed anyOf/oneOf keywords: their `required` errors are summarized once. */
function branchesOfAlternatives(errors: readonly AjvError[]): Set<unknown> {
  const set = new Set<unknown>();
  for (const e of errors) {
    if ((e.keyword === 'anyOf' || e.keyword === 'oneOf') && Array.isArray(e.schema)) {
      for (const branch of e.schema) if (isRequiredOnly(branch)) set.add(branch);
    }
  }
  return set;
}

function isRequiredOnly(branch: unknown): branch is { required: string[] } {
  return typeof branch === 'object' && branch !== null && Object.keys(branch).join() === 'required';
}

function toFinding(e: AjvError, root: unknown): Finding | undefined {
  const path = toPath(e.instancePath, root);
  const def = defName(e.parentSchema);
  const atProperty = e.propertyName === undefined ? path : [...path, e.propertyName];
  switch (e.keyword) {
    case 'if':
    case 'propertyNames':
      return undefined;
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return unknownKey(e, path, def);
    case 'required':
      return { code: 'missing-key', message: `missing required key "${String(e.params.missingProperty)}"`, path, atKey: true };
    case 'anyOf':
    case 'oneOf':
      return alternatives(e, path, def);
    case 'false schema':
      return conflicting(path, root);
    case 'type':
      return wrongType(e, path, def);
    case 'enum':
      return badEnum(e, path);
    case 'const':
      return { code: 'invalid-value', message: `must be ${JSON.stringify(e.params.allowedValue)}`, path };
    case 'pattern':
      return badPattern(e, atProperty, def, e.propertyName !== undefined);
    case 'uniqueItems':
      return duplicateItem(e, path);
    case 'discriminator':
      return badDiscriminator(e, path);
    default:
      return outOfRange(e, path);
  }
}

function unknownKey(e: AjvError, path: SpecPath, def: string | undefined): Finding {
  const key = String(e.params.additionalProperty ?? e.params.unevaluatedProperty);
  const known = knownKeys(e.parentSchema, def);
  const hint = didYouMean(key, known);
  const list = known.length > 0 && known.length <= 14 ? `; expected one of: ${known.join(', ')}` : '';
  return { code: 'unknown-key', message: `unknown key "${key}"${hint || list}`, path: [...path, key], atKey: true };
}

function knownKeys(parent: unknown, def: string | undefined): string[] {
  const keys = new Set<string>(Object.keys(propertiesOf(parent)));
  for (const sub of asArray(asObject(parent).allOf)) {
    for (const k of Object.keys(propertiesOf(resolveRef(sub)))) keys.add(k);
  }
  if (def === 'targetNode') for (const k of NODE_KEYS) keys.add(k);
  return [...keys];
}

function alternatives(e: AjvError, path: SpecPath, def: string | undefined): Finding {
  const branches = Array.isArray(e.schema) ? e.schema : [];
  const keys = branches.filter(isRequiredOnly).map((b) => b.required.join(' and '));
  if (Array.isArray(e.params.passingSchemas)) {
    return { code: 'conflicting-keys', message: `use only one of: ${keys.join(', ')}`, path };
  }
  if (keys.length === branches.length && keys.length > 0) {
    const what = def === 'limit' ? 'a limit needs one of' : 'needs one of';
    return { code: 'one-of-required', message: `${what}: ${keys.join(', ')}`, path };
  }
  return { code: 'wrong-type', message: 'does not match any allowed form', path };
}

function conflicting(path: SpecPath, root: unknown): Finding | undefined {
  const key = String(path[path.length - 1]);
  const parent = asObject(valueAt(root, path.slice(0, -1)));
  if (key === 'window' || key === 'algorithm') {
    return { code: 'conflicting-keys', message: `"${key}" does not apply to a concurrent limit`, path, atKey: true };
  }
  const others = LIMIT_KINDS.filter((k) => k !== key && k in parent);
  const earlier = LIMIT_KINDS.slice(0, LIMIT_KINDS.indexOf(key)).filter((k) => k in parent);
  if (earlier.length === 0) return undefined;
  return {
    code: 'conflicting-keys',
    message: `"${key}" cannot be combined with "${others.join('", "')}": a limit has exactly one of ${LIMIT_KINDS.join(', ')}`,
    path,
    atKey: true,
  };
}

function wrongType(e: AjvError, path: SpecPath, def: string | undefined): Finding {
  if (def === 'credential') {
    return {
      code: 'secret-literal',
      message: 'credentials are references, never values: write { secret: <Secrets Manager name or ARN> } or { env: <VARIABLE> }',
      path,
      sensitive: true,
    };
  }
  if (def === 'nodeObject' || def === 'targetNode') {
    return {
      code: 'wrong-type',
      message: 'a strategy node is a "<provider>/<model>" string or a mapping with target, fallback, loadbalance, conditional or route',
      path,
    };
  }
  const known = def === undefined ? undefined : PATTERN_CODES[def];
  if (known) return { code: known.code, message: `expected ${known.expect}, found ${describe(e.data)}`, path };
  return { code: 'wrong-type', message: `expected ${article(String(e.params.type))}, found ${describe(e.data)}`, path };
}

function badEnum(e: AjvError, path: SpecPath): Finding {
  const allowed = asArray(e.params.allowedValues).map((v) => String(v));
  const shown = typeof e.data === 'string' && e.data.length <= 40 ? `"${e.data}"` : describe(e.data);
  const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : '';
  return { code: 'invalid-value', message: `${shown} is not allowed; expected one of: ${allowed.join(', ')}${hint}`, path };
}

function badPattern(e: AjvError, path: SpecPath, def: string | undefined, isKey: boolean): Finding {
  const known = def === undefined ? undefined : PATTERN_CODES[def];
  const sensitive = path.some((s) => s === 'api_key' || s === 'keys');
  const shown = !sensitive && typeof e.data === 'string' && e.data.length <= 64 ? `"${e.data}" ` : '';
  const expect = known?.expect ?? (typeof asObject(e.parentSchema).description === 'string' ? describeExpectation(e) : `the pattern ${String(e.params.pattern)}`);
  const what = isKey ? 'name' : 'value';
  return {
    code: known?.code ?? 'invalid-format',
    message: `${shown ? `${shown}is not a valid ${what}` : `invalid ${what}`}: expected ${expect}`,
    path,
    atKey: isKey,
    ...(sensitive ? { sensitive: true } : {}),
  };
}

function describeExpectation(e: AjvError): string {
  const desc = String(asObject(e.parentSchema).description);
  return desc.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase());
}

function duplicateItem(e: AjvError, path: SpecPath): Finding {
  const [first, second] = [Number(e.params.i), Number(e.params.j)].sort((a, b) => a - b) as [number, number];
  const item = Array.isArray(e.data) ? e.data[second] : undefined;
  const what = typeof item === 'string' && item.length <= 64 ? `"${item}"` : `item ${second + 1}`;
  return { code: 'duplicate-item', message: `${what} is listed twice (items ${first + 1} and ${second + 1})`, path: [...path, second] };
}

function badDiscriminator(e: AjvError, path: SpecPath): Finding | undefined {
  if (e.params.error !== 'mapping') return undefined;
  const value = String(e.params.tagValue);
  const types = ['openai', 'openai-compatible', 'azure-openai', 'anthropic', 'bedrock', 'gemini', 'mock'];
  const shown = value.length <= 40 ? `"${value}"` : 'this type';
  return {
    code: 'unknown-provider-type',
    message: `unknown provider type ${shown}${didYouMean(value, types) || `; expected one of: ${types.join(', ')}`}`,
    path: [...path, 'type'],
  };
}

function outOfRange(e: AjvError, path: SpecPath): Finding {
  const limit = e.params.limit;
  const found = typeof e.data === 'number' ? ` (found ${e.data})` : '';
  const messages: Record<string, string> = {
    minimum: `must be at least ${String(limit)}${found}`,
    maximum: `must be at most ${String(limit)}${found}`,
    exclusiveMinimum: `must be more than ${String(limit)}${found}`,
    exclusiveMaximum: `must be less than ${String(limit)}${found}`,
    minItems: `needs at least ${String(limit)} item${limit === 1 ? '' : 's'}`,
    maxItems: `allows at most ${String(limit)} item${limit === 1 ? '' : 's'}`,
    minLength: `must be at least ${String(limit)} character${limit === 1 ? '' : 's'} long`,
    maxLength: `must be at most ${String(limit)} characters long`,
    minProperties: `needs at least ${String(limit)} entr${limit === 1 ? 'y' : 'ies'}`,
    maxProperties: `allows at most ${String(limit)} entr${limit === 1 ? 'y' : 'ies'}`,
  };
  return { code: 'out-of-range', message: messages[e.keyword] ?? (e.message ?? 'is out of range'), path };
}

/** Converts an ajv JSON pointer into a path whose array indexes are numbers. */
function toPath(pointer: string, root: unknown): SpecPath {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const isIndex = Array.isArray(node) && /^\d+$/.test(seg);
    path.push(isIndex ? Number(seg) : seg);
    node = isIndex ? (node as unknown[])[Number(seg)] : asObject(node)[seg];
  }
  return path;
}

function valueAt(root: unknown, path: SpecPath): unknown {
  let node = root;
  for (const seg of path) node = Array.isArray(node) ? node[Number(seg)] : asObject(node)[String(seg)];
  return node;
}

function resolveRef(schema: unknown): unknown {
  const ref = asObject(schema).$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return schema;
  return SCHEMA.$defs[ref.slice('#/$defs/'.length)];
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  return asObject(asObject(schema).properties);
}

function asObject(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false' };
  return names[type] ?? type;
}

/** Describes a value's type without echoing it (it could be a secret). */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a whole number' : 'a number';
  if (typeof v === 'boolean') return 'true/false';
  return 'a string';
}
