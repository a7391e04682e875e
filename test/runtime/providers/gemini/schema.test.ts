/**
 * JSON Schema → Gemini Schema, keyword by keyword: kept, translated, or refused by name
 * (never dropped unseen).
 */
import { describe, expect, it } from 'vitest';
import { functionParameters, toGeminiSchema } from '../../../../runtime/providers/gemini/schema.ts';
import { UnsupportedInput } from '../../../../runtime/providers/types.ts';

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });
const conv = (schema: unknown) => toGeminiSchema(schema, 'tool "t"');

describe('kept', () => {
  it.each([
    ['title', { type: 'string', title: 'City' }, { type: 'STRING', title: 'City' }],
    ['description', { type: 'string', description: 'A city' }, { type: 'STRING', description: 'A city' }],
    ['enum of strings', { type: 'string', enum: ['c', 'f'] }, { type: 'STRING', enum: ['c', 'f'] }],
    ['minLength/maxLength/pattern', { type: 'string', minLength: 1, maxLength: 5, pattern: '^a' }, { type: 'STRING', minLength: 1, maxLength: 5, pattern: '^a' }],
    ['minimum/maximum', { type: 'integer', minimum: 0, maximum: 9 }, { type: 'INTEGER', minimum: 0, maximum: 9 }],
    ['minItems/maxItems/items', { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 3 }, { type: 'ARRAY', items: { type: 'NUMBER' }, minItems: 1, maxItems: 3 }],
    ['boolean', { type: 'boolean', default: true, example: false }, { type: 'BOOLEAN', default: true, example: false }],
    ['nullable', { type: 'string', nullable: true }, { type: 'STRING', nullable: true }],
    ['documented formats', { type: 'number', format: 'double' }, { type: 'NUMBER', format: 'double' }],
    ['date-time', { type: 'string', format: 'date-time' }, { type: 'STRING', format: 'date-time' }],
    ['int64', { type: 'integer', format: 'int64' }, { type: 'INTEGER', format: 'int64' }],
  ])('%s', (_name, schema, want) => {
    expect(conv(schema)).toEqual(want);
  });

  it('properties, required, minProperties/maxProperties and propertyOrdering on objects', () => {
    expect(conv(obj({ a: { type: 'string' }, b: { type: 'integer' } }, { required: ['a'], minProperties: 1, maxProperties: 2, propertyOrdering: ['b', 'a'] }))).toEqual({
      type: 'OBJECT',
      properties: { a: { type: 'STRING' }, b: { type: 'INTEGER' } },
      required: ['a'],
      minProperties: 1,
      maxProperties: 2,
      propertyOrdering: ['b', 'a'],
    });
  });

  it('anyOf, recursively', () => {
    expect(conv({ anyOf: [{ type: 'string' }, obj({ x: { type: 'number' } })], description: 'd' })).toEqual({
      description: 'd',
      anyOf: [{ type: 'STRING' }, { type: 'OBJECT', properties: { x: { type: 'NUMBER' } } }],
    });
  });
});

describe('translated', () => {
  it.each([
    ['type [T, "null"] → nullable', { type: ['string', 'null'] }, { type: 'STRING', nullable: true }],
    ['anyOf [T, null] → T nullable, the parent’s description kept', { anyOf: [{ type: 'integer' }, { type: 'null' }], description: 'n' }, { type: 'INTEGER', description: 'n', nullable: true }],
    ['enum with null → nullable', { type: 'string', enum: ['a', null] }, { type: 'STRING', enum: ['a'], nullable: true }],
    ['type [T1, T2] → anyOf', { type: ['string', 'integer'], description: 'id' }, { description: 'id', anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }] }],
    ['oneOf → anyOf', { oneOf: [{ type: 'string' }, { type: 'number' }] }, { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] }],
    ['const (string) → one-value enum', { const: 'on' }, { type: 'STRING', enum: ['on'] }],
    ['examples → example (the first)', { type: 'string', examples: ['Oslo', 'Bergen'] }, { type: 'STRING', example: 'Oslo' }],
    ['other formats → description', { type: 'string', format: 'email', description: 'Mail' }, { type: 'STRING', description: 'Mail (format: email)' }],
    ['format without description', { type: 'string', format: 'uuid' }, { type: 'STRING', description: '(format: uuid)' }],
    ['type inferred from properties', { properties: { a: { type: 'string' } } }, { type: 'OBJECT', properties: { a: { type: 'STRING' } } }],
    ['type inferred from items', { items: { type: 'string' } }, { type: 'ARRAY', items: { type: 'STRING' } }],
    ['type inferred from a string enum', { enum: ['x', 'y'] }, { type: 'STRING', enum: ['x', 'y'] }],
    ['allOf with one schema → merged', { allOf: [{ type: 'string' }], description: 'd' }, { type: 'STRING', description: 'd' }],
    ['additionalProperties: false → removed', obj({ a: { type: 'string' } }, { additionalProperties: false }), { type: 'OBJECT', properties: { a: { type: 'STRING' } } }],
    ['$schema, $id, $comment → removed', { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: 'x', $comment: 'c', type: 'string' }, { type: 'STRING' }],
  ])('%s', (_name, schema, want) => {
    expect(conv(schema)).toEqual(want);
  });

  it('$ref into $defs and definitions is inlined; siblings of the $ref win', () => {
    const schema = {
      type: 'object',
      properties: { home: { $ref: '#/$defs/Address', description: 'Home' }, work: { $ref: '#/definitions/Address' } },
      $defs: { Address: obj({ city: { type: 'string' } }, { description: 'An address' }) },
      definitions: { Address: obj({ city: { type: 'string' } }) },
    };
    expect(conv(schema)).toEqual({
      type: 'OBJECT',
      properties: {
        home: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, description: 'Home' },
        work: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, description: 'An address' },
      },
    });
  });

  it('pydantic’s nullable reference (anyOf [$ref, null]) becomes the referenced object, nullable', () => {
    const schema = obj({ pet: { anyOf: [{ $ref: '#/$defs/Pet' }, { type: 'null' }], default: null } }, { $defs: { Pet: obj({ name: { type: 'string' } }) } });
    expect(conv(schema).properties).toEqual({ pet: { type: 'OBJECT', properties: { name: { type: 'STRING' } }, default: null, nullable: true } });
  });
});

describe('reported, naming the keyword, the place and the schema', () => {
  it.each([
    ['patternProperties', obj({ a: { type: 'string' } }, { patternProperties: { '^x': { type: 'string' } } }), /keyword "patternProperties" \(at \/\)/],
    ['additionalProperties with a schema', obj({ a: { type: 'string' } }, { additionalProperties: { type: 'string' } }), /"additionalProperties"/],
    ['additionalProperties: true', obj({ a: { type: 'string' } }, { additionalProperties: true }), /"additionalProperties"/],
    ['allOf of several', { allOf: [{ type: 'string' }, { minLength: 1 }] }, /"allOf"/],
    ['not', { type: 'string', not: { enum: ['x'] } }, /"not"/],
    ['if/then', { type: 'string', if: { minLength: 1 }, then: {} }, /"if"/],
    ['uniqueItems', { type: 'array', items: { type: 'string' }, uniqueItems: true }, /"uniqueItems"/],
    ['exclusiveMinimum', { type: 'number', exclusiveMinimum: 0 }, /"exclusiveMinimum"/],
    ['multipleOf', { type: 'number', multipleOf: 2 }, /"multipleOf"/],
    ['prefixItems', { type: 'array', prefixItems: [{ type: 'string' }] }, /"prefixItems"/],
    ['tuple items', { type: 'array', items: [{ type: 'string' }] }, /tuple "items"/],
    ['a non-string enum', { type: 'integer', enum: [1, 2] }, /enum of values that are not strings/],
    ['a non-string const', { type: 'integer', const: 3 }, /const that is not a string/],
    ['the lone type null', { type: 'null' }, /lone type "null"/],
    ['a schema without a type', { description: 'anything' }, /without a type/],
    ['a nested free-form object', obj({ meta: { type: 'object' } }), /object without properties \(a free-form object\) \(at \/properties\/meta\)/],
    ['a recursive $ref', obj({ next: { $ref: '#/$defs/Node' } }, { $defs: { Node: obj({ next: { $ref: '#/$defs/Node' } }) } }), /recursive \$ref "#\/\$defs\/Node"/],
    ['a $ref that points nowhere', obj({ a: { $ref: '#/$defs/Missing' } }), /points nowhere/],
    ['a remote $ref', obj({ a: { $ref: 'https://example.com/s.json' } }), /only "#\/\$defs\/…"/],
    ['type list with type-specific keywords', { type: ['string', 'integer'], minimum: 1 }, /"minimum" beside a list of types/],
    ['an unknown type', { type: 'date' }, /the type "date"/],
    ['nested $defs', obj({ a: obj({ b: { type: 'string' } }, { $defs: {} }) }), /"\$defs" \(at \/properties\/a\)/],
  ])('%s', (_name, schema, message) => {
    expect(() => conv(schema)).toThrow(UnsupportedInput);
    expect(() => conv(schema)).toThrow(message);
    expect(() => conv(schema)).toThrow(/^tool "t": /);
  });
});

describe('function parameters', () => {
  it('an absent or property-less parameters object is left unset (Gemini refuses an empty OBJECT)', () => {
    expect(functionParameters(undefined, 'f')).toBeNull();
    expect(functionParameters({ type: 'object', properties: {} }, 'f')).toBeNull();
    expect(functionParameters({ type: 'object' }, 'f')).toBeNull();
  });

  it('parameters must describe an object', () => {
    expect(() => functionParameters({ type: 'string' }, 'f')).toThrow('tool "f": parameters must be an object schema');
  });
});
