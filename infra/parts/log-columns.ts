/**
 * The columns of the request log table, derived from one typed description of
 * `RequestRecord` (schema v1): adding a field to the record type without a column here is a
 * type error, so the table cannot silently fall behind the records.
 *
 * Names: Hive (and so Glue and Athena) keeps column and struct field names in lower case.
 * The OpenX JSON SerDe matches JSON keys to columns and struct fields case-insensitively by
 * default (`case.insensitive` is true), so the record's `requestId` fills column `requestid`
 * and `attempts[].errorClass` fills field `errorclass`; queries may spell them either way.
 * Map keys (`metadata`) are data, not names: the original Hive OpenX SerDe lower-cases them
 * while parsing, so match metadata keys in lower case.
 * @module
 */
import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import type { AttemptRecord, LimitDecision, RequestRecord, UsageRecord } from '../../runtime/log/types.ts';

/** A Hive column type: a primitive, or an array, a struct, or a map with string keys. */
export type HiveType =
  | 'string'
  | 'int'
  | 'bigint'
  | 'double'
  | 'boolean'
  | { readonly array: HiveType }
  | { readonly struct: Readonly<Record<string, HiveType>> }
  | { readonly map: HiveType };

/** Exactly one type per key of `T` (optional keys included). */
type FieldsOf<T> = { readonly [K in keyof Required<T>]: HiveType };

function struct<T>(fields: FieldsOf<T>): HiveType {
  return { struct: fields };
}

/** Keys of a record: the type's, plus `truncated`, which the log sink adds when it cut a record's bodies. */
export type RecordKey = keyof Required<RequestRecord> | 'truncated';

/** Hive type of every record key, in record order. Integers in milliseconds and tokens are bigint; USD is double. */
export const RECORD_COLUMNS: { readonly [K in RecordKey]: HiveType } = {
  v: 'int',
  time: 'string',
  requestId: 'string',
  gateway: 'string',
  stage: 'string',
  planHash: 'string',
  endpoint: 'string',
  method: 'string',
  path: 'string',
  route: 'string',
  consumer: 'string',
  clientIp: 'string',
  country: 'string',
  requestedModel: 'string',
  stream: 'boolean',
  attempts: {
    array: struct<AttemptRecord>({ provider: 'string', model: 'string', status: 'int', errorClass: 'string', latencyMs: 'bigint' }),
  },
  provider: 'string',
  model: 'string',
  status: 'int',
  errorCode: 'string',
  cache: 'string',
  limits: {
    array: struct<LimitDecision>({ id: 'string', kind: 'string', decision: 'string', limit: 'double', remaining: 'double' }),
  },
  usage: struct<UsageRecord>({ promptTokens: 'bigint', completionTokens: 'bigint', cachedTokens: 'bigint', reasoningTokens: 'bigint', estimated: 'boolean' }),
  costUsd: 'double',
  latencyMs: 'bigint',
  ttfbMs: 'bigint',
  metadata: { map: 'string' },
  requestBody: 'string',
  responseBody: 'string',
  truncated: 'boolean',
};

/** Column comments shown in the Glue and Athena consoles, where a name alone is not enough. */
const COMMENTS: Partial<Record<RecordKey, string>> = {
  v: 'record schema version',
  time: 'ISO 8601 arrival time (UTC); from_iso8601_timestamp(time) makes it a timestamp',
  planHash: 'sha256 of the Plan that served the request',
  consumer: 'consumer name, never its key; null without auth',
  clientIp: 'as logging.client_ip says: sha256:<16 hex>, the address, or null',
  attempts: 'upstream attempts in order; errorclass null when the attempt succeeded',
  provider: 'provider that answered; null when none did',
  cache: 'HIT, MISS, BYPASS or null',
  limits: 'decision of every limit that applied',
  usage: 'token counts; estimated when the provider reported none',
  costUsd: 'USD at the Plan prices; 0 for cache hits; null when unpriced',
  latencyMs: 'arrival to last byte',
  ttfbMs: 'arrival to first body byte',
  metadata: 'x-sluice-metadata object (keys in lower case)',
  requestBody: 'redacted JSON text; only with logging.bodies',
  responseBody: 'redacted answer text; only with logging.bodies',
  truncated: 'true when the bodies were cut to fit one log record',
};

/** The partition column Firehose writes (`logs/dt=yyyy-MM-dd/`, UTC arrival date at the stream). */
export const PARTITION_COLUMN = 'dt';

/** `string`, `array<struct<provider:string,…>>`, `map<string,string>`: the Glue/Hive type text, names lower-cased. */
export function hiveTypeText(type: HiveType): string {
  if (typeof type === 'string') return type;
  if ('array' in type) return `array<${hiveTypeText(type.array)}>`;
  if ('map' in type) return `map<string,${hiveTypeText(type.map)}>`;
  const fields = Object.entries(type.struct).map(([name, t]) => `${name.toLowerCase()}:${hiveTypeText(t)}`);
  return `struct<${fields.join(',')}>`;
}

/** The table's columns, in record order, as Glue column properties. */
export function logTableColumns(): CfnTable.ColumnProperty[] {
  return (Object.entries(RECORD_COLUMNS) as [RecordKey, HiveType][]).map(([key, type]) => ({
    name: key.toLowerCase(),
    type: hiveTypeText(type),
    ...(COMMENTS[key] !== undefined ? { comment: COMMENTS[key] } : {}),
  }));
}
