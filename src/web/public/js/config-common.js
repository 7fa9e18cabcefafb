// Helpers shared by the configuration pages: the schema's help texts, plain-word
// registration states, reorderable lists, and loading with a readable failure.
import { h, replace } from './dom.js';
import { field } from './forms.js';

let schemaPromise;
/** The provisioning schema (GET /api/schema), cached; {} when the box does not serve it. */
export function loadSchema(api) {
  schemaPromise ??= api('GET', '/api/schema').catch(() => { schemaPromise = undefined; return {}; });
  return schemaPromise;
}

/** The schema node at a path like ['accounts', 'server'] or ['lines', 'features', 'hotline']. */
export function schemaNode(schema, path) {
  let node = schema;
  for (const key of path) {
    if (!node) return undefined;
    if (node.type === 'array' && node.items) node = node.items;
    node = node.properties?.[key];
  }
  return node;
}

/** The description of a field, for help text ('' when unknown). */
export function helpFor(schema, ...path) {
  return schemaNode(schema, path)?.description ?? '';
}

/** The allowed values of an enum/anyOf-const field, or the fallback. */
export function choicesFor(schema, path, fallback) {
  const node = schemaNode(schema, path);
  if (node?.enum) return node.enum;
  if (node?.anyOf) return node.anyOf.map((a) => a.const).filter((v) => v !== undefined);
  return fallback;
}

/** A labelled field with the schema's description as its help. */
export function sfield(schema, path, label, name, opts = {}) {
  const help = [opts.help, helpFor(schema, ...path)].filter(Boolean).join(' ');
  const node = schemaNode(schema, path);
  return field(label, name, { min: node?.minimum, max: node?.maximum, ...opts, help: help || undefined });
}

/** Removes undefined and '' values (the API treats a missing field as "default"). */
export function compact(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === '') continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const inner = compact(v);
      if (Object.keys(inner).length > 0) out[k] = inner;
    } else out[k] = v;
  }
  return out;
}

/** A registration in plain words: { text, kind: 'ok'|'warn'|'bad' }. */
export function registrationWords(reg, account) {
  if (account && account.enabled === false) return { text: 'Turned off', kind: 'warn' };
  if (account && account.register === false) return { text: 'Not registering (calls go straight to the server)', kind: 'ok' };
  if (!reg) return { text: 'Waiting for the first attempt…', kind: 'warn' };
  const err = String(reg.error ?? '').toLowerCase();
  const status = reg.lastStatus;
  switch (reg.state) {
    case 'registered': return { text: 'Registered', kind: 'ok' };
    case 'registering': return { text: 'Connecting to the server…', kind: 'warn' };
    case 'unregistered': return { text: 'Not registered', kind: 'warn' };
    default: break;
  }
  if (status === 401 || status === 407 || err.includes('authentication')) return { text: 'Wrong password or username', kind: 'bad' };
  if (status === 403) return { text: 'The server refused this account (forbidden)', kind: 'bad' };
  if (status === 404) return { text: 'The server does not know this username', kind: 'bad' };
  if (err.includes('timeout') || err.includes('timer') || err.includes('no answer') || err.includes('transport')) {
    return { text: 'The server does not answer (check the server address and the network)', kind: 'bad' };
  }
  if (err.includes('resolve') || err.includes('dns') || err.includes('enotfound')) return { text: 'The server name could not be found', kind: 'bad' };
  return { text: `Registration failed${reg.error ? `: ${reg.error}` : status ? ` (${status})` : ''}`, kind: 'bad' };
}

/** A status badge. */
export function badge(words) {
  return h('span', { class: `badge ${words.kind}` }, words.text);
}

/**
 * Loads data for a page: shows "Loading…" in `into`, then calls render(data) with the
 * results; on failure shows the error in plain words (a 404 means the box does not have
 * that part yet).
 */
export async function loadInto(into, loaders, render) {
  replace(into, h('p', { class: 'help', role: 'status' }, 'Loading…'));
  try {
    const data = await Promise.all(loaders.map((fn) => fn()));
    replace(into);
    render(...data);
  } catch (err) {
    replace(into, h('p', { class: 'error', role: 'alert' }, loadError(err)));
  }
}

/** A loading error in plain words. */
export function loadError(err) {
  if (err?.status === 404) return `This box does not offer this yet (${err.message}). Update the firmware, or try again later.`;
  return `Could not load: ${err?.message ?? err}`;
}

/**
 * A list whose order matters, with Up/Down buttons (keyboard accessible: the moved item's
 * button keeps focus). items: [{ key, label, checked }]; checkable adds a checkbox per item.
 * Returns { el, value() → keys in order (checked only when checkable) }.
 */
export function orderList({ label, name, items, checkable = false, help }) {
  let order = items.map((it) => ({ ...it }));
  const list = h('ol', { class: 'order-list', 'data-field': name, tabindex: '-1', 'aria-label': label });
  const live = h('span', { class: 'visually-hidden', 'aria-live': 'polite' });
  const move = (i, by, focusSel) => {
    const j = i + by;
    if (j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j], order[i]];
    draw();
    live.textContent = `${order[j].label} moved to position ${j + 1} of ${order.length}.`;
    list.children[j]?.querySelector(focusSel)?.focus();
  };
  const draw = () => {
    replace(list, order.map((it, i) => h('li', {},
      checkable
        ? h('label', { class: 'order-check' }, h('input', { type: 'checkbox', checked: it.checked !== false, onchange: (e) => { it.checked = e.target.checked; } }), ` ${it.label}`)
        : h('span', {}, it.label),
      h('span', { class: 'order-buttons' },
        h('button', { type: 'button', class: 'small', 'data-move': 'up', 'aria-label': `Move ${it.label} up`, disabled: i === 0, onclick: () => move(i, -1, i - 1 === 0 ? '[data-move=down]' : '[data-move=up]') }, '↑'),
        h('button', { type: 'button', class: 'small', 'data-move': 'down', 'aria-label': `Move ${it.label} down`, disabled: i === order.length - 1, onclick: () => move(i, 1, i + 1 === order.length - 1 ? '[data-move=up]' : '[data-move=down]') }, '↓')))));
  };
  draw();
  const el = h('div', { class: 'field' },
    h('span', { class: 'label' }, label),
    list, live,
    help ? h('small', { class: 'help' }, help) : null,
    h('small', { class: 'field-error', role: 'alert' }));
  return {
    el,
    value: () => order.filter((it) => !checkable || it.checked !== false).map((it) => it.key),
    set: (items2) => { order = items2.map((it) => ({ ...it })); draw(); },
  };
}

/** Asks before a destructive action (the browser's own dialog: keyboard and screen-reader friendly). */
export function confirmAction(text) {
  return window.confirm(text);
}

/** Account choices for a select: [['', none], ['main', 'main (alice@host)']…]. */
export function accountOptions(accounts, noneLabel = '— none —') {
  return [['', noneLabel], ...accounts.map((a) => [a.id, `${a.id} (${a.username}@${a.server})`])];
}
