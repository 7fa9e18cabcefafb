import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsRegistry } from './registry.js';

test('renders counters and gauges in the Prometheus text format with escaped labels', () => {
  const r = new MetricsRegistry();
  const c = r.counter('dialtone_restarts_total', 'Restarts by child');
  const g = r.gauge('dialtone_up', 'Whether it is up');
  c.inc({ child: 'dialtone/web' });
  c.inc({ child: 'dialtone/web' }, 2);
  c.inc({ child: 'a"b\\c\nd' });
  g.set({}, 1);
  assert.equal(
    r.render(),
    [
      '# HELP dialtone_restarts_total Restarts by child',
      '# TYPE dialtone_restarts_total counter',
      'dialtone_restarts_total{child="dialtone/web"} 3',
      'dialtone_restarts_total{child="a\\"b\\\\c\\nd"} 1',
      '# HELP dialtone_up Whether it is up',
      '# TYPE dialtone_up gauge',
      'dialtone_up 1',
      '',
    ].join('\n'),
  );
});

test('collectors refresh gauges at render time; counters refuse to go down', () => {
  const r = new MetricsRegistry();
  const g = r.gauge('x', 'x');
  let n = 0;
  r.onCollect(() => { g.reset(); g.set({ k: String(++n) }, n); });
  assert.match(r.render(), /^x\{k="1"\} 1$/m);
  assert.match(r.render(), /^x\{k="2"\} 2$/m);
  assert.doesNotMatch(r.render(), /k="2"/);
  assert.throws(() => r.counter('c', 'c').inc({}, -1));
  assert.throws(() => r.counter('x', 'not a gauge'));
  assert.equal(r.gauge('x', 'again'), g, 'asking again gives the same gauge');
});
