// Settings: region, call screening, star codes, network (read only), the line hardware
// (js/config-hardware.js), admin password, and backup / restore / factory reset
// (js/config-maintenance.js).
import { h, replace } from '../dom.js';
import { field, busy, valueOf, showErrors } from '../forms.js';
import { ApiError } from '../api.js';
import { loadSchema, sfield, helpFor, compact, loadError, choicesFor } from '../config-common.js';
import { backupSection, restoreSection, resetSection } from '../config-maintenance.js';
import { hardwareSection } from '../config-hardware.js';

export const title = 'Settings';

const STAR_LABELS = {
  dndOn: 'Do not disturb on', dndOff: 'Do not disturb off', forwardAllOn: 'Forward all calls on', forwardAllOff: 'Forward all calls off',
  forwardBusyOn: 'Forward when busy on', forwardBusyOff: 'Forward when busy off', forwardNoAnswerOn: 'Forward on no answer on',
  forwardNoAnswerOff: 'Forward on no answer off', redial: 'Redial', anonymousCall: 'Withhold my number (one call)',
};

export function mount(root, ctx) {
  const { api } = ctx;
  const sections = {
    region: h('div'), screening: h('div'), star: h('div'), network: h('div'),
  };
  const toc = [['set-region', 'Region'], ['set-screening', 'Call screening'], ['set-star', 'Star codes'], ['set-network', 'Network'], ['set-hardware', 'Hardware'],
    ['set-password', 'Admin password'], ['set-backup', 'Backup'], ['set-restore', 'Restore'], ['set-reset', 'Factory reset']];
  root.append(
    h('nav', { class: 'settings-toc', 'aria-label': 'Settings sections' }, h('ul', {}, toc.map(([id, label]) => h('li', {}, h('a', { href: `#/settings`, 'data-target': id, onclick: (e) => { e.preventDefault(); const t = document.getElementById(id); t?.scrollIntoView(); t?.querySelector('h2')?.focus(); } }, label))))),
    section('set-region', 'Region', sections.region),
    section('set-screening', 'Call screening', sections.screening),
    section('set-star', 'Star codes', sections.star),
    section('set-network', 'Network', sections.network),
    section('set-hardware', 'Hardware', hardwareSection(ctx)),
    section('set-password', 'Admin password', passwordForm(ctx)),
    section('set-backup', 'Backup', backupSection(ctx)),
    section('set-restore', 'Restore', restoreSection(ctx)),
    section('set-reset', 'Factory reset', resetSection(ctx)));
  for (const el of Object.values(sections)) replace(el, h('p', { class: 'help', role: 'status' }, 'Loading…'));

  (async () => {
    const schema = await loadSchema(api);
    let settings;
    try {
      settings = await api('GET', '/api/settings');
    } catch (err) {
      for (const key of ['region', 'screening', 'star']) replace(sections[key], h('p', { class: 'error' }, loadError(err)));
    }
    if (settings) {
      const regions = await api('GET', '/api/regions').then((r) => r?.regions ?? []).catch(() => []);
      replace(sections.region, regionForm(ctx, schema, settings.region, regions));
      replace(sections.screening, screeningForm(ctx, schema, settings.callScreening ?? {}));
      replace(sections.star, starForm(ctx, schema, settings.starCodes ?? {}, settings.starCodeDefaults ?? {}));
    }
    try {
      replace(sections.network, networkView(await api('GET', '/api/system/info')));
    } catch (err) {
      replace(sections.network, h('p', {}, err.status === 404
        ? 'This box does not show its network details yet (a newer firmware does). Your router\'s list of devices shows the box\'s address.'
        : `Could not read the network details: ${err.message}`));
    }
  })();
  return () => {};
}

function section(id, heading, ...content) {
  return h('section', { id, class: 'card settings-section', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title`, tabindex: '-1' }, heading), content);
}

function regionForm(ctx, schema, current, regions) {
  const options = regions.length > 0 ? regions.map((r) => [r.code, `${r.name} (${r.code})`]) : choicesFor(schema, ['region'], ['US']).map((c) => [c, c]);
  const btn = h('button', { type: 'submit', class: 'primary' }, 'Save region');
  const form = h('form', { novalidate: true },
    h('p', {}, 'The country sets the tones, the ring cadence and the caller-ID standard of the phones.'),
    field('Country', 'region', { type: 'select', options, value: current ?? 'US', help: helpFor(schema, 'region') }),
    h('div', { class: 'actions' }, btn));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form, btn, 'Saving…', async () => {
      const res = await ctx.api('PUT', '/api/settings/region', { region: valueOf(form, 'region') });
      return `Saved: the region is ${res?.region ?? valueOf(form, 'region')}.`;
    });
  });
  return form;
}

const lines = (text) => text.split(/[\n,]+/).map((s) => s.trim()).filter(Boolean);

function screeningForm(ctx, schema, cs) {
  const S = (name, label, opts) => sfield(schema, ['callScreening', name], label, name, opts);
  const unknown = choicesFor(schema, ['callScreening', 'unknownCallers'], ['ring', 'announce', 'message', 'reject']);
  const unknownLabels = { ring: 'Ring as usual', announce: 'Answer with an announcement, then hang up', message: 'Answer, take a message, then hang up', reject: 'Reject without ringing' };
  const btn = h('button', { type: 'submit', class: 'primary' }, 'Save call screening');
  const form = h('form', { novalidate: true },
    h('div', { class: 'grid' },
      S('blocked', 'Blocked numbers (one per line)', { type: 'textarea', value: (cs.blocked ?? []).join('\n'), placeholder: '5551234567\n1900*', rows: 5 }),
      S('allowed', 'Allowed numbers (one per line)', { type: 'textarea', value: (cs.allowed ?? []).join('\n'), rows: 5 })),
    S('rejectAnonymous', 'Refuse calls that withhold their number', { type: 'checkbox', value: cs.rejectAnonymous === true }),
    S('unknownCallers', 'Callers not in the allowed list', { type: 'select', options: unknown.map((u) => [u, unknownLabels[u] ?? u]), value: cs.unknownCallers ?? 'ring' }),
    h('div', { class: 'actions' }, btn));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {
      blocked: lines(form.querySelector('[data-field=blocked]').value),
      allowed: lines(form.querySelector('[data-field=allowed]').value),
      rejectAnonymous: valueOf(form, 'rejectAnonymous'),
      unknownCallers: valueOf(form, 'unknownCallers'),
    };
    busy(form, btn, 'Saving…', async () => {
      await ctx.api('PUT', '/api/settings/call-screening', body);
      return 'Saved. New calls are screened with these lists.';
    });
  });
  return form;
}

function starForm(ctx, schema, codes, defaults) {
  const keys = [...new Set([...Object.keys(schema?.properties?.starCodes?.properties ?? {}), ...Object.keys(STAR_LABELS)])];
  const btn = h('button', { type: 'submit', class: 'primary' }, 'Save star codes');
  const form = h('form', { novalidate: true },
    h('p', { class: 'help' }, 'Leave a code empty to use the default shown in it.'),
    h('div', { class: 'grid star-grid' }, keys.map((k) => sfield(schema, ['starCodes', k], STAR_LABELS[k] ?? k, k, {
      value: codes[k], placeholder: defaults[k], inputmode: 'tel',
    }))),
    h('div', { class: 'actions' }, btn));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = compact(Object.fromEntries(keys.map((k) => [k, valueOf(form, k)])));
    busy(form, btn, 'Saving…', async () => {
      await ctx.api('PUT', '/api/settings/star-codes', body);
      return 'Saved.';
    });
  });
  return form;
}

function networkView(info) {
  const net = info?.network ?? {};
  const rows = [
    ['Hostname', info?.hostname ?? 'unknown'],
    ...(net.interfaces ?? []).map((i) => [`Interface ${i.name}`, (i.addresses ?? []).join(', ') || 'no address']),
    ['Gateway', net.gateway ?? 'unknown'],
    ['DNS servers', (net.dns ?? []).join(', ') || 'unknown'],
    ...httpsRows(info?.https),
  ];
  return h('div', {},
    h('p', { class: 'help' }, 'The box gets its address from your router (DHCP). These are read only.'),
    h('dl', { class: 'kv' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])));
}

/** The admin page over HTTPS: where, and the certificate's fingerprint to compare with the browser's warning. */
function httpsRows(https) {
  if (https == null) return [];
  if (https.port === null) return [['HTTPS', `not served: ${https.error ?? 'unknown reason'}`]];
  return [
    ['HTTPS', `https://${location.hostname}${https.port === 443 ? '' : `:${https.port}`}/`],
    ['Certificate SHA-256', https.fingerprint ?? 'unknown'],
  ];
}

function passwordForm(ctx) {
  const btn = h('button', { type: 'submit', class: 'primary' }, 'Change password');
  const form = h('form', { novalidate: true },
    h('input', { type: 'text', name: 'username', value: 'admin', autocomplete: 'username', hidden: true }),
    field('Current password', 'currentPassword', { type: 'password', autocomplete: 'current-password', required: true }),
    field('New password', 'password', { type: 'password', autocomplete: 'new-password', required: true, help: 'At least 8 characters. Other logged-in browsers are logged out.' }),
    field('Repeat the new password', 'repeatPassword', { type: 'password', autocomplete: 'new-password', required: true }),
    h('div', { class: 'actions' }, btn));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const currentPassword = form.querySelector('[data-field=currentPassword]').value;
    const password = form.querySelector('[data-field=password]').value;
    if (password !== form.querySelector('[data-field=repeatPassword]').value) {
      showErrors(form, new ApiError(400, 'invalid', 'The two new passwords differ.', { repeatPassword: 'does not match the new password' }));
      return;
    }
    busy(form, btn, 'Changing…', async () => {
      await ctx.api('PUT', '/api/admin/password', { currentPassword, password });
      for (const el of form.querySelectorAll('input[type=password]')) el.value = '';
      return 'The password is changed.';
    });
  });
  return form;
}
