/**
 * The JSON Schema of gateway.yaml, as a value (bundled along with the code that needs it).
 * @module
 */
import schema from '../../schema/gateway.schema.json' with { type: 'json' };

type SchemaObject = Record<string, unknown>;

/** The JSON Schema of gateway.yaml. */
export const SCHEMA = schema as unknown as SchemaObject & { $id: string; $defs: Record<string, SchemaObject> };
