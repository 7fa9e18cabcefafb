// The status page: registrations, each phone port in words, the calls in progress
// with live RTP charts and audio level meters, and the supervision tree's health,
// all live from the shared status feed (server-sent events).
import { h, replace, duration } from '../dom.js';
import { lineChart } from '../chart.js';

export const title = 'Status';

const WINDOW_MS = 120_000;

const REG_STATES = {
  registered: ['Registered', 'ok'],
  registering: ['Registering…', 'warn'],
  resolving: ['Looking up the server…', 'warn'],
  failed: ['Not registered', 'bad'],
  'not-registering': ['Registration off', 'warn'],
  stopped: ['Stopped', 'warn'],
};

const TONES = {
  dial: 'dial tone', ringback: 'ringback', busy: 'busy tone', reorder: 'reorder tone (fast busy)',
  callWaiting: 'call-waiting tone', stutter: 'stutter dial tone', howler: 'off-hook warning', confirmation: 'confirmation tone',
};

const DIRECTIONS = { inbound: 'Incoming', outbound: 'Outgoing', internal: 'Internal' };
const CALL_STATES = { setup: 'Setting up', ringing: 'Ringing', connected: 'Talking', ended: 'Ended' };

export function mount(root, ctx) {
  const regs = h('div', { class: 'mon-section' });
  const ports = h('div', { class: 'mon-section' });
  const calls = h('div', { class: 'mon-section' });
  const health = h('p', { class: 'mon-health' }, 'Waiting for the box…');
  root.append(
    health,
    h('h2', {}, 'SIP registrations'), regs,
    h('h2', {}, 'Phone ports'), ports,
    h('h2', {}, 'Calls in progress'), calls);

  /** Per call id: RTP samples [{t, loss, jitter, mos}] and when we last heard of it. */
  const history = new Map();
  let last;
  let receivedAt = Date.now();

  const render = () => {
    if (last === undefined) return;
    renderHealth(health, last);
    renderRegistrations(regs, last.sip?.registrations ?? []);
    renderPorts(ports, last.lines ?? { fxs: [], fxo: [] }, last.calls ?? []);
    renderCalls(calls, last.calls ?? [], history, (Date.now() - receivedAt) / 1000);
  };

  const unsubscribe = ctx.status.subscribe((doc) => {
    last = doc;
    receivedAt = Date.now();
    const now = Date.now();
    for (const c of doc.calls ?? []) {
      if (!history.has(c.id)) history.set(c.id, []);
      const m = c.media;
      if (m) history.get(c.id).push({ t: now, loss: m.lossPercent, jitter: m.jitterMs, mos: m.mos });
    }
    const live = new Set((doc.calls ?? []).map((c) => c.id));
    for (const [id, samples] of history) {
      if (!live.has(id)) history.delete(id);
      else while (samples.length > 0 && samples[0].t < now - WINDOW_MS) samples.shift();
    }
    render();
  });
  // Durations and the charts' time axis move on between updates.
  const timer = setInterval(render, 1000);
  return () => {
    unsubscribe();
    clearInterval(timer);
  };
}

function badge(text, kind) {
  return h('span', { class: `badge ${kind}` }, text);
}

function renderHealth(el, doc) {
  const trouble = [];
  let restarts = 0;
  const walk = (node) => {
    restarts += node.restarts ?? 0;
    if (node !== doc.supervision && node.state !== 'running') trouble.push(`${node.path ?? node.id} is ${node.state}${node.lastError ? ` (${node.lastError})` : ''}`);
    for (const c of node.children ?? []) walk(c);
  };
  if (doc.supervision) walk(doc.supervision);
  const ok = doc.healthy !== false && trouble.length === 0;
  replace(el,
    badge(ok ? 'Healthy' : 'Trouble', ok ? 'ok' : 'bad'), ' ',
    ok ? 'Every part of the service is running' : trouble.join('; ') || 'Some part of the service is not running',
    restarts > 0 ? `; ${restarts} restart${restarts === 1 ? '' : 's'} since start` : '',
    `. Up ${duration(doc.uptimeSeconds ?? 0)}, version ${doc.version ?? '?'}.`);
}

function renderRegistrations(el, registrations) {
  if (registrations.length === 0) {
    replace(el, h('p', { class: 'card' }, 'No SIP account is set up yet, so the phones can only call each other. ',
      h('a', { href: '#/wizard' }, 'Set up an account with the setup wizard'), '.'));
    return;
  }
  replace(el, h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Table of registrations' }, h('table', { class: 'stack' },
    h('caption', { class: 'sr-only' }, 'SIP registrations'),
    h('thead', {}, h('tr', {}, ['Account', 'State', 'Server', 'Expires', 'Problem'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, registrations.map((r) => {
      const [word, kind] = REG_STATES[r.state] ?? [r.state, 'warn'];
      return h('tr', {},
        h('td', { 'data-label': 'Account' }, r.id),
        h('td', { 'data-label': 'State' }, badge(word, kind)),
        h('td', { 'data-label': 'Server' }, r.server ?? '', r.registrar && r.registrar !== r.server ? h('small', { class: 'help' }, ` (${r.registrar})`) : null),
        h('td', { 'data-label': 'Expires' }, r.expiresAt ? expiresIn(r.expiresAt) : '—'),
        h('td', { 'data-label': 'Problem' }, r.error ?? (r.lastStatus && r.lastStatus >= 300 ? `The server answered ${r.lastStatus}` : '—')));
    })))));
}

function expiresIn(iso) {
  const s = (new Date(iso).getTime() - Date.now()) / 1000;
  return Number.isFinite(s) ? (s > 0 ? `in ${duration(s)}` : 'expired') : iso;
}

/** The active call a port is in (or ringing for). */
function callOf(port, calls) {
  return calls.find((c) => c.port === port || (c.phones ?? []).includes(port)) ?? calls.find((c) => (c.ringing ?? []).includes(port));
}

/** The other party of `call` seen from `port`. */
function otherParty(port, call) {
  if (call.direction === 'inbound') return call.from;
  if (call.direction === 'outbound') return call.to;
  // Between two phones: the caller's phone is the first of `phones`.
  const caller = (call.phones ?? [])[0] ?? call.port;
  return caller === port ? call.to : call.from;
}

/** A port's state in words. */
export function portWords(p, calls) {
  const call = callOf(p.port, calls);
  const other = call ? otherParty(p.port, call) : '';
  const tone = p.tone ? TONES[p.tone] ?? p.tone : '';
  if (p.fault) return [p.fault, 'bad'];
  switch (p.phase) {
    case 'idle': return ['On hook', 'ok'];
    case 'ringing': return [other ? `Ringing: call from ${other}` : 'Ringing', 'warn'];
    case 'dialing': return [p.digits ? `Dialing ${p.digits}…` : tone ? `Off hook, ${tone}` : 'Off hook, dialing', 'warn'];
    case 'proceeding': return [`Calling ${other}${tone ? ` (hears ${tone})` : ''}`.replace('Calling  ', 'Calling '), 'warn'];
    case 'connected': return [other ? `Talking with ${other}` : 'Talking', 'ok'];
    case 'confirming': return [`Off hook, ${tone || 'confirmation tone'}`, 'warn'];
    case 'lockout': return [`Left off hook${tone ? ` (${tone})` : ''}`, 'bad'];
    default: return [p.phase ?? 'unknown', 'warn'];
  }
}

function renderPorts(el, lines, calls) {
  const rows = [
    ...(lines.fxs ?? []).map((p) => ({ name: `Phone ${p.port}`, words: portWords(p, calls), extra: p.messageWaiting ? 'Message waiting' : '' })),
    ...(lines.fxo ?? []).map((p) => ({ name: `Landline ${p.port}`, words: fxoWords(p), extra: '' })),
  ];
  if (rows.length === 0) {
    replace(el, h('p', {}, 'This board has no phone ports configured. ', h('a', { href: '#/ports' }, 'Set up the phone ports'), '.'));
    return;
  }
  replace(el, h('ul', { class: 'port-list' }, rows.map((r) => h('li', { class: 'card port' },
    h('strong', {}, r.name), ' ', badge(r.words[0], r.words[1]), r.extra ? h('small', { class: 'help' }, ` ${r.extra}`) : null))));
}

function fxoWords(p) {
  if (p.fault) return [p.fault, 'bad'];
  if (p.ringing) return ['Ringing', 'warn'];
  if (p.phase === 'connected' || p.offHook) return ['In use', 'ok'];
  if (p.phase && p.phase !== 'idle') return [String(p.phase), 'warn'];
  return ['Idle', 'ok'];
}

function renderCalls(el, calls, history, sinceUpdate) {
  if (calls.length === 0) {
    replace(el, h('p', {}, 'No calls right now.'));
    return;
  }
  replace(el, calls.map((c) => {
    const m = c.media;
    const samples = history.get(c.id) ?? [];
    return h('article', { class: 'card call', 'data-call': c.id },
      h('h3', {}, `${DIRECTIONS[c.direction] ?? c.direction}: ${c.from} → ${c.to}`),
      h('dl', { class: 'facts' },
        fact('State', CALL_STATES[c.state] ?? c.state),
        fact('Duration', duration((c.durationSeconds ?? 0) + sinceUpdate)),
        fact('Port', c.port === null || c.port === undefined ? '—' : `Phone ${c.port}`),
        fact('Via', c.via === 'sip' ? `SIP${c.account ? ` (${c.account})` : ''}` : c.via),
        fact('Codec', m?.codec ?? '—'),
        m?.rttMs !== undefined ? fact('Round trip', `${m.rttMs} ms`) : null),
      m ? [
        h('div', { class: 'meters' },
          meter('Phone microphone (sent)', m.txLevelDbm0),
          meter('Far end (heard on the phone)', m.rxLevelDbm0)),
        h('div', { class: 'charts' },
          lineChart(samples.map((s) => ({ t: s.t, v: s.loss })), { title: 'Packet loss', unit: '%', min: 0, max: 5, digits: 1 }),
          lineChart(samples.map((s) => ({ t: s.t, v: s.jitter })), { title: 'Jitter', unit: 'ms', min: 0, max: 20, digits: 0 }),
          lineChart(samples.map((s) => ({ t: s.t, v: s.mos })), { title: 'Call quality (MOS)', unit: 'MOS', min: 1, max: 5, digits: 1 })),
      ] : h('p', { class: 'help' }, 'No audio figures yet (the call is not connected, or it is between two phones of this box).'));
  }));
}

function fact(name, value) {
  return h('div', {}, h('dt', {}, name), h('dd', {}, value));
}

/** An audio level meter, −60 … 0 dBm0, with its figure in words. */
function meter(label, dbm0) {
  const v = Number.isFinite(dbm0) ? Math.max(-60, Math.min(0, dbm0)) : -60;
  const id = `meter-${label.replace(/\W+/g, '-')}-${Math.random().toString(36).slice(2, 7)}`;
  const words = !Number.isFinite(dbm0) || dbm0 <= -55 ? 'silent' : dbm0 > -6 ? 'too loud' : dbm0 < -40 ? 'quiet' : 'good';
  return h('div', { class: 'meter-row' },
    h('label', { for: id }, label),
    h('meter', { id, min: -60, max: 0, low: -40, high: -6, optimum: -20, value: v }, `${dbm0} dBm0`),
    h('span', { class: 'meter-value' }, `${Number.isFinite(dbm0) ? dbm0.toFixed(0) : '—'} dBm0 (${words})`));
}
