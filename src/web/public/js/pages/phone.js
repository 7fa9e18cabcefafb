// The virtual phone (simulated board only): lift and hang up, flash, a keypad (also
// from the keyboard), the caller ID display and ringing, what the earpiece hears,
// and its sound over the WebSocket /api/sim/fxs/:port/audio (earpiece out, mic in).
import { h, replace, uid } from '../dom.js';
import { createPhoneAudio } from '../phone-audio.js';

export const title = 'Virtual phone';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const HEARING = {
  silence: 'silence', dial: 'dial tone', ringback: 'ringback', busy: 'busy tone', reorder: 'reorder tone (fast busy)',
  stutter: 'stutter dial tone (message waiting)', callwaiting: 'call-waiting tone', voice: 'a voice',
};

export function mount(root, ctx) {
  if (ctx.board !== 'sim') {
    root.append(h('p', {}, 'The virtual phone exists only on the simulated board (npm start).'));
    return () => {};
  }
  let alive = true;
  let ws;
  let retry;
  let state;
  let frames = 0;
  let dialing = Promise.resolve();
  const audio = createPhoneAudio((frame) => { if (ws?.readyState === WebSocket.OPEN) ws.send(frame.buffer); });

  const portId = uid('port');
  const portSelect = h('select', { id: portId });
  const hookButton = h('button', { type: 'button', class: 'primary hook-button', disabled: true }, 'Pick up');
  const flashButton = h('button', { type: 'button', disabled: true }, 'Flash');
  const display = h('div', { class: 'phone-display', role: 'status', 'aria-live': 'polite' }, 'Connecting…');
  const ringing = h('p', { class: 'phone-ringing', 'aria-live': 'assertive' });
  const hearing = h('p', { class: 'phone-hearing' }, 'Earpiece: —');
  const digits = h('p', { class: 'phone-digits' });
  const keypad = h('div', { class: 'keypad', role: 'group', 'aria-label': 'Keypad (you can also type 0-9, * and #)' },
    KEYS.map((k) => h('button', { type: 'button', class: 'key', 'data-key': k, 'aria-label': k === '*' ? 'star' : k === '#' ? 'hash' : k, onclick: () => dial(k) }, k)));
  const soundButton = h('button', { type: 'button', 'aria-pressed': 'false' }, 'Turn on sound');
  const micButton = h('button', { type: 'button', 'aria-pressed': 'false' }, 'Turn on microphone');
  const soundNote = h('p', { class: 'help', 'aria-live': 'polite' }, 'Sound is off. Turn it on to hear the earpiece; the microphone lets you talk.');
  const message = h('p', { class: 'form-message', role: 'status', 'aria-live': 'polite' });
  const panel = h('div', { class: 'phone-panel', 'data-frames': '0', 'data-socket': 'connecting' },
    h('div', { class: 'field' }, h('label', { for: portId }, 'Phone port'), portSelect),
    display, ringing, hearing, digits,
    h('div', { class: 'actions phone-actions' }, hookButton, flashButton),
    keypad,
    h('div', { class: 'card phone-sound' }, h('h2', {}, 'Sound'), h('div', { class: 'actions' }, soundButton, micButton), soundNote),
    message);
  root.append(h('p', { class: 'help' }, 'A telephone on a port of the simulated board. Pick up to hear dial tone, then dial an extension.'), panel);

  const port = () => Number(portSelect.value);

  const post = async (path, body) => {
    try {
      const res = await ctx.api('POST', `/api/sim/fxs/${port()}/${path}`, body);
      if (res && typeof res === 'object' && 'hook' in res) show(res);
      message.className = 'form-message';
      message.textContent = '';
      return res;
    } catch (err) {
      message.className = 'form-message error';
      message.textContent = err.message;
      return undefined;
    }
  };

  function dial(key) {
    if (state?.hook !== 'off') {
      message.className = 'form-message error';
      message.textContent = 'Pick up first, then dial.';
      return;
    }
    const button = keypad.querySelector(`[data-key="${CSS.escape(key)}"]`);
    button?.classList.add('pressed');
    setTimeout(() => button?.classList.remove('pressed'), 200);
    dialing = dialing.then(() => post('dial', { digits: key, mode: 'dtmf' }));
  }

  function show(s) {
    state = s;
    const off = s.hook === 'off';
    hookButton.textContent = off ? 'Hang up' : 'Pick up';
    hookButton.classList.toggle('danger', off);
    hookButton.classList.toggle('primary', !off);
    hookButton.disabled = false;
    flashButton.disabled = !off;
    const cid = s.callerId;
    const who = cid ? [cid.name, cid.number].filter(Boolean).join(' ') || 'Private number' : '';
    replace(display, off ? 'Off hook' : 'On hook', who ? h('span', { class: 'phone-cid' }, ` · Caller: ${who}`) : '');
    ringing.textContent = s.ringing || (!off && s.rings > 0) ? `Ringing${s.rings > 1 ? ` (${s.rings} rings)` : ''}${who ? ` — ${who}` : ''}` : '';
    panel.dataset.ringing = String(s.ringing);
    hearing.textContent = `Earpiece: ${off ? HEARING[s.hearing] ?? s.hearing : 'nothing (on hook)'}`;
    digits.textContent = s.digitsHeard ? `Tones heard: ${s.digitsHeard}` : '';
  }

  const connect = () => {
    clearTimeout(retry);
    ws?.close();
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${proto}//${location.host}/api/sim/fxs/${port()}/audio`);
    socket.binaryType = 'arraybuffer';
    ws = socket;
    panel.dataset.socket = 'connecting';
    socket.onopen = () => { panel.dataset.socket = 'open'; };
    socket.onmessage = (e) => {
      if (typeof e.data === 'string') {
        try {
          const msg = JSON.parse(e.data);
          if (msg.type === 'state') show(msg);
        } catch { /* not ours */ }
        return;
      }
      frames += 1;
      if (frames % 5 === 0 || frames < 5) panel.dataset.frames = String(frames);
      audio.pushEarpiece(new Int16Array(e.data));
    };
    socket.onclose = () => {
      if (ws !== socket || !alive) return;
      panel.dataset.socket = 'closed';
      display.textContent = 'The connection to the box was lost; reconnecting…';
      retry = setTimeout(connect, 2000);
    };
  };

  hookButton.addEventListener('click', () => post('hook', { state: state?.hook === 'off' ? 'on' : 'off' }));
  flashButton.addEventListener('click', () => post('flash'));
  portSelect.addEventListener('change', () => { frames = 0; connect(); });
  soundButton.addEventListener('click', async () => {
    const on = soundButton.getAttribute('aria-pressed') !== 'true';
    try {
      if (on) await audio.start();
      else { audio.close(); micButton.setAttribute('aria-pressed', 'false'); micButton.textContent = 'Turn on microphone'; }
      soundButton.setAttribute('aria-pressed', String(on));
      soundButton.textContent = on ? 'Turn off sound' : 'Turn on sound';
      soundNote.textContent = on ? 'Sound is on: you hear the earpiece.' : 'Sound is off.';
    } catch (err) {
      soundNote.textContent = `Sound could not start: ${err.message}`;
    }
  });
  micButton.addEventListener('click', async () => {
    const on = micButton.getAttribute('aria-pressed') !== 'true';
    if (!on) {
      audio.stopMic();
      micButton.setAttribute('aria-pressed', 'false');
      micButton.textContent = 'Turn on microphone';
      soundNote.textContent = 'Microphone off: the phone hears silence.';
      return;
    }
    const why = await audio.startMic();
    if (why === null) {
      micButton.setAttribute('aria-pressed', 'true');
      micButton.textContent = 'Turn off microphone';
      soundButton.setAttribute('aria-pressed', 'true');
      soundButton.textContent = 'Turn off sound';
      soundNote.textContent = 'Sound and microphone are on: talk into your computer.';
    } else {
      soundNote.textContent = `${why} The phone still works: you can listen, dial and see caller ID.`;
    }
  });
  const onKey = (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t instanceof HTMLElement && (t.matches('input, select, textarea') || t.isContentEditable)) return;
    if (KEYS.includes(e.key)) { e.preventDefault(); dial(e.key); }
  };
  document.addEventListener('keydown', onKey);

  ctx.api('GET', '/api/sim').then((sim) => {
    if (!alive) return;
    const ports = (sim.fxs ?? []).map((p) => p.port);
    if (ports.length === 0) { display.textContent = 'This board has no phone ports.'; return; }
    replace(portSelect, ports.map((p) => h('option', { value: p }, `Phone ${p}`)));
    connect();
  }).catch((err) => { display.textContent = `The simulated board did not answer: ${err.message}`; });

  return () => {
    alive = false;
    clearTimeout(retry);
    document.removeEventListener('keydown', onKey);
    ws?.close();
    audio.close();
  };
}
