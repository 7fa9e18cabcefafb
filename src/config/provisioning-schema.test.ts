import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROVISIONING_SCHEMA_ID, provisioningSchemaJson, ProvisioningDocumentSchema } from './provisioning-schema.js';

const FILE = fileURLToPath(new URL('./provisioning.schema.json', import.meta.url));

test('provisioning.schema.json is exactly the schema generated from provisioning-schema.ts', () => {
  const expected = provisioningSchemaJson();
  if (process.env.DIALTONE_WRITE_SCHEMA === '1') writeFileSync(FILE, expected);
  const committed = readFileSync(FILE, 'utf8');
  if (committed !== expected) {
    console.log(`--- expected content of src/config/provisioning.schema.json ---\n${expected}--- end ---`);
  }
  assert.equal(
    committed,
    expected,
    'provisioning.schema.json is stale: run DIALTONE_WRITE_SCHEMA=1 node --import tsx --test src/config/provisioning-schema.test.ts',
  );
});

test('the schema has an $id, a title, and a description on every field', () => {
  const schema = JSON.parse(provisioningSchemaJson()) as Record<string, unknown>;
  assert.equal(schema.$id, PROVISIONING_SCHEMA_ID);
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.equal(typeof schema.title, 'string');
  const missing: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return;
    const obj = node as Record<string, unknown>;
    const props = obj.properties as Record<string, Record<string, unknown>> | undefined;
    if (props !== undefined) {
      for (const [key, value] of Object.entries(props)) {
        if (typeof value.description !== 'string') missing.push(`${path}.${key}`);
        walk(value, `${path}.${key}`);
      }
    }
    if (obj.items !== undefined) walk(obj.items, `${path}[]`);
  };
  walk(schema, '$');
  assert.deepEqual(missing, []);
  assert.equal(ProvisioningDocumentSchema.additionalProperties, false);
});
