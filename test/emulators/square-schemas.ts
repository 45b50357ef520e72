/**
 * Square's OpenAPI schemas as Ajv validators, made stricter than the spec in two ways the
 * emulators promise: no field Square does not define (`additionalProperties: false` on every
 * object with properties) and no `null` (absent optional fields are omitted).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type AnySchemaObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

const SPEC_ID = 'https://emulators.test/square-openapi-subset.json';
const specPath = new URL('./fixtures/square-openapi-subset.json', import.meta.url);
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as {
  components: { schemas: Record<string, unknown> };
};

const schemas = tighten(spec.components.schemas) as Record<string, AnySchemaObject>;
// The source spec refers to this enum without defining it.
schemas.CatalogModifierToggleOverrideType = { type: 'string', enum: ['NO', 'YES', 'NOT_SET'] };

const ajv = new Ajv({ strict: false, allErrors: true });
addFormatsModule.default(ajv);
ajv.addSchema({ $id: SPEC_ID, components: { schemas } });

/** Schema violations of `value` as Square's component `schemaName`, readable; [] when valid. */
export function schemaViolations(schemaName: string, value: unknown): string[] {
  const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/${schemaName}`);
  if (!validate) throw new Error(`no schema ${schemaName} in the OpenAPI file`);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`,
  );
}

function tighten(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tighten);
  if (node === null || typeof node !== 'object') return node;
  const { nullable: _nullable, ...rest } = node as Record<string, unknown>;
  const tightened = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, tighten(value)]),
  );
  if ('properties' in tightened && !('additionalProperties' in tightened))
    tightened.additionalProperties = false;
  return tightened;
}
