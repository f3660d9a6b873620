// attach(form, options): seal an existing <form> in the browser, fail closed.
//
// Markup contract: every sensitive control carries data-orderseal="name"
// and NO name attribute, so that a page whose scripts did not load can
// never post it in plaintext. attach() then, on every submit:
//
//   1. always cancels the native submission (even if nothing below works);
//   2. runs the browser's constraint validation on every control and shows
//      each message next to its field (aria-invalid, aria-describedby);
//   3. collects the data-orderseal controls (text, textarea, select,
//      multi-select, checkbox, radio, file) and seals them;
//   4. mode 'fetch' (default): POSTs the envelope as JSON to the form's
//      action, retrying the SAME envelope on network failure (its sid makes
//      retries idempotent), and clears the sensitive controls on a 2xx;
//      mode 'native': puts the envelope into one hidden input and submits
//      the form natively.
//
// Any failure (no wasm, failed self-test, bad or unpinned key, oversized
// input, network, server) sends nothing more and shows a message in the
// status element (role=alert). Events on the form: orderseal:sealed,
// orderseal:sent, orderseal:error.

import { init, Sealer } from './index.js';
import { isOrderSealError, orderSealError } from './errors.js';

/** Where attach() looks for the key manifest when no key is given. */
export const DEFAULT_KEY_URL = '/.well-known/orderseal/keys.json';

const DEFAULT_MESSAGES = {
  sending: 'Encrypting and sending…',
  sent: 'Thank you: your order was encrypted and sent.',
  native: 'Encrypting…',
  invalid_input: 'Please correct the highlighted fields.',
  limit_exceeded:
    'The form is too large to send (too much text or too large files). Nothing was sent.',
  plaintext_invalid: 'Some of the form data cannot be sent. Nothing was sent.',
  network_error:
    'The order could not be sent: the network failed. Nothing was lost; please try again.',
  server_rejected: 'The server did not accept the order. Please try again later.',
  unavailable:
    'This browser cannot encrypt the form, so nothing was sent. Please try another browser or contact us.',
  key: 'The form cannot be sent securely right now (the encryption key could not be verified). Nothing was sent. Please contact us.',
  misconfigured: 'This form is not set up correctly, so nothing was sent. Please contact us.',
  default: 'The order could not be sent. Nothing was sent.',
};

const isKeyCode = (code) => code.startsWith('key_') || code === 'kid_mismatch';

let uid = 0;

/**
 * Binds `form`. Returns `{ form, ready, detach }`: `ready` resolves to the
 * sealer (keyId, fingerprint) once the module and key are loaded, or
 * rejects with the error every submit will show.
 */
export function attach(form, options = {}) {
  if (typeof HTMLFormElement === 'undefined' || !(form instanceof HTMLFormElement)) {
    throw new TypeError('orderseal attach(): the first argument must be a <form> element');
  }
  // Fail closed first: from here on, this form never submits natively
  // except through mode 'native' below, after sealing.
  let busy = false;
  const onSubmit = (event) => {
    event.preventDefault();
    if (!busy) void submit(event.submitter ?? null);
  };
  form.addEventListener('submit', onSubmit);

  const opts = {
    mode: 'fetch',
    fieldName: 'orderseal',
    retries: 2,
    retryDelay: 500,
    ...options,
  };
  const messages = { ...DEFAULT_MESSAGES, ...(opts.messages ?? {}) };
  const status = statusElement(form, opts.status);
  const wasNoValidate = form.noValidate;
  // Names in the markup, before groupRadios adds its own.
  const authoredNames = sensitive(form).filter((el) => el.hasAttribute('name'));
  const ungroupRadios = groupRadios(form);
  // The browser's validation bubbles would stop the submit event before we
  // could cancel it; we run the same validation ourselves and show it
  // accessibly. (Without scripts, the browser validates natively.)
  form.noValidate = true;

  const onEdit = (event) => {
    const el = event.target;
    if (el instanceof Element && el.getAttribute('aria-invalid') === 'true' && el.checkValidity?.()) {
      for (const member of groupOf(form, el)) clearFieldMessage(member);
    }
  };
  form.addEventListener('input', onEdit);
  form.addEventListener('change', onEdit);

  let sealer = null;
  let loading = null;
  const load = () => {
    loading ??= loadSealer(form, opts).then(
      (s) => (sealer = s),
      (error) => {
        // A network failure may pass: try again on the next submit.
        if (error.code === 'network_error') loading = null;
        throw error;
      },
    );
    return loading;
  };
  const ready = load();
  ready.catch((error) => report(error));

  const emit = (type, detail) =>
    form.dispatchEvent(new CustomEvent(`orderseal:${type}`, { bubbles: true, detail }));

  function show(text, role) {
    if (!status) return;
    status.setAttribute('role', role);
    status.textContent = text;
    status.hidden = false;
  }

  function messageFor(error) {
    const code = error.code;
    const pick = messages[code] ?? (isKeyCode(code) ? messages.key : messages.default);
    return typeof pick === 'function' ? pick(error) : pick;
  }

  function report(error) {
    const err = isOrderSealError(error)
      ? error
      : orderSealError('unavailable', String(error?.message ?? error), { cause: error });
    show(messageFor(err), 'alert');
    const detail = { code: err.code, message: err.message, error: err };
    if (err.limit !== undefined) detail.limit = err.limit;
    if (err.status !== undefined) detail.status = err.status;
    emit('error', detail);
  }

  async function submit(submitter) {
    busy = true;
    const buttons = submitButtons(form);
    const disabled = buttons.map((b) => b.disabled);
    const hadFocus = buttons.includes(document.activeElement) ? document.activeElement : null;
    buttons.forEach((b) => (b.disabled = true));
    form.setAttribute('aria-busy', 'true');
    try {
      checkMarkup(form, authoredNames);
      if (!validate(form)) {
        throw orderSealError('invalid_input', 'Some fields are invalid.');
      }
      show(opts.mode === 'native' ? messages.native : messages.sending, 'status');
      const s = sealer ?? (await load());
      const fields = collect(form);
      const { envelope, json, submissionId } = await s.seal(fields, {
        formId: formIdOf(form, opts),
      });
      emit('sealed', { submissionId, envelope, keyId: s.keyId });
      if (opts.mode === 'native') {
        submitNatively(form, opts.fieldName, json, submitter);
        return;
      }
      const { status: httpStatus, response } = await send(actionOf(form, opts), json, opts);
      clearSensitive(form);
      show(messages.sent, 'status');
      emit('sent', { submissionId, status: httpStatus, response });
    } catch (error) {
      report(error);
    } finally {
      buttons.forEach((b, i) => (b.disabled = disabled[i]));
      form.removeAttribute('aria-busy');
      busy = false;
      // Disabling the focused button dropped focus: give it back.
      if (hadFocus && (document.activeElement === document.body || !document.activeElement)) {
        hadFocus.focus();
      }
    }
  }

  try {
    checkMarkup(form, authoredNames);
  } catch (error) {
    console.error(`orderseal: ${error.message}`);
    report(error);
  }

  return {
    form,
    // Already has a rejection handler (report): awaiting it is optional.
    ready,
    detach() {
      form.removeEventListener('submit', onSubmit);
      form.removeEventListener('input', onEdit);
      form.removeEventListener('change', onEdit);
      form.noValidate = wasNoValidate;
      ungroupRadios();
    },
  };
}

// --- the key -----------------------------------------------------------------

async function loadSealer(form, opts) {
  await init(opts.wasm);
  if (opts.key !== undefined && opts.key !== null) {
    return new Sealer(opts.key, { expectedKeyId: opts.expectedKeyId });
  }
  const url = new URL(opts.keyUrl ?? DEFAULT_KEY_URL, document.baseURI);
  let response;
  try {
    response = await fetch(url, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
      cache: 'no-cache',
    });
  } catch (cause) {
    throw orderSealError('network_error', `could not fetch the key manifest ${url}`, { cause });
  }
  if (!response.ok) {
    throw orderSealError(
      'network_error',
      `could not fetch the key manifest ${url}: HTTP ${response.status}`,
      { status: response.status },
    );
  }
  let manifest;
  try {
    manifest = await response.json();
  } catch (cause) {
    throw orderSealError('key_malformed', `the key manifest ${url} is not JSON`, { cause });
  }
  const entry = newest(manifest);
  if (!entry) {
    throw orderSealError(
      'key_malformed',
      `the key manifest ${url} has no key: expected {"keys":[{"kid","jwk","created"}]}`,
    );
  }
  const sealer = new Sealer(entry.jwk, { expectedKeyId: opts.expectedKeyId ?? entry.kid });
  if (entry.kid !== sealer.keyId) {
    throw orderSealError(
      'kid_mismatch',
      `key id mismatch: the key manifest says ${entry.kid}, but its key has id ${sealer.keyId}`,
    );
  }
  return sealer;
}

// The manifest's newest key: the greatest `created` (Unix seconds, or a
// date string), the last one listed on a tie.
function newest(manifest) {
  const keys = Array.isArray(manifest?.keys) ? manifest.keys : [];
  const time = (created) =>
    typeof created === 'number' ? created * 1000 : typeof created === 'string' ? Date.parse(created) : NaN;
  let best = null;
  let bestTime = -Infinity;
  for (const entry of keys) {
    if (!entry || typeof entry.kid !== 'string' || entry.jwk === undefined) continue;
    const t = time(entry.created);
    const at = Number.isNaN(t) ? -Infinity : t;
    if (best === null || at >= bestTime) {
      best = entry;
      bestTime = at;
    }
  }
  return best;
}

// --- the form ----------------------------------------------------------------

function statusElement(form, status) {
  if (status instanceof Element) return status;
  if (typeof status === 'string') return document.querySelector(status);
  let el = form.querySelector('[data-orderseal-status]');
  if (!el) {
    el = document.createElement('div');
    el.setAttribute('data-orderseal-status', '');
    el.hidden = true;
    form.append(el);
  }
  return el;
}

// The form's controls in document order: form.elements, plus the radios
// attach() detached from the form (see groupRadios).
function controls(form) {
  const all = new Set([...form.elements, ...form.querySelectorAll('input[data-orderseal-radio]')]);
  return [...all].sort((a, b) =>
    a === b ? 0 : a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
  );
}

const sensitive = (form) => controls(form).filter((el) => el.hasAttribute('data-orderseal'));

// Radios group by name, and a radio without one is a group of its own: it
// is neither exclusive, nor reachable by the arrow keys, nor `required` as
// a group. So attach() gives each data-orderseal radio a name, and detaches
// it from the form (a `form` attribute naming no form), so that no
// submission can ever carry it. detach() undoes this.
function groupRadios(form) {
  let none;
  do none = `orderseal-no-form-${Math.random().toString(36).slice(2)}`;
  while (document.getElementById(none));
  const changed = [];
  for (const el of form.querySelectorAll('input[type="radio"][data-orderseal]:not([name])')) {
    changed.push({ el, form: el.getAttribute('form') });
    el.setAttribute('data-orderseal-radio', '');
    el.setAttribute('form', none);
    el.name = `orderseal:${el.getAttribute('data-orderseal')}`;
  }
  return () => {
    for (const { el, form: attr } of changed) {
      el.removeAttribute('name');
      el.removeAttribute('data-orderseal-radio');
      if (attr === null) el.removeAttribute('form');
      else el.setAttribute('form', attr);
    }
  };
}

const submitButtons = (form) =>
  [...form.elements].filter(
    (el) => (el instanceof HTMLButtonElement || el instanceof HTMLInputElement) &&
      (el.type === 'submit' || el.type === 'image'),
  );

// A sensitive control with a name in the page's markup would be posted in
// plaintext by a page whose scripts failed; one that the form would submit
// now would be posted by mode 'native'. Refuse to work until it is fixed.
function checkMarkup(form, authoredNames) {
  const submittable = sensitive(form).filter((el) => el.form === form && el.name !== '');
  const bad = [...new Set([...authoredNames, ...submittable])];
  if (bad.length > 0) {
    const which = bad.map((el) => el.getAttribute('data-orderseal')).join(', ');
    throw orderSealError(
      'misconfigured',
      `data-orderseal controls must not have a name attribute (${which}): the browser would post them in plaintext`,
    );
  }
}

function formIdOf(form, opts) {
  return opts.formId ?? form.getAttribute('data-orderseal-form') ?? 'order';
}

function actionOf(form, opts) {
  return new URL(opts.action ?? form.action, document.baseURI);
}

// The controls that make one field with `el`: its radio or checkbox group
// (same data-orderseal name, or same name for ordinary controls).
function groupOf(form, el) {
  if (el.type !== 'radio' && el.type !== 'checkbox') return [el];
  const keyOf = (x) =>
    x.hasAttribute('data-orderseal') ? `s:${x.getAttribute('data-orderseal')}` : `n:${x.name}`;
  const key = keyOf(el);
  if (key === 'n:') return [el];
  return controls(form).filter((x) => x.type === el.type && keyOf(x) === key);
}

// --- validation ---------------------------------------------------------------

function validate(form) {
  let first = null;
  const seen = new Set();
  for (const el of controls(form)) {
    if (!el.willValidate || seen.has(el)) continue;
    const group = groupOf(form, el);
    group.forEach((member) => seen.add(member));
    const invalid = group.find((member) => !member.checkValidity());
    if (invalid) {
      showFieldMessage(group, invalid.validationMessage);
      first ??= invalid;
    } else {
      group.forEach(clearFieldMessage);
    }
  }
  first?.focus();
  return first === null;
}

const messageIds = new WeakMap();

// The message element of a field (or radio group): placed after the last
// control of the group (after its <label>, if the control is inside one).
function messageElement(group) {
  const last = group[group.length - 1];
  let id = messageIds.get(group[0]);
  let el = id ? document.getElementById(id) : null;
  if (!el) {
    id = `orderseal-message-${++uid}`;
    el = document.createElement('span');
    el.id = id;
    el.className = 'orderseal-message';
    el.hidden = true;
    const anchor = last.closest('label') ?? last;
    anchor.after(el);
    group.forEach((member) => messageIds.set(member, id));
  }
  return el;
}

function showFieldMessage(group, text) {
  const msg = messageElement(group);
  msg.textContent = text;
  msg.hidden = false;
  for (const el of group) {
    el.setAttribute('aria-invalid', 'true');
    const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    if (!ids.includes(msg.id)) el.setAttribute('aria-describedby', [...ids, msg.id].join(' '));
  }
}

function clearFieldMessage(el) {
  el.removeAttribute('aria-invalid');
  const id = messageIds.get(el);
  if (!id) return;
  const msg = document.getElementById(id);
  if (msg) {
    msg.textContent = '';
    msg.hidden = true;
  }
  const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((x) => x && x !== id);
  if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
  else el.removeAttribute('aria-describedby');
}

// --- collecting -----------------------------------------------------------------

// The sensitive controls' values, by data-orderseal name, in form order:
//   text-like, textarea, single select   "text"
//   select multiple                      ["a", "b"]
//   radio group                          the checked value, or ""
//   one checkbox                         its value if checked, else ""
//   several checkboxes of one name       the checked values
//   file input                           File (single) / [File, ...] (multiple);
//                                        [] when none is chosen
// Disabled controls are skipped, as the browser does.
function collect(form) {
  const groups = new Map();
  for (const el of sensitive(form)) {
    if (el.matches(':disabled')) continue;
    const name = el.getAttribute('data-orderseal');
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(el);
  }
  const fields = new Map();
  for (const [name, els] of groups) {
    const types = new Set(els.map((el) => el.type));
    if (types.size === 1 && types.has('radio')) {
      fields.set(name, els.find((el) => el.checked)?.value ?? '');
    } else if (types.size === 1 && types.has('checkbox')) {
      const checked = els.filter((el) => el.checked).map((el) => el.value);
      fields.set(name, els.length === 1 ? (checked[0] ?? '') : checked);
    } else {
      const values = els.map(valueOf);
      fields.set(name, values.length === 1 ? values[0] : values.flat());
    }
  }
  return fields;
}

function valueOf(el) {
  if (el instanceof HTMLSelectElement && el.multiple) {
    return [...el.selectedOptions].map((o) => o.value);
  }
  if (el instanceof HTMLInputElement && el.type === 'file') {
    const files = [...(el.files ?? [])];
    return el.multiple || files.length !== 1 ? files : files[0];
  }
  return el.value;
}

// After a confirmed send: back to the page's defaults, so the order is not
// left on screen (or in the back/forward cache).
function clearSensitive(form) {
  for (const el of sensitive(form)) {
    if (el instanceof HTMLSelectElement) {
      for (const o of el.options) o.selected = o.defaultSelected;
    } else if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) {
      el.checked = el.defaultChecked;
    } else if (el instanceof HTMLInputElement && el.type === 'file') {
      el.value = '';
    } else if ('defaultValue' in el) {
      el.value = el.defaultValue;
    }
    clearFieldMessage(el);
  }
}

// --- sending --------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const RETRY_STATUS = new Set([502, 503, 504]);

// POSTs the same envelope text until the server answers (a 502/503/504 or a
// network failure is retried `retries` times, with a growing delay).
async function send(url, json, opts) {
  for (let attempt = 0; ; attempt++) {
    let response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: json,
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch (cause) {
      if (attempt < opts.retries) {
        await sleep(opts.retryDelay * 2 ** attempt);
        continue;
      }
      throw orderSealError('network_error', `could not reach ${url}`, { cause });
    }
    if (RETRY_STATUS.has(response.status) && attempt < opts.retries) {
      await sleep(opts.retryDelay * 2 ** attempt);
      continue;
    }
    const body = await readJson(response);
    if (!response.ok) {
      throw orderSealError('server_rejected', `the server answered HTTP ${response.status}`, {
        status: response.status,
        response: body,
      });
    }
    return { status: response.status, response: body };
  }
}

async function readJson(response) {
  const type = response.headers.get('content-type') ?? '';
  if (!/\bjson\b/i.test(type)) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function submitNatively(form, fieldName, json, submitter) {
  let input = [...form.elements].find(
    (el) => el instanceof HTMLInputElement && el.type === 'hidden' && el.name === fieldName,
  );
  if (!input) {
    input = document.createElement('input');
    input.type = 'hidden';
    input.name = fieldName;
    form.append(input);
  }
  input.value = json;
  // Keep the submitter's name=value, as a native submission would.
  form.querySelector('input[data-orderseal-submitter]')?.remove();
  if (submitter?.name) {
    const extra = document.createElement('input');
    extra.type = 'hidden';
    extra.name = submitter.name;
    extra.value = submitter.value;
    extra.setAttribute('data-orderseal-submitter', '');
    form.append(extra);
  }
  // requestSubmit() would fire `submit` again; submit() does not, and skips
  // validation (done above). A control named "submit" shadows form.submit.
  HTMLFormElement.prototype.submit.call(form);
}
