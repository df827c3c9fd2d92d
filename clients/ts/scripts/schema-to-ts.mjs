// Turns the JSON Schemas of /api/schema (draft 2020-12, the subset GenApi writes: type, format, properties,
// required, additionalProperties, items, const, enum, anyOf/oneOf) into TypeScript type text.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (name) => (IDENTIFIER.test(name) ? name : JSON.stringify(name));

/** @returns the JSDoc lines that say what a property's type cannot */
function notes(schema) {
  const lines = [];
  if (schema.description) lines.push(schema.description);
  if (schema.format) lines.push(`format: ${schema.format}`);
  if (schema['x-genapi-max-bytes'] !== undefined) lines.push(`at most ${schema['x-genapi-max-bytes']} UTF-8 bytes`);
  if (schema.maxItems !== undefined) lines.push(`at most ${schema.maxItems} items`);
  if (schema.maxProperties !== undefined) lines.push(`at most ${schema.maxProperties} keys`);
  if (schema['x-genapi-max-item-bytes'] !== undefined) {
    lines.push(`string items of at most ${schema['x-genapi-max-item-bytes']} UTF-8 bytes`);
  }
  if (schema.default !== undefined) lines.push(`default: ${JSON.stringify(schema.default)}`);
  return lines;
}

function objectType(schema, indent) {
  const inner = `${indent}  `;
  const required = new Set(schema.required ?? []);
  const properties = { ...(schema.properties ?? {}) };
  for (const name of required) {
    properties[name] ??= {};
  }
  const lines = Object.entries(properties).map(([name, property]) => {
    const doc = notes(property);
    const comment = doc.length === 0 ? '' : `${inner}/** ${doc.join('; ').replace(/\*\//g, '*\\/')} */\n`;
    return `${comment}${inner}${key(name)}${required.has(name) ? '' : '?'}: ${schemaToTs(property, inner)};\n`;
  });
  if (schema.additionalProperties !== false) {
    lines.push(`${inner}[key: string]: unknown;\n`);
  }
  return lines.length === 0 ? '{}' : `{\n${lines.join('')}${indent}}`;
}

function ofType(type, schema, indent) {
  switch (type) {
    case 'string': return 'string';
    case 'number':
    case 'integer': return 'number';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'array': return schema.items ? `Array<${schemaToTs(schema.items, indent)}>` : 'unknown[]';
    case 'object': return objectType(schema, indent);
    default: return 'unknown';
  }
}

/** @returns the TypeScript type of a JSON Schema, its nested lines indented from `indent` */
export function schemaToTs(schema, indent) {
  if (schema === true || schema === undefined || schema === null) {
    return 'unknown';
  }
  if (schema === false) {
    return 'never';
  }
  if ('const' in schema) {
    return JSON.stringify(schema.const);
  }
  if (Array.isArray(schema.enum)) {
    return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  }
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) {
    return union.map((member) => schemaToTs(member, indent)).join(' | ');
  }
  if (Array.isArray(schema.type)) {
    return schema.type.map((type) => ofType(type, schema, indent)).join(' | ');
  }
  if (schema.type === undefined) {
    return schema.properties || schema.required ? objectType(schema, indent) : 'unknown';
  }
  return ofType(schema.type, schema, indent);
}
