// Forms that show the API's field-level errors beside the fields they name.
import { ApiError } from './api.js';
import { h, uid } from './dom.js';

/**
 * A labelled field. `name` is the API's field path (e.g. "features.forwardAll"); the
 * control gets data-field=name so showErrors can find it.
 * opts: { type: 'text'|'password'|'number'|'checkbox'|'select'|'textarea', value, options: [[value, label]…],
 *         help, required, placeholder, autocomplete, min, max, inputmode }
 */
export function field(label, name, opts = {}) {
  const id = uid('field');
  const helpId = opts.help ? `${id}-help` : undefined;
  const errId = `${id}-error`;
  const describedBy = [helpId, errId].filter(Boolean).join(' ');
  const common = { id, name, 'data-field': name, 'aria-describedby': describedBy, required: opts.required === true };
  let control;
  if (opts.type === 'select') {
    control = h('select', common, (opts.options ?? []).map(([v, l]) => h('option', { value: v, selected: String(v) === String(opts.value ?? '') }, l)));
  } else if (opts.type === 'textarea') {
    control = h('textarea', { ...common, rows: opts.rows ?? 4, placeholder: opts.placeholder }, opts.value ?? '');
  } else if (opts.type === 'checkbox') {
    control = h('input', { ...common, type: 'checkbox', checked: opts.value === true });
  } else {
    control = h('input', {
      ...common, type: opts.type ?? 'text', value: opts.value ?? '', placeholder: opts.placeholder,
      autocomplete: opts.autocomplete, min: opts.min, max: opts.max, inputmode: opts.inputmode, spellcheck: 'false',
    });
  }
  const wrap = h('div', { class: opts.type === 'checkbox' ? 'field check' : 'field' },
    opts.type === 'checkbox' ? [control, h('label', { for: id }, label)] : [h('label', { for: id }, label), control],
    opts.help ? h('small', { id: helpId, class: 'help' }, opts.help) : null,
    h('small', { id: errId, class: 'field-error', role: 'alert' }));
  return wrap;
}

/** Clears the form's field errors and its message. */
export function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const msg = form.querySelector('.form-message');
  if (msg) { msg.textContent = ''; msg.className = 'form-message'; }
}

/**
 * Shows an error: each of the API's `fields` beside its control (by data-field; a path
 * with no control of its own, e.g. "routes[2].pattern", goes to the closest control named
 * by a prefix, else to the form message), and the message at the form's foot.
 */
export function showErrors(form, err) {
  clearErrors(form);
  const fields = err instanceof ApiError ? err.fields : {};
  const unplaced = [];
  let first;
  for (const [path, text] of Object.entries(fields)) {
    const control = findControl(form, path);
    if (control === null) { unplaced.push(`${path}: ${text}`); continue; }
    control.setAttribute('aria-invalid', 'true');
    const errEl = control.closest('.field')?.querySelector('.field-error');
    if (errEl) errEl.textContent = text;
    first ??= control;
  }
  setMessage(form, [err.message, ...unplaced].join('. '), 'error');
  first?.focus();
}

function findControl(form, path) {
  let p = path;
  while (p !== '') {
    const el = form.querySelector(`[data-field="${CSS.escape(p)}"]`);
    if (el) return el;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) break;
    p = p.slice(0, cut);
  }
  return null;
}

/** The form's message line (role=status), created on first use. */
export function setMessage(form, text, kind = 'ok') {
  let msg = form.querySelector('.form-message');
  if (!msg) {
    msg = h('p', { class: 'form-message', role: 'status', 'aria-live': 'polite' });
    form.append(msg);
  }
  msg.textContent = text;
  msg.className = `form-message ${kind}`;
}

/**
 * Runs a long action with the button busy and a progress message; shows the result.
 * action() resolves with the success text.
 */
export async function busy(form, button, label, action) {
  clearErrors(form);
  const before = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = label;
  setMessage(form, `${label}`, 'progress');
  try {
    const text = await action();
    setMessage(form, text ?? 'Saved.', 'ok');
    return true;
  } catch (err) {
    showErrors(form, err);
    return false;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = before;
  }
}

/** Reads a form control's value by data-field: checkbox -> boolean, number -> number|undefined, '' -> undefined. */
export function valueOf(form, name) {
  const el = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (!el) return undefined;
  if (el.type === 'checkbox') return el.checked;
  const v = el.value.trim();
  if (v === '') return undefined;
  if (el.type === 'number') return Number(v);
  return v;
}
