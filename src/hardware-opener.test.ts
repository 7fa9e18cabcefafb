/**
 * Which hardware profile the board opens: --profile > the stored choice > the board's
 * default; a stored choice that no longer loads falls back to the default with a
 * warning. And the stored choice itself (SettingsRepository.boardProfile).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProfileError } from '../board/profiles/profiles.js';
import { FakeClock } from './clock.js';
import { ConfigStore } from './config/store.js';
import type { ConfigChange } from './config/types.js';
import { ValidationError } from './errors.js';
import { chooseBoardProfile } from './hardware-opener.js';
import { MemoryLogger } from './log.js';

test('no --profile and nothing stored: the board\'s default', () => {
  const log = new MemoryLogger();
  const slic = chooseBoardProfile('gpio-slic', {}, log);
  assert.equal(slic.profile.id, 'ag1171-cm108');
  assert.equal(slic.fromCommandLine, false);
  assert.equal(chooseBoardProfile('usb-modem', {}, log).profile.id, 'usb-modem');
  assert.deepEqual(log.entries.filter((e) => e.level === 'warn'), []);
});

test('the stored choice is used when --profile is not given', () => {
  const r = chooseBoardProfile('gpio-slic', { stored: 'ag1171-cm108-cpc5622' }, new MemoryLogger());
  assert.equal(r.profile.id, 'ag1171-cm108-cpc5622');
  assert.deepEqual(r.profile.ports.map((p) => p.kind), ['fxs', 'fxs', 'fxo']);
  assert.equal(r.fromCommandLine, false);
});

test('--profile wins over the stored choice', () => {
  const r = chooseBoardProfile('gpio-slic', { commandLine: 'cpc5622-usb', stored: 'ag1171-cm108-cpc5622' }, new MemoryLogger());
  assert.equal(r.profile.id, 'cpc5622-usb');
  assert.equal(r.fromCommandLine, true);
});

test('a stored choice that no longer loads (file removed, or another board\'s) falls back to the default with a warning', () => {
  for (const stored of ['a-removed-profile', 'usb-modem']) {
    const log = new MemoryLogger();
    const r = chooseBoardProfile('gpio-slic', { stored }, log);
    assert.equal(r.profile.id, 'ag1171-cm108', stored);
    const warning = log.entries.find((e) => e.level === 'warn');
    assert.ok(warning !== undefined, `a warning for ${stored}`);
    assert.equal(warning.fields.stored, stored);
    assert.equal(warning.fields.default, 'ag1171-cm108');
  }
});

test('--modem applies to the stored choice; a bad --profile is still refused', () => {
  const r = chooseBoardProfile('usb-modem', { stored: 'usb-modem', modem: '/dev/ttyUSB3' }, new MemoryLogger());
  const port = r.profile.ports[0];
  assert.equal(port?.driver === 'usb-modem' ? port.modem.path : undefined, '/dev/ttyUSB3');
  assert.throws(() => chooseBoardProfile('gpio-slic', { commandLine: 'nope' }, new MemoryLogger()), ProfileError);
});

test('the stored choice: set, changed, forgotten, each a settings change; a malformed id is refused', () => {
  const store = ConfigStore.openFile({ file: ':memory:', log: new MemoryLogger(), clock: new FakeClock() });
  const changes: ConfigChange[] = [];
  store.on('change', (c: ConfigChange) => changes.push(c));
  assert.equal(store.settings.boardProfile(), undefined);
  store.settings.setBoardProfile('ag1171-cm108-cpc5622');
  store.settings.setBoardProfile('ag1171-cm108-cpc5622');
  store.settings.setBoardProfile('cpc5622-usb');
  assert.equal(store.settings.boardProfile(), 'cpc5622-usb');
  store.settings.setBoardProfile(undefined);
  assert.equal(store.settings.boardProfile(), undefined);
  assert.deepEqual(changes, [
    { section: 'settings', op: 'insert', key: 'boardProfile' },
    { section: 'settings', op: 'update', key: 'boardProfile' },
    { section: 'settings', op: 'delete', key: 'boardProfile' },
  ]);
  assert.throws(() => store.settings.setBoardProfile('../etc/passwd'), ValidationError);
  store.settings.setBoardProfile('ag1171-cm108');
  assert.equal(Object.keys(store.exportDocument({ includeSecrets: true })).includes('boardProfile'), false, 'not in the provisioning document');
  store.close();
});
