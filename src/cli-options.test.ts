import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCliOptions } from './cli-options.js';
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
});
