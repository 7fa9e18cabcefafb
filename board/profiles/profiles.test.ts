/**
 * Board profiles: the shipped files load and say what the hardware is; a bad file
 * is refused field by field; --profile / --modem are applied by loadBoardProfile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GpioLineSpec } from '../gpio/gpio.js';
import type { PortSpec } from './profile-types.js';
import { checkProfile, DEFAULT_PROFILES, listProfiles, loadBoardProfile, loadProfile, ProfileError, profileIds, profilesDir } from './profiles.js';

const PI_CHIPS = ['pinctrl-bcm2835', 'pinctrl-bcm2711', 'pinctrl-rp1'];
/** ID EEPROM I2C, I2C1, UART, I2S/PCM: never used by a profile. */
const RESERVED = new Set([0, 1, 2, 3, 14, 15, 18, 19, 20, 21]);

function fieldsOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ProfileError, `expected a ProfileError, got ${String(e)}`);
    return e.fields;
  }
  return assert.fail('expected a ProfileError');
}

function gpioOf(p: PortSpec): GpioLineSpec[] {
  return p.driver === 'usb-modem' ? [] : Object.values(p.gpio).filter((l): l is GpioLineSpec => l !== undefined);
}

test('every shipped profile loads; each board has its default', () => {
  assert.deepEqual(profileIds(), ['ag1171-cm108', 'ag1171-cm108-cpc5622', 'cpc5622-usb', 'usb-modem']);
  const all = listProfiles();
  assert.deepEqual(all.map((p) => [p.id, p.board]), [
    ['ag1171-cm108', 'gpio-slic'], ['ag1171-cm108-cpc5622', 'gpio-slic'], ['cpc5622-usb', 'gpio-slic'], ['usb-modem', 'usb-modem'],
  ]);
  assert.deepEqual(listProfiles({ board: 'usb-modem' }).map((p) => p.id), ['usb-modem']);
  for (const [board, id] of Object.entries(DEFAULT_PROFILES)) assert.equal(loadProfile(id).board, board);
  for (const p of all) {
    assert.match(p.description, /./, `${p.id} documents its wiring`);
    for (const port of loadProfile(p.id).ports) {
      for (const line of gpioOf(port)) {
        assert.deepEqual(line.chip, PI_CHIPS, `${p.id} port ${port.port} names the Pi header chip of the Pi 3, 4 and 5`);
        assert.ok(!RESERVED.has(line.offset), `${p.id} port ${port.port} keeps off I2C/UART/I2S (GPIO${line.offset})`);
      }
    }
  }
});

test('ag1171-cm108: two FXS SLIC ports, each with its CM108 at 48 kHz', () => {
  const p = loadProfile('ag1171-cm108');
  assert.equal(p.name, 'AG1171 SLIC modules ×2 on the Pi header + a CM108 USB sound card per port');
  assert.deepEqual(p.ports.map((q) => [q.port, q.kind, q.driver]), [[1, 'fxs', 'gpio-slic'], [2, 'fxs', 'gpio-slic']]);
  const [one, two] = p.ports;
  assert.ok(one?.driver === 'gpio-slic' && two?.driver === 'gpio-slic');
  assert.deepEqual([one.gpio.shk.offset, one.gpio.rm.offset, one.gpio.fr.offset], [17, 27, 22]);
  assert.deepEqual(one.audio, { device: 'plughw:CARD=Device,DEV=0', rate: 48000 });
  assert.deepEqual(two.audio, { device: 'plughw:CARD=Device_1,DEV=0', rate: 48000 });
});

test('the DAA, combined and modem profiles', () => {
  assert.deepEqual(loadProfile('cpc5622-usb').ports.map((q) => [q.port, q.kind, q.driver]), [[1, 'fxo', 'gpio-daa']]);
  assert.deepEqual(loadProfile('ag1171-cm108-cpc5622').ports.map((q) => [q.port, q.kind, q.driver]), [[1, 'fxs', 'gpio-slic'], [2, 'fxs', 'gpio-slic'], [3, 'fxo', 'gpio-daa']]);
  const modem = loadProfile('usb-modem');
  assert.equal(modem.board, 'usb-modem');
  assert.deepEqual(modem.ports, [{ port: 1, kind: 'fxo', driver: 'usb-modem', modem: { path: '/dev/ttyACM0', usbId: '0572:1329', type: 'cx93001' } }]);
});

test('an unknown id is refused with the known ones', () => {
  assert.throws(() => loadProfile('ag1172'), (e: unknown) => {
    assert.ok(e instanceof ProfileError);
    assert.match(e.message, /unknown board profile "ag1172"; known profiles: ag1171-cm108, ag1171-cm108-cpc5622, cpc5622-usb, usb-modem/);
    return true;
  });
  assert.ok('profile' in fieldsOf(() => loadProfile('../../package')));
});

const slic = (port: number, shk: number, device: string): Record<string, unknown> => ({
  port, kind: 'fxs', driver: 'gpio-slic', audio: { device },
  gpio: { shk: { chip: PI_CHIPS, offset: shk }, rm: { chip: PI_CHIPS, offset: shk + 1 }, fr: { chip: 'pinctrl-bcm2711', offset: shk + 2 } },
});

test('a bad file is refused naming each field', () => {
  const base = { id: 'x', name: 'X', board: 'gpio-slic' };
  assert.deepEqual(fieldsOf(() => checkProfile('x', { ...base, ports: [], extra: 1 })), { extra: 'unknown property', ports: 'must have at least 1 items' });
  assert.deepEqual(fieldsOf(() => checkProfile('x', { ...base, board: 'sim', ports: [{ driver: 'i2s' }] })), {
    board: 'must be one of gpio-slic, usb-modem', 'ports[0].driver': 'must be one of gpio-slic, gpio-daa, usb-modem',
  });
  const bad = slic(1, 17, 'hw:0');
  (bad.gpio as Record<string, unknown>).shk = { chip: 5, offset: '17' };
  (bad.gpio as Record<string, unknown>).pd = { chip: PI_CHIPS, offset: 4, activeHigh: true };
  assert.deepEqual(fieldsOf(() => checkProfile('y', { ...base, ports: [bad, { ...slic(2, 22, 'hw:1'), audio: { device: 'hw:1', rate: 'fast' } }] })), {
    id: 'must be "y" (the file\'s name)',
    'ports[0].gpio.shk.chip': 'must be a gpiochip label or a list of them',
    'ports[0].gpio.shk.offset': 'must be an integer',
    'ports[0].gpio.pd.activeHigh': 'unknown property',
    'ports[1].audio.rate': 'must be an integer',
  });
});

test('what a schema cannot say: numbering, FXS first, shared lines and devices, the board\'s drivers', () => {
  const base = { id: 'x', name: 'X', board: 'gpio-slic' };
  const daa = { port: 1, kind: 'fxo', driver: 'gpio-daa', audio: { device: 'hw:9' }, gpio: { hook: { chip: PI_CHIPS, offset: 26 }, ring: { chip: 'pinctrl-bcm2711', offset: 18 } } };
  assert.deepEqual(fieldsOf(() => checkProfile('x', { ...base, ports: [daa, slic(2, 17, 'hw:0'), slic(4, 19, 'hw:0')] })), {
    'ports[1].kind': 'FXS ports must come before FXO ports',
    'ports[2].kind': 'FXS ports must come before FXO ports',
    'ports[1].gpio.rm': 'pinctrl-bcm2711:18 is already used by ports[0].gpio.ring',
    'ports[2].port': 'must be 3 (ports are numbered from 1, in order)',
    'ports[2].gpio.shk': 'pinctrl-bcm2711:19 is already used by ports[1].gpio.fr',
    'ports[2].audio.device': 'hw:0 is already used by ports[1].audio',
  });
  const modem = (path?: string): Record<string, unknown> => ({ port: 1, kind: 'fxo', driver: 'usb-modem', modem: { type: 'generic', ...(path === undefined ? {} : { path }) } });
  assert.deepEqual(fieldsOf(() => checkProfile('x', { ...base, ports: [modem()] })), {
    'ports[0].modem': 'needs a path or a usbId',
    board: 'a gpio-slic profile needs a GPIO port (gpio-slic or gpio-daa); a modem alone is the usb-modem board',
  });
  assert.deepEqual(fieldsOf(() => checkProfile('x', { ...base, board: 'usb-modem', ports: [slic(1, 17, 'hw:0'), { ...modem('/dev/ttyACM0'), port: 2 }] })), {
    'ports[0].driver': 'must be usb-modem on the usb-modem board',
  });
});

test('loadBoardProfile: the board\'s default, --profile of that board only, --modem on a modem port', () => {
  assert.equal(loadBoardProfile('gpio-slic', {}).id, 'ag1171-cm108');
  assert.equal(loadBoardProfile('usb-modem', {}).id, 'usb-modem');
  assert.equal(loadBoardProfile('gpio-slic', { profile: 'ag1171-cm108-cpc5622' }).ports.length, 3);
  assert.deepEqual(fieldsOf(() => loadBoardProfile('usb-modem', { profile: 'cpc5622-usb' })), {
    profile: 'is for --board gpio-slic, not usb-modem; the usb-modem board\'s profiles: usb-modem',
  });
  assert.deepEqual(fieldsOf(() => loadBoardProfile('gpio-slic', { profile: 'nope' })), {
    profile: 'unknown; the gpio-slic board\'s profiles: ag1171-cm108, ag1171-cm108-cpc5622, cpc5622-usb',
  });
  const p = loadBoardProfile('usb-modem', { modem: '/dev/serial/by-id/usb-Conexant_USB_Modem-if00' });
  assert.deepEqual(p.ports[0], { port: 1, kind: 'fxo', driver: 'usb-modem', modem: { type: 'cx93001', path: '/dev/serial/by-id/usb-Conexant_USB_Modem-if00' } });
  const again = loadProfile('usb-modem').ports[0];
  assert.equal(again?.driver === 'usb-modem' ? again.modem.path : undefined, '/dev/ttyACM0', 'the file is unchanged');
  assert.match(fieldsOf(() => loadBoardProfile('gpio-slic', { modem: '/dev/ttyACM0' })).modem ?? '', /has no USB modem port/);
  assert.match(fieldsOf(() => loadBoardProfile('usb-modem', { modem: 'ttyACM0' })).modem ?? '', /absolute device path/);
});

test('the files are found beside the module (source tree, or dist/ after the copy) or from dist/ in the source tree', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'dialtone-profiles-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const src = join(root, 'board', 'profiles');
  const dist = join(root, 'dist', 'board', 'profiles');
  mkdirSync(src, { recursive: true });
  mkdirSync(dist, { recursive: true });
  for (const id of profileIds()) copyFileSync(join(profilesDir(), `${id}.json`), join(src, `${id}.json`));
  assert.equal(profilesDir(dist), src);
  assert.equal(profilesDir(src), src);
  writeFileSync(join(dist, 'ag1171-cm108.json'), '{}');
  assert.equal(profilesDir(dist), dist);
  assert.throws(() => profilesDir(join(root, 'elsewhere')), ProfileError);
  assert.throws(() => loadProfile('ag1171-cm108', { dir: dist }), /ag1171-cm108 \(.*\) is not valid: id is required/);
});
