import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCliOptions, USAGE } from './cli-options.js';
import { ValidationError } from './errors.js';

test('defaults match npm start: sim board, ./data, HTTP 8080, SIP 5060 not explicit', () => {
  const o = parseCliOptions([]);
  assert.deepEqual(
    { board: o.board, dataDir: o.dataDir, httpPort: o.httpPort, sipPort: o.sipPort, sipPortExplicit: o.sipPortExplicit, logLevel: o.logLevel, provision: o.provision },
    { board: 'sim', dataDir: './data', httpPort: 8080, sipPort: 5060, sipPortExplicit: false, logLevel: 'info', provision: undefined },
  );
});

test('every contract flag is read', () => {
  const o = parseCliOptions(['--board', 'usb-modem', '--data-dir', '/tmp/x', '--http-port', '9000', '--sip-port', '5070', '--provision', 'p.json', '--log-level', 'debug']);
  assert.equal(o.board, 'usb-modem');
  assert.equal(o.dataDir, '/tmp/x');
  assert.equal(o.httpPort, 9000);
  assert.equal(o.sipPort, 5070);
  assert.equal(o.sipPortExplicit, true);
  assert.equal(o.provision, 'p.json');
  assert.equal(o.logLevel, 'debug');
  assert.equal(parseCliOptions(['--board=gpio-slic']).board, 'gpio-slic');
});

test('bad values are refused naming the flag', () => {
  const fieldsOf = (argv: string[]): Record<string, string> => {
    try {
      parseCliOptions(argv);
    } catch (e) {
      assert.ok(e instanceof ValidationError);
      return e.fields;
    }
    assert.fail('expected a ValidationError');
  };
  assert.deepEqual(Object.keys(fieldsOf(['--board', 'fax'])), ['--board']);
  assert.deepEqual(Object.keys(fieldsOf(['--http-port', '70000', '--log-level', 'loud'])), ['--http-port', '--log-level']);
  assert.deepEqual(Object.keys(fieldsOf(['--sip-port', '12a'])), ['--sip-port']);
  assert.throws(() => parseCliOptions(['--frobnicate']), ValidationError);
  assert.deepEqual(fieldsOf(['--https-port', 'x']), { '--https-port': 'a port number from 0 to 65535' });
  assert.deepEqual(fieldsOf(['--http-port', '80', '--https-port', '80']), { '--https-port': 'must differ from --http-port' });
});

test('HTTPS is off unless --https-port asks for it', () => {
  assert.equal(parseCliOptions([]).httpsPort, undefined);
  assert.equal(parseCliOptions(['--https-port', '443']).httpsPort, 443);
  assert.equal(parseCliOptions(['--http-port', '0', '--https-port', '0']).httpsPort, 0, 'tests: two free ports');
});

function fieldsOf(argv: string[]): Record<string, string> {
  try {
    parseCliOptions(argv);
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    return e.fields;
  }
  return assert.fail('expected a ValidationError');
}

test('--profile, --modem and --gpio-root are read; left out, they are undefined (the board\'s default profile)', () => {
  const none = parseCliOptions(['--board', 'gpio-slic']);
  assert.deepEqual([none.profile, none.modem, none.gpioRoot], [undefined, undefined, undefined]);
  const slic = parseCliOptions(['--board', 'gpio-slic', '--profile', 'ag1171-cm108-cpc5622', '--gpio-root', '/tmp/fake-sys']);
  assert.deepEqual([slic.profile, slic.gpioRoot], ['ag1171-cm108-cpc5622', '/tmp/fake-sys']);
  const modem = parseCliOptions(['--board=usb-modem', '--profile=usb-modem', '--modem', '/dev/ttyACM1']);
  assert.deepEqual([modem.board, modem.profile, modem.modem], ['usb-modem', 'usb-modem', '/dev/ttyACM1']);
});

test('--profile must be one of the board\'s profiles, and the error lists them', () => {
  assert.deepEqual(fieldsOf(['--board', 'usb-modem', '--profile', 'ag1171-cm108']), {
    '--profile': 'is for --board gpio-slic, not usb-modem; the usb-modem board\'s profiles: usb-modem',
  });
  assert.deepEqual(fieldsOf(['--board', 'gpio-slic', '--profile', 'ag1171']), {
    '--profile': 'unknown; the gpio-slic board\'s profiles: ag1171-cm108, ag1171-cm108-cpc5622, cpc5622-usb',
  });
  assert.deepEqual(Object.keys(fieldsOf(['--profile', 'ag1171-cm108'])), ['--profile'], 'the sim board has none');
});

test('--modem is for the usb-modem board, --gpio-root for gpio-slic', () => {
  assert.match(fieldsOf(['--board', 'gpio-slic', '--modem', '/dev/ttyACM0'])['--modem'] ?? '', /no USB modem port/);
  assert.deepEqual(fieldsOf(['--modem', '/dev/ttyACM0']), { '--modem': 'only for --board usb-modem' });
  assert.match(fieldsOf(['--board', 'usb-modem', '--modem', 'ttyACM0'])['--modem'] ?? '', /absolute device path/);
  assert.deepEqual(fieldsOf(['--board', 'usb-modem', '--gpio-root', '/tmp']), { '--gpio-root': 'only for --board gpio-slic' });
  assert.deepEqual(fieldsOf(['--board', 'gpio-slic', '--gpio-root', '']), { '--gpio-root': 'must name a folder' });
});

test('USAGE names every flag', () => {
  for (const flag of ['--board', '--data-dir', '--http-port', '--https-port', '--http-host', '--sip-port', '--provision', '--log-level', '--profile', '--modem', '--gpio-root', '--help', '--version']) {
    assert.ok(USAGE.includes(flag), flag);
  }
});
