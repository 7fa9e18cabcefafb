// The page's shell: first-start setup, login, navigation between pages (#/name),
// and the live status feed the pages share. Pages are modules in ./pages/ that
// export `title` and `mount(root, ctx)` returning an unmount function.
import { api, ApiError, createStatusFeed } from './api.js';
import { h, replace } from './dom.js';
import { field, showErrors, clearErrors } from './forms.js';

const PAGES = [
  { id: 'status', label: 'Status' },
  { id: 'calls', label: 'Call history' },
  { id: 'messages', label: 'Messages' },
  { id: 'accounts', label: 'SIP accounts' },
  { id: 'ports', label: 'Phone ports' },
  { id: 'landline', label: 'Landline' },
  { id: 'dialplan', label: 'Dial plan' },
  { id: 'settings', label: 'Settings' },
  { id: 'diagnostics', label: 'Diagnostics' },
  { id: 'logs', label: 'Logs' },
  { id: 'phone', label: 'Virtual phone', sim: true },
  { id: 'wizard', label: 'Setup wizard', hidden: true },
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const menuButton = document.getElementById('menu-button');
const logoutButton = document.getElementById('logout');
let feed;
let unmount = () => {};
let session;

/** A short message at the bottom of the screen. */
export function toast(text) {
  const el = document.getElementById('toast');
  el.textContent = text;
  el.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove('show'), 4000);
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function setChrome(loggedIn) {
  nav.hidden = !loggedIn;
  menuButton.hidden = !loggedIn;
  logoutButton.hidden = !loggedIn;
}

function renderNav(board) {
  replace(nav, h('ul', {}, PAGES.filter((p) => !p.hidden && (!p.sim || board === 'sim')).map((p) =>
    h('li', {}, h('a', { href: `#/${p.id}`, 'data-page': p.id }, p.label)))));
  markCurrent();
}

function markCurrent() {
  const current = pageId();
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.page === current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function pageId() {
  const m = /^#\/([a-z]+)/.exec(location.hash);
  return m ? m[1] : 'status';
}

function screen(title, ...content) {
  unmount();
  unmount = () => {};
  document.title = `${title} · Dialtone`;
  replace(main, h('section', { class: 'page narrow' }, h('h1', {}, title), content));
  main.querySelector('input')?.focus();
}

function showSetup() {
  setChrome(false);
  const form = h('form', { class: 'card', novalidate: true },
    h('p', {}, 'Welcome. Choose the password that protects this box\'s settings. There is no default password: only you will know it.'),
    h('input', { type: 'text', name: 'username', value: 'admin', autocomplete: 'username', hidden: true }),
    field('New admin password', 'password', { type: 'password', autocomplete: 'new-password', required: true, help: 'At least 8 characters.' }),
    field('Repeat the password', 'repeat', { type: 'password', autocomplete: 'new-password', required: true }),
    h('button', { type: 'submit', class: 'primary' }, 'Set password'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const password = form.querySelector('[data-field=password]').value;
    const repeat = form.querySelector('[data-field=repeat]').value;
    if (password !== repeat) {
      showErrors(form, new ApiError(400, 'invalid', 'The two passwords differ.', { repeat: 'does not match the password' }));
      return;
    }
    try {
      await api('POST', '/api/setup', { password });
      location.hash = '#/wizard';
      await start();
    } catch (err) { showErrors(form, err); }
  });
  screen('Set up Dialtone', form);
}

function showLogin() {
  setChrome(false);
  const form = h('form', { class: 'card', novalidate: true },
    h('input', { type: 'text', name: 'username', value: 'admin', autocomplete: 'username', hidden: true }),
    field('Admin password', 'password', { type: 'password', autocomplete: 'current-password', required: true }),
    h('button', { type: 'submit', class: 'primary' }, 'Log in'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/api/session', { username: 'admin', password: form.querySelector('[data-field=password]').value });
      await start();
    } catch (err) { showErrors(form, err); }
  });
  screen('Log in', form);
}

async function route() {
  markCurrent();
  nav.classList.remove('open');
  menuButton.setAttribute('aria-expanded', 'false');
  const id = pageId();
  const page = PAGES.find((p) => p.id === id) ?? PAGES[0];
  unmount();
  unmount = () => {};
  const root = h('section', { class: 'page', 'aria-labelledby': 'page-title' });
  replace(main, root);
  let mod;
  try {
    mod = await import(`./pages/${page.id}.js`);
  } catch (err) {
    replace(root, h('h1', { id: 'page-title' }, page.label), h('p', { class: 'error' }, `This page could not load: ${err.message}`));
    return;
  }
  if (pageId() !== page.id) return; // navigated away while loading
  document.title = `${mod.title ?? page.label} · Dialtone`;
  root.append(h('h1', { id: 'page-title' }, mod.title ?? page.label));
  const ctx = { api, status: feed, navigate, toast, board: session.board };
  try {
    unmount = mod.mount(root, ctx) ?? (() => {});
  } catch (err) {
    root.append(h('p', { class: 'error' }, `This page failed: ${err.message}`));
  }
  main.focus({ preventScroll: true });
}

async function start() {
  feed?.close();
  const { required } = await api('GET', '/api/setup');
  if (required) return showSetup();
  let status;
  try {
    status = await api('GET', '/api/status');
  } catch (err) {
    if (err.status === 401) return showLogin();
    throw err;
  }
  session = { board: status.board };
  feed = createStatusFeed();
  setChrome(true);
  renderNav(status.board);
  await route();
}

menuButton.addEventListener('click', () => {
  const open = nav.classList.toggle('open');
  menuButton.setAttribute('aria-expanded', String(open));
});
logoutButton.addEventListener('click', async () => {
  unmount();
  unmount = () => {};
  feed?.close();
  await api('DELETE', '/api/session').catch(() => {});
  location.hash = '';
  await start();
});
window.addEventListener('hashchange', () => { if (session && !nav.hidden) route(); });
window.addEventListener('dialtone:logged-out', () => { if (!nav.hidden) { feed?.close(); start(); } });

start().catch((err) => replace(main, h('p', { class: 'error', role: 'alert' }, `The box did not answer: ${err.message}`)));
