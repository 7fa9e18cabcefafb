import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../errors.js';
import { validateProvisioningDocument } from './provisioning.js';
import { assertInvalid, memoryStore, minimalDocument } from './test-support/fixtures.js';

function withoutSecrets(doc: ReturnType<typeof minimalDocument>): Record<string, unknown> {
  const { admin: _admin, ...rest } = doc;
  return { ...rest, accounts: doc.accounts.map(({ password: _p, ...a }) => a) };
}

test('the minimal document of DESIGN §5 is accepted and means what it says', () => {
  const doc = minimalDocument();
  assert.deepEqual(validateProvisioningDocument(doc), doc);
  const { store } = memoryStore();
  store.importDocument(doc);
  assert.equal(store.admin.verifyPassword('plain text, hashed on import'), true);
  assert.match(store.admin.passwordHash()!, /^scrypt\$/);
  assert.equal(store.settings.region(), 'US');
  assert.deepEqual(store.accounts.list(), doc.accounts);
  assert.deepEqual(store.lines.list(), doc.lines);
  assert.deepEqual(store.dialPlan.list(), []);
});

test('export without secrets is the document minus admin and account passwords, keys in the same order', () => {
  const { store } = memoryStore();
  const doc = minimalDocument();
  store.importDocument(doc);
  const exported = store.exportDocument({ includeSecrets: false });
  assert.deepEqual(exported, withoutSecrets(doc));
  assert.equal(JSON.stringify(exported), JSON.stringify(withoutSecrets(doc)));
});

test('export with secrets carries the hash and passwords; re-importing it reproduces the store exactly', () => {
  const { store } = memoryStore();
  const doc = minimalDocument();
  store.importDocument(doc);
  const full = store.exportDocument({ includeSecrets: true });
  assert.match(full.admin?.passwordHash ?? '', /^scrypt\$16384\$8\$1\$/);
  assert.deepEqual({ ...full, admin: doc.admin }, doc);
  assert.equal(JSON.stringify({ ...full, admin: doc.admin }), JSON.stringify(doc));

  const copy = memoryStore();
  copy.store.importDocument(JSON.parse(JSON.stringify(full)));
  assert.deepEqual(copy.store.exportDocument({ includeSecrets: true }), full);
  assert.equal(copy.store.admin.verifyPassword('plain text, hashed on import'), true);
});

test('importing the same document again changes nothing and emits nothing (provisioning at every start)', () => {
  const { store, changes } = memoryStore();
  store.importDocument(minimalDocument());
  const hash = store.admin.passwordHash();
  changes.length = 0;
  store.importDocument(minimalDocument());
  store.importDocument(store.exportDocument({ includeSecrets: true }));
  store.importDocument(store.exportDocument({ includeSecrets: false }));
  assert.equal(store.admin.passwordHash(), hash, 'a password that already matches is not rehashed');
  assert.deepEqual(changes, []);
});

test('restoring a backup made without secrets keeps the stored passwords', () => {
  const { store } = memoryStore();
  store.importDocument(minimalDocument());
  const backup = store.exportDocument({ includeSecrets: false });
  store.accounts.upsert({ id: 'main', server: 'other.example', username: '1001', password: 'changed' });
  store.importDocument(backup);
  assert.equal(store.accounts.get('main')?.server, 'sip.example.net:5060');
  assert.equal(store.accounts.get('main')?.password, 'changed');
  assert.equal(store.admin.verifyPassword('plain text, hashed on import'), true);
  store.importDocument({ version: 1, accounts: [{ id: 'trunk', server: '192.0.2.1', username: 'trunk' }], lines: [] });
  assert.deepEqual(store.accounts.list(), [{ id: 'trunk', server: '192.0.2.1', username: 'trunk' }], 'a new account without password has none');
});

test('every optional field survives a round trip exactly; an empty dial plan set on purpose is kept', () => {
  const doc = {
    $schema: './provisioning.schema.json',
    version: 1,
    admin: { password: 'another long password' },
    region: 'DE',
    accounts: [
      {
        id: 'trunk', server: '[2001:db8::5]:5080', transport: 'tls', username: '+4930123', password: '', displayName: 'Büro',
        register: false, authUsername: 'auth', outboundProxy: 'proxy.example:5060', registerExpires: 600, enabled: true,
        codecs: ['G722', 'PCMA'], dtmfMode: 'inband',
      },
      { id: 'a-second', server: 'pbx', username: '200' },
    ],
    lines: [
      {
        port: 1, kind: 'fxs', account: 'trunk', extension: '21', name: 'Hall', callerIdStandard: 'v23', digitMap: '(0[1-9]x.T|11x|*xx)',
        features: { callWaiting: false, threeWay: true, dnd: false, forwardAll: '+491701234', hotline: '112' },
      },
      { port: 2, kind: 'fxs', features: {} },
      { port: 4, kind: 'fxo', prefix: '0', callerIdStandard: 'dtmf', ringsOnFxs: [2, 1] },
    ],
    dialPlan: [
      { pattern: '112|110', route: 'fxo' },
      { pattern: '0[1-9]x.T', route: 'account:trunk', strip: 1, prepend: '+49' },
      { pattern: '21', route: 'line:1' },
    ],
  };
  const { store } = memoryStore();
  store.importDocument(doc);
  const { $schema: _s, admin: _a, ...expected } = doc;
  const { admin: exportedAdmin, ...exported } = store.exportDocument({ includeSecrets: true });
  assert.deepEqual(exported, expected);
  assert.equal(JSON.stringify(exported), JSON.stringify(expected), 'same key order');
  assert.match(exportedAdmin?.passwordHash ?? '', /^scrypt\$/);

  store.importDocument({ version: 1, dialPlan: [] });
  assert.deepEqual(store.exportDocument({ includeSecrets: false }).dialPlan, []);
  assert.equal(memoryStore().store.exportDocument({ includeSecrets: false }).dialPlan, undefined, 'never set: left out');
});

test('a partial document changes only its sections', () => {
  const { store, changes } = memoryStore();
  store.importDocument(minimalDocument());
  const before = store.exportDocument({ includeSecrets: true });
  changes.length = 0;
  store.importDocument({ version: 1, region: 'GB' });
  assert.deepEqual(store.exportDocument({ includeSecrets: true }), { ...before, region: 'GB' });
  assert.deepEqual(changes, [{ section: 'settings', op: 'replace' }]);
  store.importDocument({ version: 1, lines: [{ port: 1, kind: 'fxs', account: 'main', extension: '11' }] });
  assert.deepEqual(store.lines.list(), [{ port: 1, kind: 'fxs', account: 'main', extension: '11' }], 'references to stored accounts are fine');
  assert.equal(store.accounts.list().length, 1);
});

/** Imports `doc`, expects the fields named, and checks that nothing at all changed. */
function refused(doc: unknown, expected: Record<string, string | RegExp> | string[]): Record<string, string> {
  const { store, changes } = memoryStore();
  store.importDocument(minimalDocument());
  const before = store.exportDocument({ includeSecrets: true });
  changes.length = 0;
  const fields = assertInvalid(() => store.importDocument(doc), expected);
  assert.deepEqual(store.exportDocument({ includeSecrets: true }), before, 'store unchanged');
  assert.deepEqual(changes, [], 'no change events');
  return fields;
}

test('an invalid document is refused whole, every problem named by its path, nothing applied', () => {
  const fields = refused(
    { ...minimalDocument(), region: 'XX', admin: { password: 'short' }, lines: [{ port: 1, kind: 'fxs', account: 'nobody', extension: '11' }] },
    { region: /'XX' is not a supported/, 'lines[0].account': "no account with id 'nobody'", 'admin.password': 'must be at least 8 characters' },
  );
  assert.equal(Object.keys(fields).length, 3);
  refused({ ...minimalDocument(), accounts: [{ ...minimalDocument().accounts[0], server: 'bad host!' }] }, { 'accounts[0].server': 'must be host, host:port or [ipv6]:port' });
  refused({ ...minimalDocument(), version: 2 }, { version: 'must be 1' });
  refused({ region: 'US' }, { version: 'is required' });
  refused({ ...minimalDocument(), regoin: 'US' }, { regoin: 'unknown property' });
  refused({ ...minimalDocument(), accounts: [{ ...minimalDocument().accounts[0], regster: true }] }, { 'accounts[0].regster': 'unknown property' });
  refused({ ...minimalDocument(), lines: [{ port: 1, kind: 'fxs', extension: '11', featurs: {} }] }, { 'lines[0].featurs': 'unknown property' });
  refused({ ...minimalDocument(), accounts: 'main' }, { accounts: 'must be an array' });
  refused({ ...minimalDocument(), admin: {} }, ['admin.password']);
  refused({ ...minimalDocument(), admin: { password: 'long enough pw', passwordHash: 'scrypt$1$1$1$AA==$AA==' } }, ['admin.passwordHash']);
  refused({ ...minimalDocument(), admin: { passwordHash: 'md5$abc' } }, { 'admin.passwordHash': /scrypt/ });
  refused(
    { ...minimalDocument(), accounts: [...minimalDocument().accounts, { ...minimalDocument().accounts[0] }] },
    { 'accounts[1].id': "account id 'main' is used twice" },
  );
  refused(
    { ...minimalDocument(), lines: [{ port: 1, kind: 'fxs' }, { port: 1, kind: 'fxs' }] },
    { 'lines[1].port': 'port 1 is listed twice' },
  );
  refused(
    { ...minimalDocument(), lines: [{ port: 1, kind: 'fxs', extension: '91' }, { port: 3, kind: 'fxo', prefix: '9' }] },
    { 'lines[0].extension': /clashes with line 3's landline prefix 9/, 'lines[1].prefix': /clashes with line 1's extension 91/ },
  );
  refused({ ...minimalDocument(), dialPlan: [{ pattern: '1x.', route: 'account:nobody' }] }, { 'dialPlan[0].route': "no account with id 'nobody'" });
  refused(
    { version: 1, accounts: [{ id: 'other', server: 'x.example', username: 'u' }] },
    { 'lines[0].account': /stored line 1, which this document leaves as it is: no account with id 'main'/ },
  );
  refused(null, { document: 'must be a JSON object' });
  refused([minimalDocument()], { document: 'must be a JSON object' });
});

test('validateProvisioningDocument checks references between the sections a document has', () => {
  assert.deepEqual(validateProvisioningDocument({ version: 1, lines: [{ port: 1, kind: 'fxs', account: 'elsewhere' }] }).lines?.length, 1);
  assert.throws(
    () => validateProvisioningDocument({ version: 1, accounts: [], lines: [{ port: 1, kind: 'fxs', account: 'elsewhere' }] }),
    (err: unknown) => err instanceof ValidationError && err.fields['lines[0].account'] === "no account with id 'elsewhere'",
  );
});
