import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { validateProvisioningDocument } from './index.js';

test('the documented example (README, DESIGN §5) is a valid provisioning document', () => {
  const doc: unknown = JSON.parse(readFileSync(new URL('./provisioning.example.json', import.meta.url), 'utf8'));
  const valid = validateProvisioningDocument(doc);
  assert.equal(valid.version, 1);
  assert.equal(valid.lines?.length, 3);
});
