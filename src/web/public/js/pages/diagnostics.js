// Diagnostics: ring a phone, play a tone, loopback and "call me" tests, the SIP
// trace (text and pcap, capture on/off), restarting a part of the service (and
// waiting until it answers again), and the system's figures.
import { h, replace, duration } from '../dom.js';
import { busy, field, setMessage } from '../forms.js';

export const title = 'Diagnostics';

const TONES = [['dial', 'Dial tone'], ['ringback', 'Ringback'], ['busy', 'Busy'], ['reorder', 'Reorder (fast busy)'], ['test', 'Test tone (1004 Hz)']];
const PARTS = [['all', 'The whole service'], ['lines', 'Phone lines'], ['sip', 'SIP'], ['accounts', 'SIP accounts'], ['web', 'Web page'], ['board', 'Board driver']];
const MINUTES = [['5', 'Last 5 minutes'], ['15', 'Last 15 minutes'], ['60', 'Last hour']];

function explain(err, what) {
  return err.status === 404 ? `${what} is not available on this box yet (the API answered 404).` : err.message;
}

export function mount(root, ctx) {
  let alive = true;
  const portField = () => field('Phone port', 'port', { type: 'select', options: [] });
  const tests = [
    test('Ring a phone', 'Rings the phone with caller ID "Dialtone test".', [portField(), field('Seconds', 'seconds', { type: 'number', value: '10', min: 1, max: 60 })], 'Ring',
      (v) => ['/api/diag/ring', { port: v.port, seconds: v.seconds }, 'The phone is ringing.']),
    test('Play a tone', 'Lift the handset first: the phone hears the tone.', [portField(), field('Tone', 'tone', { type: 'select', options: TONES }), field('Seconds', 'seconds', { type: 'number', value: '5', min: 1, max: 30 })], 'Play tone',
      (v) => ['/api/diag/tone', { port: v.port, tone: v.tone, seconds: v.seconds }, 'Playing the tone.']),
    test('Loopback test', 'Lift the handset first: for 10 s you hear your own voice through the codec.', [portField()], 'Start loopback',
      (v) => ['/api/diag/loopback', { port: v.port }, 'Speak now: you hear yourself for 10 seconds.']),
    test('"Call me" test', 'The phone rings; answer it to hear an announcement and then your own voice (echo test).', [portField()], 'Call me',
      (v) => ['/api/diag/call-me', { port: v.port }, 'The phone is ringing: answer it.']),
  ];
  for (const t of tests) {
    t.form.addEventListener('submit', (e) => {
      e.preventDefault();
      const v = Object.fromEntries([...t.form.querySelectorAll('[data-field]')].map((el) => [el.dataset.field, el.type === 'number' || el.dataset.field === 'port' ? Number(el.value) : el.value]));
      const [path, body, ok] = t.request(v);
      busy(t.form, t.button, 'Starting…', async () => {
        try { await ctx.api('POST', path, body); } catch (err) { err.message = explain(err, t.name); throw err; }
        return ok;
      });
    });
  }

  // SIP trace
  const trace = h('pre', { class: 'trace', tabindex: '0', 'aria-label': 'SIP trace' }, 'Press "Show trace".');
  const pcap = h('a', { class: 'button-link', href: '/api/sip/trace.pcap?minutes=5', download: 'sip-trace.pcap' }, 'Download as pcap');
  const traceForm = h('form', { class: 'card', novalidate: true },
    h('h2', {}, 'SIP trace'),
    field('Record SIP messages', 'enabled', { type: 'checkbox', help: 'Keeps a copy of every SIP message in memory for troubleshooting.' }),
    field('Period', 'minutes', { type: 'select', options: MINUTES }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show trace'), pcap),
    trace);
  const minutes = traceForm.querySelector('[data-field=minutes]');
  const enabled = traceForm.querySelector('[data-field=enabled]');
  minutes.addEventListener('change', () => { pcap.href = `/api/sip/trace.pcap?minutes=${minutes.value}`; });
  traceForm.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(traceForm, traceForm.querySelector('button[type=submit]'), 'Loading…', async () => {
      try {
        const text = await ctx.api('GET', `/api/sip/trace?minutes=${minutes.value}`);
        trace.textContent = typeof text === 'string' && text !== '' ? text : 'No SIP messages in this period.';
        return 'Trace loaded.';
      } catch (err) { err.message = explain(err, 'The SIP trace'); throw err; }
    });
  });
  enabled.addEventListener('change', async () => {
    try {
      const res = await ctx.api('PUT', '/api/sip/trace/settings', { enabled: enabled.checked });
      enabled.checked = res?.enabled ?? enabled.checked;
      setMessage(traceForm, enabled.checked ? 'Recording SIP messages.' : 'SIP recording is off.', 'ok');
    } catch (err) {
      enabled.checked = !enabled.checked;
      setMessage(traceForm, explain(err, 'The SIP trace setting'), 'error');
    }
  });
  ctx.api('GET', '/api/sip/trace/settings').then((res) => { enabled.checked = res?.enabled === true; }).catch(() => {});

  // Restart
  const restartForm = h('form', { class: 'card', novalidate: true },
    h('h2', {}, 'Restart'),
    h('p', { class: 'help' }, 'Calls on the part you restart end. Settings are kept.'),
    field('Part', 'part', { type: 'select', options: PARTS }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, 'Restart…')));
  restartForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const sel = restartForm.querySelector('[data-field=part]');
    const label = sel.selectedOptions[0]?.textContent ?? sel.value;
    if (!window.confirm(`Restart ${label.toLowerCase()}? Calls on it will end.`)) return;
    busy(restartForm, restartForm.querySelector('button[type=submit]'), 'Restarting…', async () => {
      try { await ctx.api('POST', '/api/system/restart', { part: sel.value }); } catch (err) { err.message = explain(err, 'Restarting'); throw err; }
      const started = Date.now();
      setMessage(restartForm, 'Restarting… waiting for the box to answer again.', 'progress');
      await waitForBox(ctx, () => alive, started);
      return `Back up after ${duration((Date.now() - started) / 1000)}.`;
    });
  });

  // System info
  const info = h('div', { class: 'card' }, h('h2', {}, 'System'), h('p', {}, 'Loading…'));
  const loadInfo = async () => {
    try {
      const s = await ctx.api('GET', '/api/system/info');
      if (alive) replace(info, h('h2', {}, 'System'), systemFacts(s), h('button', { type: 'button', onclick: loadInfo }, 'Refresh'));
    } catch (err) {
      if (alive) replace(info, h('h2', {}, 'System'), h('p', { class: 'error' }, explain(err, 'System information')), h('button', { type: 'button', onclick: loadInfo }, 'Try again'));
    }
  };

  root.append(info, h('h2', {}, 'Phone tests'), h('div', { class: 'grid' }, tests.map((t) => t.form)), traceForm, restartForm);
  loadInfo();
  // The FXS ports for the port pickers.
  const unsubscribe = ctx.status.subscribe((doc) => {
    const ports = (doc.lines?.fxs ?? []).map((p) => p.port);
    for (const sel of root.querySelectorAll('select[data-field=port]')) {
      const current = sel.value;
      if ([...sel.options].map((o) => o.value).join() === ports.join()) continue;
      replace(sel, ports.map((p) => h('option', { value: p, selected: String(p) === current }, `Phone ${p}`)));
    }
  });
  return () => {
    alive = false;
    unsubscribe();
  };
}

function test(name, help, fields, buttonLabel, request) {
  const button = h('button', { type: 'submit', class: 'primary' }, buttonLabel);
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': name }, h('h3', {}, name), h('p', { class: 'help' }, help), fields, h('div', { class: 'actions' }, button));
  return { name, form, button, request };
}

/** Polls GET /api/status until it answers (after the restart had a moment to begin). */
async function waitForBox(ctx, alive, started) {
  await new Promise((r) => setTimeout(r, 1500));
  while (alive()) {
    try {
      await ctx.api('GET', '/api/status');
      return;
    } catch (err) {
      if (err.status === 401) throw err;
      if (Date.now() - started > 120_000) throw new Error('The box did not come back within 2 minutes. Check its power and network.', { cause: err });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

function mb(v) {
  return v === null || v === undefined ? 'unknown' : v >= 1024 ? `${(v / 1024).toFixed(1)} GB` : `${Math.round(v)} MB`;
}

function systemFacts(s) {
  const sd = s.sdCard;
  const sdText = sd ? `${sd.lifeTimeUsed ?? 'unknown'} of its life used${sd.preEol ? `, ${sd.preEol}` : ''}` : 'not reported by this card';
  const rows = [
    ['Firmware version', s.version ?? 'unknown'],
    ['Up for', s.uptimeSeconds === null || s.uptimeSeconds === undefined ? 'unknown' : duration(s.uptimeSeconds)],
    ['Board', s.board ?? 'unknown'],
    ['Host name', s.hostname ?? 'unknown'],
    ['Temperature', s.temperatureC === null || s.temperatureC === undefined ? 'unknown' : `${Number(s.temperatureC).toFixed(1)} °C`],
    ['Memory', s.memory ? `${mb(s.memory.availableMb)} free of ${mb(s.memory.totalMb)}; Dialtone uses ${mb(s.memory.processRssMb)}` : 'unknown'],
    ['Load', Array.isArray(s.loadAverage) ? s.loadAverage.map((x) => Number(x).toFixed(2)).join(', ') : 'unknown'],
    ['SD card wear', sdText],
    ['Data disk', s.dataDisk ? `${mb(s.dataDisk.freeMb)} free of ${mb(s.dataDisk.totalMb)}` : 'unknown'],
    ['Node.js', s.node ?? 'unknown'],
    ['Network', s.network ? [...(s.network.interfaces ?? []).map((i) => `${i.name}: ${(i.addresses ?? []).join(', ')}`), s.network.gateway ? `gateway ${s.network.gateway}` : '', (s.network.dns ?? []).length ? `DNS ${s.network.dns.join(', ')}` : ''].filter(Boolean).join('; ') : 'unknown'],
  ];
  return h('dl', { class: 'facts system-info' }, rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, String(v)))));
}
