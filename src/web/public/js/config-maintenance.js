// Settings page, maintenance: backup download, restore from a file, factory reset.
import { h } from './dom.js';
import { field, busy, showErrors } from './forms.js';
import { ApiError } from './api.js';

/** A download link for the provisioning document; a checkbox leaves the passwords out. */
export function backupSection() {
  const withSecrets = '/api/config/export?secrets=true&download=true';
  const withoutSecrets = '/api/config/export?download=true';
  const link = h('a', { href: withSecrets, download: 'dialtone-config.json', class: 'button-link', id: 'backup-link' }, 'Download backup');
  const note = h('p', { class: 'help', 'aria-live': 'polite' });
  const box = field('Leave passwords out of the backup', 'noSecrets', { type: 'checkbox', value: false });
  const sync = () => {
    const leaveOut = box.querySelector('input').checked;
    link.href = leaveOut ? withoutSecrets : withSecrets;
    note.textContent = leaveOut
      ? 'The file has no passwords: after a restore, the box keeps the passwords it has.'
      : 'The file holds the SIP and admin passwords (the admin one as a hash): keep it somewhere safe.';
  };
  box.querySelector('input').addEventListener('change', sync);
  sync();
  return h('div', {},
    h('p', {}, 'Saves every setting, account, port and route in one file (JSON) you can restore later or on another box.'),
    box, note, h('p', {}, link));
}

/** Restore: pick a backup file; a file that is not JSON changes nothing. */
export function restoreSection(ctx) {
  const btn = h('button', { type: 'submit', class: 'primary' }, 'Restore');
  const form = h('form', { novalidate: true },
    h('p', {}, 'Replaces the settings with those in a backup file. Sections the file does not have stay as they are.'),
    field('Backup file', 'file', { type: 'file' }),
    h('div', { class: 'actions' }, btn));
  const input = form.querySelector('input[type=file]');
  input.setAttribute('accept', 'application/json,.json');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form, btn, 'Restoring…', async () => {
      const file = input.files?.[0];
      if (!file) throw new ApiError(0, 'invalid', 'Choose a backup file first.', { file: 'choose a file' });
      const text = await file.text();
      let doc;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        throw new ApiError(0, 'invalid', `This file is not a Dialtone backup: it is not valid JSON (${err.message}). Nothing was changed.`, { file: 'not a backup file' });
      }
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
        throw new ApiError(0, 'invalid', 'This file is not a Dialtone backup. Nothing was changed.', { file: 'not a backup file' });
      }
      try {
        await ctx.api('POST', '/api/config/import', doc);
      } catch (err) {
        if (err instanceof ApiError) err.message = `The backup was refused and nothing was changed: ${err.message}`;
        throw err;
      }
      ctx.toast('Backup restored.');
      return `Restored from ${file.name}. The settings are in use now.`;
    });
  });
  return form;
}

/** Factory reset: type the words to confirm; then the page reloads to the first-start screen. */
export function resetSection(ctx) {
  const btn = h('button', { type: 'submit', class: 'danger' }, 'Erase everything');
  const form = h('form', { novalidate: true },
    h('p', {}, 'Erases every setting, account, port, route, API token, call record and the admin password. The box then asks for a new password. Download a backup first if you may want the settings back.'),
    field('Type "factory reset" to confirm', 'confirm', { autocomplete: 'off' }),
    h('div', { class: 'actions' }, btn));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const confirm = form.querySelector('[data-field=confirm]').value.trim().toLowerCase();
    if (confirm !== 'factory reset') {
      showErrors(form, new ApiError(0, 'invalid', 'Nothing was erased.', { confirm: 'type the words factory reset' }));
      return;
    }
    const ok = await busy(form, btn, 'Erasing…', async () => {
      await ctx.api('POST', '/api/system/factory-reset', { confirm: 'factory reset' });
      return 'Erased. Reloading…';
    });
    if (ok) {
      location.hash = '';
      location.reload();
    }
  });
  return form;
}
