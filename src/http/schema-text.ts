/**
 * @module http/schema-text
 * Turns the first zod issue into the text Python's jsonschema gives for the
 * same failure, so clients matching on "'total' is a required property" or
 * "Failed validating 'minimum' in schema['properties']['total']" still match.
 *
 * "First" follows jsonschema's best_match: the shallowest error wins; a
 * missing property or an extra one counts at its object's depth; ties keep
 * schema order (required before additionalProperties).
 */
import { z } from 'zod';
import { pformat, pyRepr } from './py-format.ts';

type Issue = z.core.$ZodIssue;
type Segment = PropertyKey;
type AnySchema = z.core.$ZodType;

interface Located {
  /** jsonschema validator keyword, e.g. 'minimum'. */
  readonly validator: string;
  readonly message: string;
  /** Where the failing keyword sits: ['properties', 'total']. */
  readonly schemaPath: readonly Segment[];
  readonly schema: AnySchema;
  /** Where in the document: ['total']. */
  readonly instancePath: readonly Segment[];
  readonly instance: unknown;
}

const def = (s: AnySchema) => s._zod.def as unknown as Record<string, unknown> & { type: string };

/** Unwraps optional/nullable/default/pipe to the schema that validates the value. */
function unwrap(s: AnySchema): AnySchema {
  for (let i = 0; i < 20; i++) {
    const d = def(s);
    if (['optional', 'default', 'prefault', 'nonoptional', 'readonly', 'catch'].includes(d.type)) {
      s = d.innerType as AnySchema;
    } else if (d.type === 'pipe') {
      s = d.in as AnySchema;
    } else if (d.type === 'lazy') {
      s = (d.getter as () => AnySchema)();
    } else {
      return s;
    }
  }
  return s;
}

const patternSource = (s: AnySchema): string => {
  const checks = (def(unwrap(s)).checks ?? []) as { _zod: { def: { format?: string; pattern?: RegExp } } }[];
  const regex = checks.map((c) => c._zod.def).find((d) => d.format === 'regex' && d.pattern);
  return regex?.pattern?.source ?? '.*';
};

/** Follows an instance path through the schema: the node and its schema path. */
function descend(root: AnySchema, path: readonly Segment[]): { node: AnySchema; schemaPath: Segment[] } {
  let node = unwrap(root);
  const schemaPath: Segment[] = [];
  for (const seg of path) {
    const d = def(node);
    if (d.type === 'object') {
      const shape = d.shape as Record<string, AnySchema>;
      const next = shape[String(seg)];
      if (!next) break;
      schemaPath.push('properties', String(seg));
      node = unwrap(next);
    } else if (d.type === 'record') {
      schemaPath.push('patternProperties', patternSource(d.keyType as AnySchema));
      node = unwrap(d.valueType as AnySchema);
    } else if (d.type === 'array') {
      schemaPath.push('items');
      node = unwrap(d.element as AnySchema);
    } else {
      break;
    }
  }
  return { node, schemaPath };
}

function valueAt(input: unknown, path: readonly Segment[]): unknown {
  let v = input;
  for (const seg of path) v = (v as Record<PropertyKey, unknown> | undefined)?.[seg];
  return v;
}

/** jsonschema's list of the types a node allows, as its "is not of type" message prints them. */
function typeText(node: AnySchema): string {
  const declared = (z.globalRegistry.get(node) as { type?: unknown } | undefined)?.type;
  if (typeof declared === 'string') return pyRepr(declared);
  if (Array.isArray(declared)) return declared.map((t) => pyRepr(String(t))).join(', ');
  return pyRepr(jsonType(node));
}

function jsonType(node: AnySchema): string {
  const d = def(node);
  if (d.type === 'number') {
    const checks = (d.checks ?? []) as { _zod: { def: { format?: string } } }[];
    const formats = [(node._zod.bag as { format?: string }).format, d.format, ...checks.map((c) => c._zod.def.format)];
    return formats.some((f) => typeof f === 'string' && /int/.test(f)) ? 'integer' : 'number';
  }
  if (d.type === 'record') return 'object';
  if (d.type === 'enum' || d.type === 'literal') return 'string';
  return d.type;
}

/** Where jsonschema reports the issue, and its message. */
function locate(issue: Issue, root: AnySchema, input: unknown): Located {
  const path = issue.path;
  const at = (p: readonly Segment[]) => ({ ...descend(root, p), instance: valueAt(input, p), instancePath: p });
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  switch (issue.code) {
    case 'invalid_type': {
      const parent = valueAt(input, parentPath);
      const missing = path.length > 0 && parent !== null && typeof parent === 'object' &&
        !Object.prototype.hasOwnProperty.call(parent, last as PropertyKey);
      if (missing) {
        const p = at(parentPath);
        return { validator: 'required', message: `${pyRepr(String(last))} is a required property`,
          schemaPath: p.schemaPath, schema: p.node, instancePath: parentPath, instance: p.instance };
      }
      const p = at(path);
      return { validator: 'type', message: `${pyRepr(p.instance)} is not of type ${typeText(p.node)}`,
        schemaPath: p.schemaPath, schema: p.node, instancePath: path, instance: p.instance };
    }
    case 'unrecognized_keys': {
      const p = at(path);
      const keys = issue.keys.map((k) => pyRepr(k)).join(', ');
      return { validator: 'additionalProperties', schemaPath: p.schemaPath, schema: p.node, instancePath: path,
        instance: p.instance,
        message: `Additional properties are not allowed (${keys} ${issue.keys.length === 1 ? 'was' : 'were'} unexpected)` };
    }
    case 'invalid_key': {
      const p = at(parentPath);
      const d = def(p.node);
      const pattern = d.type === 'record' ? patternSource(d.keyType as AnySchema) : '.*';
      return { validator: 'additionalProperties', schemaPath: p.schemaPath, schema: p.node,
        instancePath: parentPath, instance: p.instance,
        message: `${pyRepr(String(last))} does not match any of the regexes: ${pyRepr(pattern)}` };
    }
    case 'too_small':
    case 'too_big': {
      const p = at(path);
      const small = issue.code === 'too_small';
      const limit = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
      const r = pyRepr(p.instance);
      const base = { schemaPath: p.schemaPath, schema: p.node, instancePath: path, instance: p.instance };
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        if (issue.inclusive === false) {
          return { ...base, validator: small ? 'exclusiveMinimum' : 'exclusiveMaximum',
            message: `${r} is ${small ? 'less' : 'greater'} than or equal to the ${small ? 'minimum' : 'maximum'} of ${limit}` };
        }
        return { ...base, validator: small ? 'minimum' : 'maximum',
          message: `${r} is ${small ? 'less' : 'greater'} than the ${small ? 'minimum' : 'maximum'} of ${limit}` };
      }
      const kind = issue.origin === 'string' ? 'Length' : issue.origin === 'array' ? 'Items' : 'Properties';
      if (kind === 'Properties') {
        return { ...base, validator: small ? 'minProperties' : 'maxProperties',
          message: `${r} ${small ? 'does not have enough properties' : 'has too many properties'}` };
      }
      return { ...base, validator: `${small ? 'min' : 'max'}${kind}`, message: `${r} is too ${small ? 'short' : 'long'}` };
    }
    case 'invalid_format': {
      const p = at(path);
      const base = { schemaPath: p.schemaPath, schema: p.node, instancePath: path, instance: p.instance };
      if (issue.format === 'regex') {
        const pattern = (issue as { pattern?: string }).pattern?.replace(/^\/(.*)\/[a-z]*$/s, '$1') ?? '';
        return { ...base, validator: 'pattern', message: `${pyRepr(p.instance)} does not match ${pyRepr(pattern)}` };
      }
      return { ...base, validator: 'format', message: `${pyRepr(p.instance)} is not a ${pyRepr(issue.format)}` };
    }
    case 'invalid_value': {
      const p = at(path);
      return { validator: 'enum', schemaPath: p.schemaPath, schema: p.node, instancePath: path, instance: p.instance,
        message: `${pyRepr(p.instance)} is not one of ${pyRepr(issue.values)}` };
    }
    case 'invalid_union': {
      const p = at(path);
      return { validator: 'anyOf', schemaPath: p.schemaPath, schema: p.node, instancePath: path, instance: p.instance,
        message: `${pyRepr(p.instance)} is not valid under any of the given schemas` };
    }
    case 'custom': {
      // Refinements name their jsonschema keyword: { validator, message? , format? }.
      const params = (issue.params ?? {}) as { validator?: string; format?: string; message?: string;
        atParent?: boolean };
      const where = params.atParent ? parentPath : path;
      const p = at(where);
      const base = { schemaPath: p.schemaPath, schema: p.node, instancePath: where, instance: p.instance };
      if (params.validator === 'format') {
        return { ...base, validator: 'format', message: `${pyRepr(p.instance)} is not a ${pyRepr(params.format ?? '')}` };
      }
      if (params.validator === 'type') {
        return { ...base, validator: 'type', message: `${pyRepr(p.instance)} is not of type ${typeText(p.node)}` };
      }
      return { ...base, validator: params.validator ?? 'custom', message: params.message ?? issue.message };
    }
    default: {
      const p = at(path);
      return { validator: issue.code, schemaPath: p.schemaPath, schema: p.node, instancePath: path,
        instance: p.instance, message: issue.message };
    }
  }
}

const index = (container: string, path: readonly Segment[]): string =>
  container + path.map((s) => `[${pyRepr(typeof s === 'number' ? s : String(s))}]`).join('');

const indent = (text: string): string => text.split('\n').join('\n    ');

/** The schema fragment as jsonschema would print it (JSON Schema, Placement's shapes). */
export function schemaDocument(schema: AnySchema): unknown {
  let doc: unknown;
  try {
    doc = z.toJSONSchema(schema as z.ZodType, { unrepresentable: 'any', io: 'input' });
  } catch {
    return {};
  }
  return placementShape(doc);
}

const SAFE_INT = 9007199254740991;

function placementShape(doc: unknown): unknown {
  if (Array.isArray(doc)) return doc.map(placementShape);
  if (doc === null || typeof doc !== 'object') return doc;
  const out: Record<string, unknown> = {};
  const src = doc as Record<string, unknown>;
  for (const [k, v] of Object.entries(src)) {
    if (k === '$schema' || k === 'propertyNames') continue;
    if ((k === 'minimum' && v === -SAFE_INT) || (k === 'maximum' && v === SAFE_INT)) continue;
    out[k] = placementShape(v);
  }
  // A declared list of types (`.meta({ type: [...] })` on a nullable) replaces the anyOf zod writes.
  if (Array.isArray(out.type) && Array.isArray(out.anyOf)) delete out.anyOf;
  const names = src.propertyNames as { pattern?: string } | undefined;
  if (names?.pattern !== undefined) {
    out.patternProperties = { [names.pattern]: out.additionalProperties ?? {} };
    out.additionalProperties = false;
  }
  return out;
}

export function describeFirstIssue(issues: readonly Issue[], root: AnySchema, input: unknown): string {
  const located = issues.map((i) => locate(i, root, input));
  let best = located[0]!;
  for (const l of located) {
    const weak = (x: Located) => x.validator === 'anyOf' || x.validator === 'oneOf';
    const depth = (x: Located) => x.instancePath.length;
    if (depth(l) < depth(best) || (depth(l) === depth(best) && weak(best) && !weak(l))) best = l;
  }
  return `${best.message}\n\nFailed validating ${pyRepr(best.validator)} in ${index('schema', best.schemaPath)}:\n` +
    `    ${indent(pformat(schemaDocument(best.schema)))}\n\n` +
    `On ${index('instance', best.instancePath)}:\n    ${indent(pformat(best.instance))}`;
}
