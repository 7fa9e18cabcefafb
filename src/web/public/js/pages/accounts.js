// SIP accounts: the list with each one's live registration, and a form with every
// field of an Account (add or edit); delete after a confirmation.
import { h, replace } from '../dom.js';
import { busy, valueOf, setMessage } from '../forms.js';
import { ApiError } from '../api.js';
import { loadSchema, sfield, compact, registrationWords, badge, loadInto, choicesFor, orderList, confirmAction } from '../config-common.js';

export const title = 'SIP accounts';

const CODECS = { PCMU: 'G.711 µ-law (PCMU)', PCMA: 'G.711 A-law (PCMA)', G722: 'G.722 wideband' };

export function mount(root, ctx) {
  const { api } = ctx;
  let accounts = [];
  let schema = {};
  let lastStatus;
  const listArea = h('div', { class: 'accounts-list' });
  const formArea = h('div');
  const addBtn = h('button', { type: 'button', class: 'primary', onclick: () => openForm(undefined) }, 'Add account');
  const content = h('div');
  root.append(content);

  const regOf = (id) => lastStatus?.sip?.registrations?.find((r) => r.id === id);

  const drawStates = () => {
    for (const cell of listArea.querySelectorAll('[data-reg]')) {
      const account = accounts.find((a) => a.id === cell.dataset.reg);
      replace(cell, badge(registrationWords(regOf(cell.dataset.reg), account)));
    }
  };

  const drawList = () => {
    if (accounts.length === 0) {
      replace(listArea, h('p', {}, 'No SIP account yet. Add the account your provider gave you.'));
      return;
    }
    replace(listArea, h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Table of accounts' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'SIP accounts and their registration'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Account'), h('th', { scope: 'col' }, 'User and server'), h('th', { scope: 'col' }, 'Registration'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', {}, accounts.map((a) => h('tr', { 'data-account': a.id },
        h('th', { scope: 'row' }, a.id, a.displayName ? h('div', { class: 'help' }, a.displayName) : null),
        h('td', {}, `${a.username}@${a.server}`, a.transport && a.transport !== 'udp' ? ` (${a.transport.toUpperCase()})` : ''),
        h('td', { 'data-reg': a.id, 'aria-live': 'polite' }),
        h('td', {}, h('div', { class: 'actions' },
          h('button', { type: 'button', onclick: () => openForm(a), 'aria-label': `Edit ${a.id}` }, 'Edit'),
          h('button', { type: 'button', class: 'danger', onclick: () => remove(a), 'aria-label': `Delete ${a.id}` }, 'Delete')))))))));
    drawStates();
  };

  const reload = async () => {
    const res = await api('GET', '/api/accounts');
    accounts = res?.accounts ?? [];
    drawList();
  };

  async function remove(a) {
    if (!confirmAction(`Delete the SIP account "${a.id}"? Phones using it can no longer call through it.`)) return;
    const msg = h('p', { role: 'alert' });
    try {
      await api('DELETE', `/api/accounts/${encodeURIComponent(a.id)}`);
      ctx.toast(`Account ${a.id} deleted.`);
      replace(formArea);
      await reload();
    } catch (err) {
      const why = Object.values(err.fields ?? {}).join('; ');
      msg.className = 'error';
      msg.textContent = `Could not delete ${a.id}: ${err.message}${why ? ` (${why})` : ''}`;
      listArea.append(msg);
    }
  }

  function openForm(existing) {
    const a = existing ?? {};
    const isNew = existing === undefined;
    const transports = choicesFor(schema, ['accounts', 'transport'], ['udp', 'tcp', 'tls']);
    const dtmf = choicesFor(schema, ['accounts', 'dtmfMode'], ['rfc4733', 'inband', 'info']);
    const srtp = choicesFor(schema, ['accounts', 'srtp'], ['off', 'accept', 'require']);
    const dtmfLabels = { rfc4733: 'RFC 4733 (telephone-event)', inband: 'In the audio (in-band)', info: 'SIP INFO' };
    const srtpLabels = { off: 'Off', accept: 'Accept (use when offered)', require: 'Require' };
    const chosen = a.codecs ?? ['PCMU', 'PCMA'];
    const allCodecs = [...chosen, ...choicesFor(schema, ['accounts', 'codecs'], []).filter((c) => !chosen.includes(c)), ...Object.keys(CODECS).filter((c) => !chosen.includes(c))];
    const codecs = orderList({
      label: 'Codecs, most preferred first', name: 'codecs', checkable: true,
      help: 'Tick the codecs to offer; use the arrows to change their order.',
      items: [...new Set(allCodecs)].map((c) => ({ key: c, label: CODECS[c] ?? c, checked: chosen.includes(c) })),
    });
    const saveBtn = h('button', { type: 'submit', class: 'primary' }, isNew ? 'Add account' : 'Save');
    const s = (name, label, opts = {}) => sfield(schema, ['accounts', name], label, name, { value: a[name], ...opts });
    const form = h('form', { class: 'card account-form', novalidate: true, 'aria-labelledby': 'account-form-title' },
      h('h2', { id: 'account-form-title', tabindex: '-1' }, isNew ? 'New SIP account' : `Edit account ${a.id}`),
      h('div', { class: 'grid' },
        h('div', {},
          isNew ? s('id', 'Account id', { required: true, value: accounts.length === 0 ? 'main' : '', placeholder: 'main' }) : null,
          s('server', 'Server', { required: true, placeholder: 'sip.example.com' }),
          s('outboundProxy', 'Outbound proxy'),
          s('transport', 'Transport', { type: 'select', options: transports.map((t) => [t, t.toUpperCase()]), value: a.transport ?? 'udp' }),
          s('username', 'Username', { required: true, autocomplete: 'off' }),
          s('authUsername', 'Authentication username', { autocomplete: 'off' }),
          s('password', 'Password', { type: 'password', autocomplete: 'new-password', value: '', placeholder: a.hasPassword ? 'unchanged' : undefined }),
          s('displayName', 'Display name')),
        h('div', {},
          s('register', 'Register with the server', { type: 'checkbox', value: a.register !== false }),
          s('registerExpires', 'Registration expiry (seconds)', { type: 'number', inputmode: 'numeric', placeholder: '3600' }),
          s('enabled', 'Enabled', { type: 'checkbox', value: a.enabled !== false }),
          s('acceptCallsFromAnyAddress', 'Accept calls from any address (NAT)', { type: 'checkbox', value: a.acceptCallsFromAnyAddress === true }),
          s('dtmfMode', 'DTMF mode', { type: 'select', options: dtmf.map((d) => [d, dtmfLabels[d] ?? d]), value: a.dtmfMode ?? 'rfc4733' }),
          codecs.el,
          s('srtp', 'Encrypted media (SRTP)', { type: 'select', options: [['', 'Default (require on TLS, else off)'], ...srtp.map((v) => [v, srtpLabels[v] ?? v])], value: a.srtp ?? '' }))),
      h('div', { class: 'actions' }, saveBtn, h('button', { type: 'button', onclick: () => replace(formArea) }, 'Cancel')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const id = isNew ? (valueOf(form, 'id') ?? '') : a.id;
      const body = compact({
        id,
        server: valueOf(form, 'server'), outboundProxy: valueOf(form, 'outboundProxy'), transport: valueOf(form, 'transport'),
        username: valueOf(form, 'username'), authUsername: valueOf(form, 'authUsername'), password: valueOf(form, 'password'),
        displayName: valueOf(form, 'displayName'), register: valueOf(form, 'register'), registerExpires: valueOf(form, 'registerExpires'),
        enabled: valueOf(form, 'enabled'), acceptCallsFromAnyAddress: valueOf(form, 'acceptCallsFromAnyAddress'),
        dtmfMode: valueOf(form, 'dtmfMode'), codecs: codecs.value(), srtp: valueOf(form, 'srtp'),
      });
      if (body.codecs.length === 0) delete body.codecs;
      busy(form, saveBtn, 'Saving…', async () => {
        if (id === '') throw new ApiError(0, 'invalid', 'The account needs an id.', { id: 'enter a short name, e.g. main' });
        if (isNew && accounts.some((x) => x.id === id)) throw new ApiError(0, 'invalid', 'An account with this id exists already.', { id: 'choose another name' });
        await api('PUT', `/api/accounts/${encodeURIComponent(id)}`, body);
        await reload();
        ctx.toast(`Account ${id} saved.`);
        if (isNew) openForm(accounts.find((x) => x.id === id));
        return 'Saved. The account registers again with the new settings.';
      }).then((ok) => {
        if (ok && isNew) setMessage(formArea.querySelector('form'), `Account ${id} added. Its registration state shows in the list above.`, 'ok');
      });
    });
    replace(formArea, form);
    form.querySelector('h2').focus();
  }

  loadInto(content, [() => loadSchema(api), () => api('GET', '/api/accounts')], (s, res) => {
    schema = s;
    accounts = res?.accounts ?? [];
    content.append(h('div', { class: 'actions page-actions' }, addBtn), listArea, formArea);
    drawList();
  });
  const unsub = ctx.status.subscribe((st) => { lastStatus = st; drawStates(); });
  return () => unsub();
}
