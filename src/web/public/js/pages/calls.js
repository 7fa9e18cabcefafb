// The call history: GET /api/calls with filters, "Load more" paging by nextBeforeId,
// and a CSV export of the same filters. On a phone the table becomes stacked cards.
import { h, replace, duration, when } from '../dom.js';
import { field } from '../forms.js';

export const title = 'Call history';

const PAGE = 50;
const DIRECTIONS = { inbound: 'Incoming', outbound: 'Outgoing', internal: 'Internal' };
const DISPOSITIONS = {
  answered: 'Answered', no_answer: 'Not answered', busy: 'Busy', failed: 'Failed', cancelled: 'Cancelled', screened: 'Screened out',
};

export function mount(root, ctx) {
  const form = h('form', { class: 'card filters', novalidate: true, 'aria-label': 'Filter the call history' },
    h('div', { class: 'filter-grid' },
      field('Direction', 'direction', { type: 'select', options: [['', 'Any'], ...Object.entries(DIRECTIONS)] }),
      field('Result', 'disposition', { type: 'select', options: [['', 'Any'], ...Object.entries(DISPOSITIONS)] }),
      field('Number contains', 'number', { inputmode: 'tel', autocomplete: 'off' }),
      field('From date', 'since', { type: 'date' }),
      field('Until date', 'until', { type: 'date' })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Show calls'),
      h('button', { type: 'reset' }, 'Clear filters')));
  const csv = h('a', { class: 'button-link', href: '/api/calls.csv', download: 'calls.csv' }, 'Download as CSV');
  const tbody = h('tbody');
  const table = h('table', { class: 'stack calls-table' },
    h('caption', { class: 'sr-only' }, 'Calls, newest first'),
    h('thead', {}, h('tr', {}, ['When', 'Direction', 'From', 'To', 'Port', 'Result', 'Talk time', 'Quality'].map((t) => h('th', { scope: 'col' }, t)))),
    tbody);
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  const message = h('p', { class: 'form-message', role: 'status', 'aria-live': 'polite' });
  root.append(form, h('p', { class: 'actions' }, csv), h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Calls' }, table), message, h('div', { class: 'actions' }, more));

  let nextBeforeId = null;
  let generation = 0;
  let shown = 0;

  const filters = () => {
    const q = new URLSearchParams();
    const get = (name) => form.querySelector(`[data-field="${name}"]`).value.trim();
    if (get('direction')) q.set('direction', get('direction'));
    if (get('disposition')) q.set('disposition', get('disposition'));
    if (get('number')) q.set('number', get('number'));
    if (get('since')) q.set('since', new Date(`${get('since')}T00:00:00`).toISOString());
    if (get('until')) q.set('until', new Date(`${get('until')}T23:59:59.999`).toISOString());
    return q;
  };

  const load = async (append) => {
    const mine = ++generation;
    const q = filters();
    csv.href = `/api/calls.csv${q.toString() ? `?${q}` : ''}`;
    q.set('limit', String(PAGE));
    if (append && nextBeforeId !== null) q.set('beforeId', String(nextBeforeId));
    more.disabled = true;
    message.textContent = 'Loading…';
    message.className = 'form-message progress';
    try {
      const res = await ctx.api('GET', `/api/calls?${q}`);
      if (mine !== generation) return;
      if (!append) { replace(tbody); shown = 0; }
      for (const c of res.calls ?? []) tbody.append(row(c));
      shown += (res.calls ?? []).length;
      nextBeforeId = res.nextBeforeId ?? null;
      more.hidden = nextBeforeId === null || (res.calls ?? []).length < PAGE;
      message.className = 'form-message';
      message.textContent = shown === 0 ? 'No calls match.' : `${shown} call${shown === 1 ? '' : 's'} shown.`;
    } catch (err) {
      if (mine !== generation) return;
      message.className = 'form-message error';
      message.textContent = err.status === 404
        ? 'This box does not offer the call history here yet (the API answered 404).'
        : `The call history could not load: ${err.message}`;
    } finally {
      more.disabled = false;
    }
  };

  form.addEventListener('submit', (e) => { e.preventDefault(); load(false); });
  form.addEventListener('reset', () => setTimeout(() => load(false), 0));
  more.addEventListener('click', () => load(true));
  load(false);
  // A call that ends goes into the history: show it (unless the reader paged further).
  let active;
  const unsubscribe = ctx.status.subscribe((doc) => {
    const n = (doc.calls ?? []).length;
    if (active !== undefined && n < active && shown <= PAGE) setTimeout(() => load(false), 500);
    active = n;
  });
  return () => {
    generation += 1;
    unsubscribe();
  };
}

function row(c) {
  const talk = c.answeredAt ? duration((c.endedAt - c.answeredAt) / 1000) : '—';
  const quality = c.media ? `${c.media.codec}, MOS ${Number(c.media.mos).toFixed(1)}, loss ${Number(c.media.lossPercent).toFixed(1)} %` : '—';
  const result = DISPOSITIONS[c.disposition] ?? c.disposition;
  return h('tr', { 'data-id': c.id },
    h('td', { 'data-label': 'When' }, when(c.startedAt)),
    h('td', { 'data-label': 'Direction' }, DIRECTIONS[c.direction] ?? c.direction),
    h('td', { 'data-label': 'From' }, c.from),
    h('td', { 'data-label': 'To' }, c.to),
    h('td', { 'data-label': 'Port' }, c.port ?? '—'),
    h('td', { 'data-label': 'Result' }, result, c.hangupCause && c.disposition !== 'answered' ? h('small', { class: 'help' }, ` (${c.hangupCause})`) : null),
    h('td', { 'data-label': 'Talk time' }, talk),
    h('td', { 'data-label': 'Quality' }, quality));
}
