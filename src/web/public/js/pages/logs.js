// The process log: GET /api/logs with level and component filters and an
// auto-refresh toggle, and the log level setting (GET/PUT /api/system/log-level).
import { h, replace, when } from '../dom.js';
import { busy, field, setMessage } from '../forms.js';

export const title = 'Logs';

const LEVELS = [['debug', 'Debug (everything)'], ['info', 'Info'], ['warn', 'Warnings'], ['error', 'Errors only']];
const REFRESH_MS = 5000;

export function mount(root, ctx) {
  const filter = h('form', { class: 'card filters', novalidate: true, 'aria-label': 'Filter the log' },
    h('div', { class: 'filter-grid' },
      field('Lowest level shown', 'level', { type: 'select', options: LEVELS, value: 'info' }),
      field('Component', 'component', { placeholder: 'e.g. dialtone/sip', help: 'The start of the part\'s path.', autocomplete: 'off' }),
      field('Lines', 'limit', { type: 'select', options: [['100', '100'], ['200', '200'], ['500', '500'], ['2000', '2000']], value: '200' })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Show'),
      field('Refresh every 5 seconds', 'auto', { type: 'checkbox' })));
  const levelForm = h('form', { class: 'card', novalidate: true, 'aria-label': 'Log level' },
    h('h2', {}, 'What the box writes to its log'),
    field('Log level', 'level', { type: 'select', options: LEVELS, help: 'Debug is verbose; use it while you look into a problem.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save log level')));
  const list = h('ol', { class: 'log-list', 'aria-label': 'Log lines, newest first' });
  const message = h('p', { class: 'form-message', role: 'status', 'aria-live': 'polite' });
  root.append(filter, message, h('div', { class: 'log-wrap', tabindex: 0, role: 'region', 'aria-label': 'Log lines' }, list), levelForm);

  let timer;
  let generation = 0;
  const value = (form, name) => form.querySelector(`[data-field="${name}"]`);

  const load = async () => {
    const mine = ++generation;
    const q = new URLSearchParams({ level: value(filter, 'level').value, limit: value(filter, 'limit').value });
    const component = value(filter, 'component').value.trim();
    if (component) q.set('component', component);
    try {
      const res = await ctx.api('GET', `/api/logs?${q}`);
      if (mine !== generation) return;
      const entries = res.entries ?? [];
      replace(list, entries.map(entry));
      message.className = 'form-message';
      message.textContent = `${entries.length} line${entries.length === 1 ? '' : 's'}, newest first. Updated ${new Date().toLocaleTimeString()}.`;
    } catch (err) {
      if (mine !== generation) return;
      message.className = 'form-message error';
      message.textContent = err.status === 404 ? 'This box does not offer its log here yet (the API answered 404).' : `The log could not load: ${err.message}`;
    }
  };

  const setAuto = () => {
    clearInterval(timer);
    if (value(filter, 'auto').checked) timer = setInterval(load, REFRESH_MS);
  };

  filter.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  value(filter, 'auto').addEventListener('change', setAuto);
  levelForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const button = levelForm.querySelector('button[type=submit]');
    busy(levelForm, button, 'Saving…', async () => {
      const res = await ctx.api('PUT', '/api/system/log-level', { level: value(levelForm, 'level').value });
      return `The log level is now ${res?.level ?? value(levelForm, 'level').value}.`;
    });
  });

  ctx.api('GET', '/api/system/log-level')
    .then((res) => { if (res?.level) value(levelForm, 'level').value = res.level; })
    .catch((err) => setMessage(levelForm, err.status === 404 ? 'The log level setting is not available here (404).' : err.message, 'error'));
  load();
  return () => {
    generation += 1;
    clearInterval(timer);
  };
}

function entry(e) {
  const level = String(e.level ?? 'info');
  const kind = level === 'error' || level === 'fatal' ? 'bad' : level === 'warn' ? 'warn' : 'ok';
  const fields = e.fields && Object.keys(e.fields).length > 0 ? JSON.stringify(e.fields) : '';
  return h('li', { class: `log-entry level-${level.replace(/[^a-z]/g, '')}` },
    h('time', { datetime: typeof e.at === 'string' ? e.at : undefined }, when(e.at)), ' ',
    h('span', { class: `badge ${kind}` }, level.toUpperCase()), ' ',
    e.component ? h('span', { class: 'log-component' }, e.component) : null, ' ',
    h('span', { class: 'log-message' }, e.message ?? ''),
    fields ? h('code', { class: 'log-fields' }, fields) : null);
}
