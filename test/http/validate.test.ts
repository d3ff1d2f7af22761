import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError } from '../../src/http/error-format.ts';
import { pformat, pyJsonDumps, pyRepr } from '../../src/http/py-format.ts';
import { check, isUuidLike, parseJson, uuidLike } from '../../src/http/validate.ts';

const schema = z.strictObject({
  name: z.string().min(1).max(5).regex(/^[A-Z0-9_]+$/).optional(),
  total: z.number().int().min(1).max(2147483647),
  uuid: uuidLike.optional(),
  parent: z.union([uuidLike, z.null()]).optional(),
  list: z.array(z.string()).min(1).optional(),
  by_class: z.record(z.string().regex(/^[A-Z0-9_]+$/), z.number().int()).optional(),
});

const message = (data: unknown): string => {
  try {
    check(schema, data, 'JSON does not validate: ');
  } catch (e) {
    return (e as HttpError).detail;
  }
  return 'ok';
};

describe('jsonschema-style messages', () => {
  const table: [unknown, string][] = [
    [{}, "JSON does not validate: 'total' is a required property\n\nFailed validating 'required' in schema:"],
    [{ total: 0 }, "JSON does not validate: 0 is less than the minimum of 1\n\nFailed validating 'minimum' in schema['properties']['total']:"],
    [{ total: 2147483648 }, '2147483648 is greater than the maximum of 2147483647'],
    [{ total: 'abc' }, "'abc' is not of type 'integer'"],
    [{ total: 1.5 }, "1.5 is not of type 'integer'"],
    [{ total: true }, "True is not of type 'integer'"],
    [{ total: 1, foo: 1 }, "Additional properties are not allowed ('foo' was unexpected)"],
    [{ total: 1, foo: 1, bar: 2 }, "Additional properties are not allowed ('foo', 'bar' were unexpected)"],
    [{ total: 1, name: 'x' }, "'x' does not match '^[A-Z0-9_]+$'"],
    [{ total: 1, name: 'ABCDEF' }, "'ABCDEF' is too long"],
    [{ total: 1, name: '' }, "'' is too short"],
    [{ total: 1, list: [] }, '[] is too short'],
    [{ total: 1, uuid: 'nope' }, "'nope' is not a 'uuid'"],
    [{ total: 1, parent: 5 }, '5 is not valid under any of the given schemas'],
    [{ total: 1, by_class: { bad: 1 } }, "'bad' does not match any of the regexes: '^[A-Z0-9_]+$'"],
    [{ total: 1, by_class: { VCPU: 'x' } }, "Failed validating 'type' in schema['properties']['by_class']['patternProperties']['^[A-Z0-9_]+$']:"],
    [[], "[] is not of type 'object'"],
  ];
  it.each(table)('%j', (data, expected) => {
    expect(message(data)).toContain(expected);
  });

  it('prefers the shallowest error: a missing property over a bad nested one', () => {
    expect(message({ name: 'x' })).toContain("'total' is a required property");
  });

  it('accepts the loose uuid forms Placement accepts', () => {
    expect(isUuidLike('2290d4af9e6e400b9d651ee01376f71a')).toBe(true);
    expect(isUuidLike('{2290D4AF-9E6E-400B-9D65-1EE01376F71A}')).toBe(true);
    expect(isUuidLike('2290d4af-9e6e-400b-9d65-1ee01376f71')).toBe(false);
  });
});

describe('Python text forms', () => {
  it('repr', () => {
    expect(pyRepr({ b: [1, 'x', null, false], a: "it's" })).toBe('{\'a\': "it\'s", \'b\': [1, \'x\', None, False]}');
  });
  it('json.dumps', () => {
    expect(pyJsonDumps({ a: [1, 2], s: '☃' })).toBe('{"a": [1, 2], "s": "\\u2603"}');
  });
  it('pformat wraps like pprint at width 72', () => {
    expect(pformat({ properties: { name: { maxLength: 200, type: 'string' }, uuid: { format: 'uuid', type: 'string' } },
      required: ['name'], type: 'object', additionalProperties: false }))
      .toBe("{'additionalProperties': False,\n 'properties': {'name': {'maxLength': 200, 'type': 'string'},\n" +
        "                'uuid': {'format': 'uuid', 'type': 'string'}},\n 'required': ['name'],\n 'type': 'object'}");
  });
});

describe('Malformed JSON text, as Python json.loads words it', () => {
  const table: [string, string][] = [
    ['', 'Expecting value: line 1 column 1 (char 0)'],
    ['{"foo": }', 'Expecting value: line 1 column 9 (char 8)'],
    ['{foo: 1}', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
    ['[1, 2', "Expecting ',' delimiter: line 1 column 6 (char 5)"],
    ['"abc', 'Unterminated string starting at: line 1 column 1 (char 0)'],
    ['1 2', 'Extra data: line 1 column 3 (char 2)'],
    ['{"a":\n  }', 'Expecting value: line 2 column 3 (char 8)'],
  ];
  it.each(table)('%j', (text, expected) => {
    expect(() => parseJson(text)).toThrow(HttpError);
    try { parseJson(text); } catch (e) { expect((e as HttpError).detail).toBe(`Malformed JSON: ${expected}`); }
  });
});
