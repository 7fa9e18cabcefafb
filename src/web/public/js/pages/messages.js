// The answering machine's messages (call screening with "take a message"): GET /api/messages,
// one card per message with the caller, when, how long, a player, "Mark as heard" and "Delete".
// Playing a message marks it heard (in place). The list refreshes when a call ends (a new message may be in).
import { h, replace, duration, when } from '../dom.js';

export const title = 'Messages';

export function mount(root, ctx) {
  const summary = h('p', { class: 'form-message', role: 'status', 'aria-live': 'polite' }, 'Loading…');
  const list = h('ul', { class: 'messages', 'aria-label': 'Messages, newest first' });
  root.append(
    h('p', { class: 'help' }, 'Unknown callers leave these when call screening is set to take a message (Settings, Call screening). The newest 100 are kept.'),
    summary, list);

  let generation = 0;
  let stopped = false;
  /** The messages on the page, as last loaded (their `heard` kept up to date). */
  let shown = [];

  const summarise = () => {
    const unheard = shown.filter((m) => !m.heard).length;
    summary.className = 'form-message';
    summary.textContent = shown.length === 0
      ? 'No messages.'
      : `${shown.length} message${shown.length === 1 ? '' : 's'}, ${unheard} new.`;
  };

  const load = async () => {
    const mine = ++generation;
    try {
      const res = await ctx.api('GET', '/api/messages');
      if (mine !== generation || stopped) return;
      shown = res.messages ?? [];
      replace(list, shown.map((m) => item(m)));
      summarise();
    } catch (err) {
      if (mine !== generation || stopped) return;
      summary.className = 'form-message error';
      summary.textContent = `The messages could not load: ${err.message}`;
    }
  };

  const setHeard = async (m, heard) => {
    try {
      await ctx.api('PATCH', `/api/messages/${m.id}`, { heard });
      await load();
    } catch (err) {
      ctx.toast(`Could not update the message: ${err.message}`);
    }
  };

  const remove = async (m) => {
    if (!window.confirm(`Delete the message from ${caller(m)}? It cannot be undone.`)) return;
    try {
      await ctx.api('DELETE', `/api/messages/${m.id}`);
      ctx.toast('Message deleted.');
      await load();
    } catch (err) {
      ctx.toast(`Could not delete the message: ${err.message}`);
    }
  };

  // Playing marks a message heard where it stands: rebuilding the list would take the
  // playing <audio> out of the document, which pauses it.
  const heardInPlace = async (m, card) => {
    try {
      await ctx.api('PATCH', `/api/messages/${m.id}`, { heard: true });
    } catch (err) {
      ctx.toast(`Could not update the message: ${err.message}`);
      return;
    }
    m.heard = true;
    card.classList.remove('unheard');
    card.querySelector('.badge')?.remove();
    const toggle = card.querySelector('button[data-action="heard"]');
    if (toggle !== null) toggle.textContent = 'Mark as new';
    summarise();
  };

  const item = (m) => {
    const heading = `${caller(m)}, ${when(m.receivedAt)}`;
    const headingId = `message-${m.id}-title`;
    const player = h('audio', { controls: true, preload: 'none', src: m.audioUrl, 'aria-label': `Play the message from ${caller(m)}` });
    const problem = h('p', { class: 'error', hidden: true });
    player.addEventListener('error', () => {
      problem.hidden = false;
      problem.textContent = 'The recording cannot be played (its file is missing or damaged). You can delete the message.';
    });
    const card = h('li', { class: `card message${m.heard ? '' : ' unheard'}`, 'aria-labelledby': headingId, 'data-id': m.id },
      h('h2', { id: headingId }, m.heard ? null : h('span', { class: 'badge' }, 'New '), heading),
      h('p', {}, `Length ${duration(m.durationMs / 1000)} · landline port ${m.port}`),
      player,
      problem,
      h('div', { class: 'actions' },
        h('button', { type: 'button', 'data-action': 'heard', onclick: () => setHeard(m, !m.heard) }, m.heard ? 'Mark as new' : 'Mark as heard'),
        h('button', { type: 'button', class: 'danger', onclick: () => remove(m) }, 'Delete')));
    player.addEventListener('play', () => { if (!m.heard) heardInPlace(m, card); }, { once: true });
    return card;
  };

  load();
  let active;
  const unsubscribe = ctx.status.subscribe((doc) => {
    const n = (doc.calls ?? []).length;
    if (active !== undefined && n < active) setTimeout(load, 500);
    active = n;
  });
  return () => {
    stopped = true;
    generation += 1;
    unsubscribe();
  };
}

function caller(m) {
  const name = m.callerName ? `${m.callerName} ` : '';
  const number = m.from ?? 'a withheld number';
  return m.callerName ? `${name}(${number})` : number;
}
