/**
 * The JSON Schema itself: every property is described, every example validates against
 * the schema it illustrates, the `default` annotations match the compiler's defaults, and
 * the examples carry the editor modeline.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import * as D from '../../compiler/normalize/defaults.ts';
import { generateValidatorSource } from '../../compiler/validate/generate.ts';
import { SCHEMA } from '../../compiler/validate/schema.ts';

type Obj = Record<string, unknown>;
const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;
const root = join(import.meta.dirname, '..', '..');

/** Every subschema with its JSON pointer. */
function* walk(node: unknown, pointer: string): Generator<[string, Obj]> {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const [i, v] of node.entries()) yield* walk(v, `${pointer}/${i}`);
    return;
  }
  const obj = node as Obj;
  yield [pointer, obj];
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'examples' || k === 'default' || k === 'enum' || k === 'const') continue;
    yield* walk(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  }
}

function resolve(pointer: string): Obj {
  let node: unknown = SCHEMA;
  for (const seg of pointer.split('/').slice(1)) node = (node as Obj)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node as Obj;
}

describe('gateway.schema.json', () => {
  it('describes every property', () => {
    const undocumented: string[] = [];
    for (const [pointer, obj] of walk(SCHEMA, '#')) {
      for (const [name, prop] of Object.entries((obj.properties ?? {}) as Record<string, Obj | boolean>)) {
        if (typeof prop === 'boolean') continue; // `false`: a constraint (key not allowed), not a property
        const target = typeof prop.$ref === 'string' ? resolve(prop.$ref.slice(1)) : prop;
        if (typeof prop.description !== 'string' && typeof target.description !== 'string') undocumented.push(`${pointer}/properties/${name}`);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('every example validates against the schema it belongs to', () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, discriminator: true, allErrors: true });
    ajv.addSchema(SCHEMA);
    const failures: string[] = [];
    let count = 0;
    for (const [pointer, obj] of walk(SCHEMA, '#')) {
      if (!Array.isArray(obj.examples) || pointer === '#') continue;
      const validate = ajv.compile({ $ref: `${String(SCHEMA.$id)}${pointer}` });
      for (const example of obj.examples) {
        count++;
        if (!validate(example)) failures.push(`${pointer}: ${JSON.stringify(example)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(40);
  });

  it('documents the same defaults the compiler applies', () => {
    const defs = SCHEMA.$defs as Record<string, { properties: Record<string, Obj> }>;
    const dflt = (def: string, prop: string): unknown => defs[def]!.properties[prop]!.default;
    const pairs: [unknown, unknown][] = [
      [dflt('runtime', 'memory_mb'), D.RUNTIME_DEFAULTS.memory_mb],
      [dflt('runtime', 'log_retention_days'), D.RUNTIME_DEFAULTS.log_retention_days],
      [dflt('runtime', 'store_timeout'), D.RUNTIME_DEFAULTS.store_timeout],
      [dflt('routeDefaults', 'timeout'), D.ROUTE_DEFAULTS.timeout],
      [dflt('routeDefaults', 'first_token_timeout'), D.ROUTE_DEFAULTS.first_token_timeout],
      [dflt('routeDefaults', 'deadline'), D.ROUTE_DEFAULTS.deadline],
      [dflt('routeDefaults', 'fallback_on'), D.ROUTE_DEFAULTS.fallback_on],
      [dflt('retry', 'attempts'), D.ROUTE_DEFAULTS.retry.attempts],
      [dflt('retry', 'on'), D.ROUTE_DEFAULTS.retry.on],
      [(defs.retry!.properties.backoff!.properties as Record<string, Obj>).initial!.default, D.ROUTE_DEFAULTS.retry.backoff.initial],
      [(defs.retry!.properties.backoff!.properties as Record<string, Obj>).max!.default, D.ROUTE_DEFAULTS.retry.backoff.max],
      [(defs.retry!.properties.backoff!.properties as Record<string, Obj>).multiplier!.default, D.ROUTE_DEFAULTS.retry.backoff.multiplier],
      [dflt('cacheSettings', 'enabled'), D.CACHE_DEFAULTS.enabled],
      [dflt('cacheSettings', 'ttl'), D.CACHE_DEFAULTS.ttl],
      [dflt('cacheSettings', 'scope'), D.CACHE_DEFAULTS.scope],
      [dflt('cacheSettings', 'streaming'), D.CACHE_DEFAULTS.streaming],
      [dflt('cacheSettings', 'max_entry_kb'), D.CACHE_DEFAULTS.max_entry_kb],
      [dflt('logging', 'bodies'), D.LOGGING_DEFAULTS.bodies],
      [dflt('logging', 'retention_days'), D.LOGGING_DEFAULTS.retention_days],
      [dflt('logging', 'client_ip'), D.LOGGING_DEFAULTS.client_ip],
      [dflt('logging', 'metadata'), D.LOGGING_DEFAULTS.metadata],
      [dflt('alerts', 'enabled'), D.ALERT_DEFAULTS.enabled],
      [dflt('alerts', 'server_error_rate'), D.ALERT_DEFAULTS.server_error_rate],
      [dflt('alerts', 'p99_latency'), D.ALERT_DEFAULTS.p99_latency],
      [dflt('alerts', 'provider_error_rate'), D.ALERT_DEFAULTS.provider_error_rate],
      [dflt('alerts', 'budget_used'), D.ALERT_DEFAULTS.budget_used],
      [dflt('alerts', 'dropped_log_records'), D.ALERT_DEFAULTS.dropped_log_records],
      [dflt('alerts', 'period'), D.ALERT_DEFAULTS.period],
      [dflt('alerts', 'evaluation_periods'), D.ALERT_DEFAULTS.evaluation_periods],
      [dflt('edge', 'price_class'), D.EDGE_DEFAULTS.price_class],
      [dflt('edge', 'origin_read_timeout'), D.EDGE_DEFAULTS.origin_read_timeout],
      [(defs.edge!.properties.waf!.properties as Record<string, Obj>).rate_limit!.default, D.EDGE_DEFAULTS.waf.rate_limit],
      [dflt('guardrails', 'max_request_kb'), D.GUARDRAIL_DEFAULTS.max_request_kb],
      [dflt('guardrails', 'pii'), D.GUARDRAIL_DEFAULTS.pii],
      [dflt('guardrails', 'prompt_injection'), D.GUARDRAIL_DEFAULTS.prompt_injection],
      [dflt('providerOpenai', 'base_url'), D.PROVIDER_DEFAULTS.openaiBaseUrl],
      [dflt('providerAnthropic', 'base_url'), D.PROVIDER_DEFAULTS.anthropicBaseUrl],
      [dflt('providerAnthropic', 'version'), D.PROVIDER_DEFAULTS.anthropicVersion],
      [dflt('providerAnthropic', 'default_max_tokens'), D.PROVIDER_DEFAULTS.anthropicMaxTokens],
      [dflt('providerGemini', 'base_url'), D.PROVIDER_DEFAULTS.geminiBaseUrl],
      [dflt('providerMock', 'latency'), D.PROVIDER_DEFAULTS.mockLatency],
      [dflt('providerMock', 'chunk_delay'), D.PROVIDER_DEFAULTS.mockChunkDelay],
    ];
    for (const [schemaDefault, compilerDefault] of pairs) expect(schemaDefault).toEqual(compilerDefault);
  });

  it('the committed standalone validator is generated from this schema (npm run gen)', () => {
    const committed = readFileSync(join(root, 'compiler', 'validate', 'generated', 'gateway-validator.js'), 'utf8');
    expect(committed === generateValidatorSource()).toBe(true);
  });

  it('examples point editors at the schema', () => {
    for (const name of ['quickstart', 'multi-provider']) {
      const first = readFileSync(join(root, 'examples', `${name}.yaml`), 'utf8').split('\n')[0];
      expect(first).toBe('# yaml-language-server: $schema=../schema/gateway.schema.json');
    }
  });
});
