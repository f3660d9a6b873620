// The back-office page: unlock private keys, load envelopes (from the inbox
// with the back-office token, or from an exported JSON Lines file), open
// them, review, export.
//
// Where secrets live:
//   - private keys: only in the worker (backoffice-worker.js), parsed into
//     wasm memory from the File the user picked; this page never reads a key
//     file. "Lock" (and leaving the page) clears the keys and ends the worker;
//   - the passphrase: read from its input once per unlock attempt and posted
//     to the worker, the input cleared at once;
//   - the token: in its input only, sent only as the Authorization header of
//     GET /api/orders on this origin;
//   - decrypted orders: in this page's memory, shown in the table, and in
//     files only when the user downloads an export or an attachment (Blob
//     URLs made here). No storage API (localStorage, sessionStorage,
//     IndexedDB, cookies, Cache Storage) is ever used.
//
// The worker does the parsing and decrypting and posts results in chunks,
// so the progress bar moves and the page answers input during large batches.

import { WASM_INTEGRITY } from './assets/integrity.js';

const PAGE_SIZE = 200; // rows in the table before "Show more"
const FIELD_COLUMNS = 6; // the "main fields": the first ones seen, as columns
const RENDER_EVERY_MS = 250; // at most one table render per this while loading
const INBOX_PAGE = 1000; // records per GET /api/orders

const $ = (id) => document.getElementById(id);
const el = {
  status: $('status'),
  alert: $('alert'),
  keyPanel: $('key-panel'),
  keyForm: $('key-form'),
  keyDrop: $('key-drop'),
  keyFile: $('key-file'),
  passphrase: $('passphrase'),
  unlock: $('unlock'),
  lock: $('lock'),
  keys: $('keys'),
  keysNone: $('keys-none'),
  loadPanel: $('load-panel'),
  loadHint: $('load-hint'),
  inboxForm: $('inbox-form'),
  token: $('token'),
  loadInbox: $('load-inbox'),
  fileDrop: $('file-drop'),
  ordersFile: $('orders-file'),
  progressBox: $('progress-box'),
  progressLabel: $('progress-label'),
  progress: $('progress'),
  progressText: $('progress-text'),
  orders: $('orders'),
  search: $('search'),
  exportCsv: $('export-csv'),
  exportJson: $('export-json'),
  clear: $('clear'),
  summary: $('summary'),
  tableWrap: document.querySelector('.table-wrap'),
  thead: document.querySelector('#orders-table thead'),
  tbody: document.querySelector('#orders-table tbody'),
  more: $('more'),
  detail: $('detail'),
  detailTitle: $('detail-title'),
  detailBody: $('detail-body'),
  detailClose: $('detail-close'),
};

// --- small helpers ---------------------------------------------------------------

const count = (n, one, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
// `8c2c0e3ab0b4ba7e` -> `8c2c 0e3a b0b4 ba7e`, as people compare key ids.
const grouped = (hex) => hex.replace(/(.{4})(?=.)/g, '$1 ');

function say(text) {
  el.status.textContent = text;
  el.alert.textContent = '';
}

function warn(text) {
  el.alert.textContent = text;
}

function node(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k in e && typeof v !== 'string') e[k] = v;
    else e.setAttribute(k, v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

/** Unix seconds as RFC 3339 UTC (`2026-11-25T08:00:00Z`), as the CLI writes `time`. */
function rfc3339(ts) {
  // Howard Hinnant's civil_from_days, as in cli/src/commands/time.rs: valid
  // for every ts an envelope can hold (0 … 2^53 − 1), unlike Date.
  const days = Math.floor(ts / 86400);
  const secs = ts - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(y, 4)}-${p(m)}-${p(d)}T${p(Math.floor(secs / 3600))}:${p(Math.floor(secs / 60) % 60)}:${p(secs % 60)}Z`;
}

// `2026-11-25T08:07:56.766Z` -> `2026-11-25 08:07:56 UTC`, for reading.
const readable = (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+/, '').replace(/Z$/, ' UTC') : '');

function timeCell(iso) {
  return iso ? node('time', { dateTime: iso }, readable(iso)) : node('span', { class: 'muted' }, '—');
}

// --- the decryption worker ----------------------------------------------------------

let worker = null; // while unlocked, or unlocking
let workerUp = null; // resolves once the worker has loaded and self-tested the module
let wasmModule = null; // Promise<WebAssembly.Module>: code, no secret; kept across locks
let lockCount = 0; // a worker still starting when this changes is not kept
let nextId = 1;
const waiting = new Map(); // request id -> { resolve, reject, onMessage }

// The .wasm is fetched and compiled here, with its Subresource Integrity
// (scripts/sri.mjs writes WASM_INTEGRITY into assets/integrity.js, which the
// page's modulepreload pins), and handed to the worker as a module.
function compileWasm() {
  wasmModule ??= (async () => {
    const url = new URL('./pkg/web/orderseal_bg.wasm', import.meta.url);
    let response;
    try {
      response = await fetch(url, WASM_INTEGRITY ? { integrity: WASM_INTEGRITY } : {});
    } catch {
      throw new Error(`${url.pathname} could not be loaded, or failed its integrity check`);
    }
    if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  })();
  wasmModule.catch(() => {
    wasmModule = null;
  });
  return wasmModule;
}

function startWorker() {
  if (workerUp) return workerUp;
  const generation = lockCount;
  workerUp = compileWasm().then((module) => {
    if (generation !== lockCount) throw lockedError();
    const w = new Worker(new URL('./backoffice-worker.js', import.meta.url), {
      type: 'module',
      name: 'orderseal back office',
    });
    worker = w;
    w.addEventListener('message', onWorkerMessage);
    const broken = (message) => {
      if (worker !== w) return;
      failAll(Object.assign(new Error(message), { code: 'unavailable' }));
      stopWorker();
      keyIds = [];
      renderKeys();
      updateControls();
    };
    w.addEventListener('error', (event) => {
      event.preventDefault();
      broken(`the decryption worker failed (${event.message || 'it could not load'})`);
    });
    w.addEventListener('messageerror', () => broken('the decryption worker sent an unreadable message'));
    return request({ type: 'init', module });
  });
  // A worker that did not come up is dropped, so that the next try starts afresh.
  workerUp.catch(() => {
    if (generation === lockCount) stopWorker();
  });
  return workerUp;
}

function stopWorker() {
  worker?.terminate();
  worker = null;
  workerUp = null;
}

const lockedError = () => Object.assign(new Error('locked'), { code: 'locked' });

function request(message, onMessage) {
  if (!worker) return Promise.reject(lockedError());
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject, onMessage });
    worker.postMessage({ ...message, id });
  });
}

function onWorkerMessage(event) {
  const msg = event.data;
  const w = waiting.get(msg?.id);
  if (!w) return;
  if (msg.type === 'fatal') {
    waiting.delete(msg.id);
    w.reject(Object.assign(new Error(msg.message), { code: msg.code }));
  } else if (msg.type === 'start' || msg.type === 'rows') {
    w.onMessage?.(msg);
  } else {
    waiting.delete(msg.id);
    w.resolve(msg);
  }
}

function failAll(error) {
  for (const w of waiting.values()) w.reject(error);
  waiting.clear();
}

// --- keys -------------------------------------------------------------------------

let keyIds = [];
let pendingKeys = []; // key files that wait for a (correct) passphrase
let unlocking = false;

const KEY_ERRORS = {
  key_malformed: 'is not a private key file this page can read (PEM, DER or JWK)',
  key_unsupported: 'is not an EC key (orderseal keys are P-256)',
  key_wrong_curve: 'is an EC key on another curve than P-256',
  key_not_on_curve: 'holds an invalid P-256 key',
  key_identity: 'holds an invalid P-256 key',
  key_mismatch: 'holds a private key that does not match its public key',
  limit_exceeded: 'is too large to be a key file',
  unavailable: 'could not be read: decryption is unavailable in this browser',
};

async function addKeys(files) {
  if (files.length === 0) {
    warn('Choose a private key file first.');
    el.keyFile.focus();
    return;
  }
  // Read once, cleared at once: the passphrase is not kept in the form.
  const passphrase = el.passphrase.value;
  el.passphrase.value = '';
  unlocking = true;
  updateControls();
  say(`Unlocking ${files.length === 1 ? files[0].name : count(files.length, 'key file')}…`);
  try {
    await startWorker();
    const { results, keyIds: ids } = await request({ type: 'addKeys', files, passphrase });
    keyIds = ids;
    const done = [];
    const problems = [];
    const retry = [];
    results.forEach((r, i) => {
      if (r.kid) {
        done.push(
          r.duplicate
            ? `${r.name}: key ${grouped(r.kid)} was already unlocked.`
            : `Unlocked key ${grouped(r.kid)} (${r.name}).`,
        );
      } else if (r.code === 'passphrase_required') {
        retry.push(files[i]);
        problems.push(`${r.name} is protected by a passphrase: type it, then press Unlock key.`);
      } else if (r.code === 'wrong_passphrase') {
        retry.push(files[i]);
        problems.push(
          passphrase
            ? `Wrong passphrase for ${r.name}. Type it again, then press Unlock key.`
            : `${r.name} is protected by a passphrase: type it, then press Unlock key.`,
        );
      } else {
        problems.push(`${r.name} ${KEY_ERRORS[r.code] ?? 'could not be read'} (${r.code}: ${r.message}).`);
      }
    });
    pendingKeys = retry;
    if (retry.length === 0) el.keyFile.value = '';
    say(done.join(' '));
    if (problems.length) {
      warn(problems.join(' '));
      if (retry.length) el.passphrase.focus();
    }
  } catch (error) {
    if (error.code !== 'locked') warn(`The key could not be unlocked: ${error.message}.`);
  } finally {
    unlocking = false;
    renderKeys();
    updateControls();
  }
}

function renderKeys() {
  el.keys.replaceChildren(
    ...keyIds.map((kid) => node('li', {}, 'Key ', node('code', {}, grouped(kid)))),
  );
  el.keys.hidden = keyIds.length === 0;
  el.keysNone.hidden = keyIds.length > 0;
}

// "Lock": forget the keys (cleared in wasm, then the worker ends), the
// passphrase and token inputs, and every decrypted order on the page.
function lock({ quiet = false } = {}) {
  lockCount++;
  const w = worker;
  worker = null;
  workerUp = null;
  failAll(lockedError());
  if (w) {
    w.postMessage({ type: 'lock' }); // clears the keys, then closes itself
    setTimeout(() => w.terminate(), 1000); // in case it is stuck
  }
  keyIds = [];
  pendingKeys = [];
  for (const input of [el.passphrase, el.token, el.keyFile, el.ordersFile, el.search]) input.value = '';
  query = '';
  clearTable();
  renderKeys();
  setBusy(false);
  updateControls();
  if (!quiet) {
    say('Locked. The keys and the decrypted orders are gone from this page: open a key file to continue.');
    el.keyFile.focus();
  }
}

// --- loading and opening envelopes ---------------------------------------------------

let busy = false;
let inboxCursor = 0; // the last inbox id loaded
const loadedFiles = new Set(); // name/size/date of files loaded, against double loads
let batchNo = 0;

function setBusy(on, label = '') {
  busy = on;
  el.orders.setAttribute('aria-busy', String(on));
  el.progressBox.hidden = !on;
  if (on) {
    el.progressLabel.textContent = label;
    el.progress.removeAttribute('value'); // indeterminate until the count is known
    el.progressText.textContent = '';
  }
  updateControls();
}

async function loadFile(file) {
  if (!file) return;
  if (keyIds.length === 0) {
    warn('Unlock a private key first.');
    return;
  }
  if (busy) {
    warn('Wait until the current batch is open.');
    return;
  }
  const id = `${file.name}\u0000${file.size}\u0000${file.lastModified}`;
  if (loadedFiles.has(id)) {
    warn(`${file.name} is already loaded. Clear the table to load it again.`);
    el.ordersFile.value = '';
    return;
  }
  const ok = await openBatch({ kind: 'file', file }, file.name);
  if (ok) loadedFiles.add(id);
  el.ordersFile.value = '';
}

async function loadInbox() {
  const token = el.token.value.trim();
  if (keyIds.length === 0) {
    warn('Unlock a private key first.');
    return;
  }
  if (!token) {
    warn('Type the back-office token first.');
    el.token.focus();
    return;
  }
  if (busy) {
    warn('Wait until the current batch is open.');
    return;
  }
  setBusy(true, 'Fetching from the inbox');
  say('Fetching new orders from the inbox…');
  const texts = [];
  let since = inboxCursor;
  let records = 0;
  try {
    for (;;) {
      const url = new URL('/api/orders', location.origin);
      url.searchParams.set('since', String(since));
      url.searchParams.set('limit', String(INBOX_PAGE));
      let response;
      try {
        response = await fetch(url, {
          headers: { authorization: `Bearer ${token}` },
          cache: 'no-store',
          credentials: 'omit',
        });
      } catch {
        throw new Error('The inbox could not be reached. Check the connection and try again.');
      }
      if (response.status === 401) {
        throw new Error('The inbox refused the token (401). Check the back-office token and try again.');
      }
      if (!response.ok) throw new Error(`The inbox answered ${response.status}. Try again later.`);
      const text = await response.text();
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      if (lines.length === 0) break;
      texts.push(text.endsWith('\n') ? text : `${text}\n`);
      records += lines.length;
      el.progressText.textContent = `${count(records, 'record')} fetched`;
      let last;
      try {
        last = JSON.parse(lines[lines.length - 1]).id;
      } catch {
        last = undefined;
      }
      if (!Number.isSafeInteger(last) || last <= since) {
        throw new Error('The inbox sent an export this page cannot follow (no increasing ids).');
      }
      since = last;
      if (lines.length < INBOX_PAGE) break;
    }
  } catch (error) {
    setBusy(false);
    say('');
    warn(error.message);
    return;
  }
  setBusy(false);
  if (records === 0) {
    say(inboxCursor === 0 ? 'The inbox holds no orders yet.' : 'No new orders in the inbox.');
    return;
  }
  if (await openBatch({ kind: 'inbox', text: texts.join('') }, 'the inbox')) inboxCursor = since;
}

// Opens one batch in the worker; the rows arrive in chunks. Resolves to
// whether the batch was opened (not locked or failed meanwhile).
async function openBatch(source, label) {
  const started = performance.now();
  const batch = ++batchNo;
  setBusy(true, `Decrypting ${label}`);
  say(`Decrypting ${label}…`);
  let total = 0;
  let opened = 0;
  let failed = 0;
  try {
    await startWorker();
    await request({ type: 'open', source }, (msg) => {
      if (msg.type === 'start') {
        total = msg.total;
        el.progress.max = Math.max(total, 1);
        el.progress.value = 0;
      } else {
        for (const r of msg.rows) (r.ok ? opened++ : failed++);
        addRows(msg.rows, { batch, label, inbox: source.kind === 'inbox' });
        el.progress.value = msg.done;
        el.progressText.textContent = `${msg.done.toLocaleString('en')} of ${total.toLocaleString('en')}`;
        scheduleRender();
      }
    });
  } catch (error) {
    if (error.code === 'locked') return false;
    setBusy(false);
    render();
    warn(`${label} could not be opened: ${error.message}`);
    return false;
  }
  const seconds = (performance.now() - started) / 1000;
  setBusy(false);
  render();
  const replays = rows.filter((r) => r.batch === batch && r.replay).length;
  say(
    `${label}: ${count(total, 'record')} in ${seconds.toFixed(2)} s. ` +
      `${opened.toLocaleString('en')} opened, ${failed.toLocaleString('en')} failed` +
      `${replays ? `, ${replays.toLocaleString('en')} flagged as possible replays` : ''}.`,
  );
  if (total === 0) warn(`${label} holds no envelopes.`);
  return true;
}

// --- the rows ----------------------------------------------------------------------

let rows = [];
const bySid = new Map(); // sid -> opened rows with it
let fieldNames = []; // every field name, first seen first
const fieldSet = new Set();

/** A field value as one line of text, as the CLI's CSV and table show it. */
function cellText(value) {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(cellText).join('; ');
  if (value && typeof value === 'object') return `${value.name} (${value.data.length} bytes)`;
  return '';
}

function addRows(list, source) {
  for (const r of list) {
    const row = { ...r, n: rows.length + 1, batch: source.batch, source: source.label, inbox: source.inbox };
    if (row.ok) {
      row.time = rfc3339(row.ts);
      row.cells = new Map(row.fields.map(([name, value]) => [name, cellText(value)]));
      for (const [name] of row.fields) {
        if (!fieldSet.has(name)) {
          fieldSet.add(name);
          fieldNames.push(name);
        }
      }
      const same = bySid.get(row.sid);
      if (same) {
        same.push(row);
        for (const other of same) other.replay = true;
        rowsChanged++; // rows already shown change their status
      } else {
        bySid.set(row.sid, [row]);
      }
    }
    const c = row.claimed ?? {};
    row.haystack = [
      row.ok ? 'opened' : `failed ${row.code}`,
      row.received,
      row.ok ? row.time : '',
      row.form ?? c.form,
      row.sid ?? c.sid,
      row.kid ?? c.kid,
      ...(row.ok ? [...row.cells.values()] : []),
    ]
      .filter((v) => v !== undefined && v !== null)
      .join('\n')
      .toLowerCase();
    rows.push(row);
  }
}

function clearTable() {
  rows = [];
  bySid.clear();
  fieldNames = [];
  fieldSet.clear();
  inboxCursor = 0;
  loadedFiles.clear();
  shown = PAGE_SIZE;
  if (el.detail.open) el.detail.close();
  render();
}

// --- the table ---------------------------------------------------------------------

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
let sort = { key: 'n', dir: 'ascending' };
let query = '';
let shown = PAGE_SIZE;
let headKey = '';
let renderTimer = null;
let lastRender = 0;
let shownRows = []; // the rows in the table body, and what they were drawn with
let shownKey = '';
let shownVersion = 0;
let rowsChanged = 0; // bumped when a row already added changes (a replay found)

const ERRORS = {
  unknown_kid: (r) =>
    `Sealed to a key that is not unlocked${r.claimed?.kid ? ` (key id ${r.claimed.kid})` : ''}: ` +
    'unlock that key, then load it again.',
  open_failed: () => 'Does not authenticate: it was tampered with, or sealed to another key with the same id.',
  envelope_malformed: () => 'Not a well-formed orderseal envelope.',
  unsupported_version: () => 'An envelope version this page cannot read.',
  unsupported_suite: () => 'An encryption suite this page cannot read.',
  limit_exceeded: () => 'Too large: over the 12 MiB envelope limit.',
  plaintext_invalid: () => 'It authenticates, but the order inside is not valid form data.',
  unavailable: () => 'Decryption is unavailable in this browser.',
};
const errorText = (r) => (ERRORS[r.code] ?? (() => r.message ?? r.code))(r);

const statusRank = (r) => (r.ok ? (r.replay ? 1 : 2) : 0);

function columns() {
  return [
    { key: 'n', label: '#', num: true, value: (r) => r.n },
    { key: 'status', label: 'Status', value: (r) => `${statusRank(r)}${r.code ?? ''}` },
    { key: 'received', label: 'Received', value: (r) => r.received ?? '' },
    { key: 'sealed', label: 'Sealed (customer clock)', num: true, value: (r) => r.ts ?? r.claimed?.ts ?? -1 },
    { key: 'form', label: 'Form', value: (r) => r.form ?? r.claimed?.form ?? '' },
    { key: 'sid', label: 'Submission id', value: (r) => r.sid ?? r.claimed?.sid ?? '' },
    { key: 'kid', label: 'Key id', value: (r) => r.kid ?? r.claimed?.kid ?? '' },
    ...fieldNames.slice(0, FIELD_COLUMNS).map((name) => ({
      key: `field:${name}`,
      label: name,
      field: name,
      value: (r) => (r.ok ? (r.cells.get(name) ?? '') : ''),
    })),
  ];
}

function visibleRows(cols = columns()) {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  const list = terms.length ? rows.filter((r) => terms.every((t) => r.haystack.includes(t))) : rows.slice();
  const col = cols.find((c) => c.key === sort.key) ?? cols[0];
  const sign = sort.dir === 'ascending' ? 1 : -1;
  const cmp = col.num ? (a, b) => a - b : (a, b) => collator.compare(a, b);
  return list.sort((a, b) => sign * cmp(col.value(a), col.value(b)) || a.n - b.n);
}

function buildHead(cols) {
  const tr = node('tr');
  for (const col of cols) {
    const th = node('th', { scope: 'col', dataset: { key: col.key } });
    th.append(node('button', { type: 'button', class: 'sort', dataset: { key: col.key } }, col.label));
    tr.append(th);
  }
  el.thead.replaceChildren(tr);
}

function scheduleRender() {
  if (renderTimer !== null) return;
  const wait = Math.max(0, RENDER_EVERY_MS - (performance.now() - lastRender));
  renderTimer = setTimeout(() => requestAnimationFrame(render), wait);
}

function render() {
  clearTimeout(renderTimer);
  renderTimer = null;
  lastRender = performance.now();
  const cols = columns();
  const key = cols.map((c) => c.key).join('\u0000');
  if (key !== headKey) {
    buildHead(cols);
    headKey = key;
  }
  for (const th of el.thead.querySelectorAll('th')) {
    if (th.dataset.key === sort.key) th.setAttribute('aria-sort', sort.dir);
    else th.removeAttribute('aria-sort');
  }
  const view = visibleRows(cols);
  const slice = view.slice(0, shown);
  // While a batch loads, the rows on screen often stay the same (sorted by
  // #, the first page is full): then only the counts change.
  const same =
    key === shownKey &&
    rowsChanged === shownVersion &&
    slice.length === shownRows.length &&
    slice.every((r, i) => r === shownRows[i]);
  if (!same) {
    // Keep the focus on the same row's button across a re-render.
    const focused = el.tbody.contains(document.activeElement) ? document.activeElement.dataset.n : null;
    const frag = document.createDocumentFragment();
    for (const row of slice) frag.append(rowElement(row, cols));
    el.tbody.replaceChildren(frag);
    if (focused) el.tbody.querySelector(`button[data-n="${focused}"]`)?.focus();
    shownRows = slice;
    shownKey = key;
    shownVersion = rowsChanged;
  }
  el.tableWrap.hidden = rows.length === 0;
  el.more.hidden = view.length <= shown;
  el.more.textContent = `Show ${Math.min(PAGE_SIZE, view.length - shown).toLocaleString('en')} more`;
  const openedShown = view.filter((r) => r.ok).length;
  el.exportCsv.disabled = el.exportJson.disabled = openedShown === 0;
  el.exportCsv.textContent = `Download CSV (${count(openedShown, 'order')})`;
  el.exportJson.textContent = `Download JSON (${count(openedShown, 'order')})`;
  el.summary.textContent = summaryText(view);
  updateControls();
}

function summaryText(view) {
  if (rows.length === 0) return 'No orders loaded.';
  const failed = rows.filter((r) => !r.ok).length;
  const replays = rows.filter((r) => r.replay).length;
  let text =
    `${count(rows.length, 'record')}: ${(rows.length - failed).toLocaleString('en')} opened, ` +
    `${failed.toLocaleString('en')} failed, ${replays.toLocaleString('en')} flagged as possible replays.`;
  if (query) text += ` ${count(view.length, 'record')} match “${query}”.`;
  if (view.length > shown) text += ` Showing the first ${shown.toLocaleString('en')}.`;
  return text;
}

function rowElement(row, cols) {
  const tr = node('tr', { class: row.ok ? (row.replay ? 'replay' : '') : 'failed' });
  for (const col of cols) {
    let cell;
    switch (col.key) {
      case 'n':
        cell = node('td', {}, String(row.n));
        break;
      case 'status':
        cell = node('td', {}, ...statusParts(row));
        break;
      case 'received':
        cell = node('td', {}, timeCell(row.received));
        break;
      case 'sealed': {
        const ts = row.ok ? row.ts : row.claimed?.ts;
        cell = node('td', {}, timeCell(ts === undefined ? '' : rfc3339(ts)));
        break;
      }
      case 'sid': {
        const sid = row.sid ?? row.claimed?.sid;
        const label = sid ?? `record ${row.n}`;
        const button = node('button', { type: 'button', class: 'link mono', dataset: { n: String(row.n) } }, label);
        button.setAttribute('aria-label', `Details of ${row.ok ? 'order' : 'failed record'} ${label}`);
        cell = node('th', { scope: 'row' }, button);
        break;
      }
      case 'form':
        cell = node('td', {}, row.form ?? row.claimed?.form ?? '');
        break;
      case 'kid':
        cell = node('td', { class: 'mono' }, row.kid ?? row.claimed?.kid ?? '');
        break;
      default:
        cell = node('td', { class: 'value' }, col.value(row));
    }
    tr.append(cell);
  }
  return tr;
}

function statusParts(row) {
  if (!row.ok) {
    return [
      node('span', { class: 'badge failed' }, `Failed: ${row.code}`),
      node('span', { class: 'why failed' }, errorText(row)),
    ];
  }
  if (row.replay) {
    const others = bySid.get(row.sid).filter((r) => r !== row).map((r) => `#${r.n}`);
    return [
      node('span', { class: 'badge replay' }, 'Possible replay'),
      node('span', { class: 'why replay' }, `Same submission id as ${others.join(', ')}`),
    ];
  }
  return [node('span', { class: 'badge ok' }, 'Opened')];
}

// --- the detail view -------------------------------------------------------------------

let detailUrls = [];
let detailFrom = null;

function openDetail(row, from) {
  revokeDetail();
  detailFrom = from;
  const dl = (pairs) =>
    node('dl', {}, ...pairs.flatMap(([k, v]) => (v === null ? [] : [node('dt', {}, k), node('dd', {}, v)])));
  const where = row.inbox
    ? `Inbox${row.inboxId !== undefined ? `, id ${row.inboxId}` : ''}`
    : `${row.source}, ${row.inArray ? 'record' : 'line'} ${row.line}`;
  const parts = [];
  if (row.ok) {
    el.detailTitle.textContent = `Order ${row.sid}`;
    parts.push(
      dl([
        ['Status', node('span', {}, ...statusParts(row))],
        ['Row', String(row.n)],
        ['From', where],
        ['Received', timeCell(row.received)],
        ['Sealed (customer clock)', timeCell(row.time)],
        ['Form', row.form],
        ['Submission id', node('code', {}, row.sid)],
        ['Key id', node('code', {}, row.kid)],
        ['Suite', row.suite],
      ]),
      node('h3', {}, `Fields (${row.fields.length})`),
      dl(row.fields.map(([name, value]) => [name, valueNode(value)])),
    );
  } else {
    const c = row.claimed ?? {};
    el.detailTitle.textContent = `Record ${row.n}: not opened`;
    parts.push(
      dl([
        ['Status', node('span', {}, ...statusParts(row))],
        ['Error code', node('code', {}, row.code)],
        ['Row', String(row.n)],
        ['From', where],
        ['Received', timeCell(row.received)],
      ]),
      node('p', {}, 'What the envelope claims (not authenticated, since it did not open):'),
      dl([
        ['Form', c.form ?? '—'],
        ['Submission id', c.sid ? node('code', {}, c.sid) : '—'],
        ['Key id', c.kid ? node('code', {}, c.kid) : '—'],
        ['Sealed', c.ts !== undefined ? timeCell(rfc3339(c.ts)) : '—'],
      ]),
    );
  }
  el.detailBody.replaceChildren(...parts);
  el.detail.showModal();
}

function valueNode(value) {
  if (typeof value === 'string') {
    return value === '' ? node('span', { class: 'muted' }, '(empty)') : node('span', { class: 'multiline' }, value);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return node('span', { class: 'muted' }, '(none)');
    return node('ul', {}, ...value.map((v) => node('li', {}, valueNode(v))));
  }
  // A file: offered for download from a Blob URL made here. Its type is
  // octet-stream whatever the customer said, so that it is saved, never
  // rendered in this origin.
  const url = URL.createObjectURL(new Blob([value.data], { type: 'application/octet-stream' }));
  detailUrls.push(url);
  const name = value.name || 'attachment';
  return node(
    'span',
    {},
    node('a', { href: url, download: name, class: 'file' }, `Download ${name}`),
    ` (${value.type || 'no type'}, ${value.data.length.toLocaleString('en')} bytes)`,
  );
}

function revokeDetail() {
  for (const url of detailUrls) URL.revokeObjectURL(url);
  detailUrls = [];
}

el.detail.addEventListener('close', () => {
  revokeDetail();
  el.detailBody.replaceChildren();
  const back = detailFrom && el.tbody.querySelector(`button[data-n="${detailFrom}"]`);
  detailFrom = null;
  back?.focus();
});
el.detailClose.addEventListener('click', () => el.detail.close());

// --- exports ---------------------------------------------------------------------------

// RFC 4180: CRLF line ends; cells with , " CR or LF quoted, quotes doubled.
const csvCell = (cell) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

// Like the CLI (cli/src/commands/output/csv.rs): a cell a spreadsheet would
// run as a formula (first character = + - @, tab or CR) gets a leading ',
// unless it is a plain number (Rust's f64 syntax: -5, +3.5, 1e3, inf, NaN).
const NUMBER = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;
function defuse(cell) {
  return /^[=+\-@\t\r]/.test(cell) && !NUMBER.test(cell.trim()) ? `'${cell}` : cell;
}

function exported() {
  return visibleRows().filter((r) => r.ok);
}

function exportCsv() {
  const list = exported();
  const names = fieldNames.filter((name) => list.some((r) => r.cells.has(name)));
  // sid (base64url: no formula can be made of it) and kid (hex) are written
  // as they are, like the CLI does; the rest is the customer's and defused.
  const lines = [['sid', 'form', 'kid', 'ts', 'received', ...names.map(defuse), 'possible_replay']];
  for (const r of list) {
    lines.push([
      r.sid,
      defuse(r.form),
      r.kid,
      r.time,
      r.received ?? '',
      ...names.map((name) => defuse(r.cells.get(name) ?? '')),
      r.replay ? 'yes' : '',
    ]);
  }
  download('csv', 'text/csv;charset=utf-8', lines.map((l) => `${l.map(csvCell).join(',')}\r\n`).join(''), list.length);
}

// The records of `orderseal decrypt --format json` (files by name, type and
// size), plus where each came from.
function exportJson() {
  const list = exported();
  const records = list.map((r) => {
    const rec = {
      line: r.line,
      sid: r.sid,
      form: r.form,
      kid: r.kid,
      ts: r.ts,
      time: r.time,
      fields: Object.fromEntries(r.fields.map(([name, value]) => [name, jsonValue(value)])),
    };
    if (r.replay) {
      const first = bySid.get(r.sid)[0];
      if (first !== r && first.batch === r.batch) rec.replay_of_line = first.line;
      rec.possible_replay = true;
    }
    if (r.received !== undefined) rec.received = r.received;
    if (r.inboxId !== undefined) rec.inbox_id = r.inboxId;
    rec.source = r.inbox ? 'inbox' : r.source;
    return rec;
  });
  const text = records.length ? `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n` : '[]\n';
  download('json', 'application/json', text, list.length);
}

function jsonValue(value) {
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value && typeof value === 'object') return { name: value.name, type: value.type, size: value.data.length };
  return value;
}

function download(ext, type, text, n) {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = node('a', { href: url, download: `orders-${stamp}.${ext}` });
  a.click();
  // Long enough for the download to start; the URL is then useless.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  say(`Exported ${count(n, 'order')} as ${ext.toUpperCase()}.`);
}

// --- controls ---------------------------------------------------------------------------

function updateControls() {
  const unlocked = keyIds.length > 0;
  el.unlock.disabled = unlocking;
  el.lock.disabled = !unlocked && rows.length === 0 && !worker;
  for (const c of [el.token, el.loadInbox, el.ordersFile]) c.disabled = !unlocked || busy;
  el.loadHint.hidden = unlocked;
  el.clear.disabled = rows.length === 0 || busy;
}

el.keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  addKeys(pendingKeys.length ? pendingKeys : [...el.keyFile.files]);
});
el.keyFile.addEventListener('change', () => {
  pendingKeys = [];
  if (el.keyFile.files.length) addKeys([...el.keyFile.files]);
});
el.lock.addEventListener('click', () => lock());

el.inboxForm.addEventListener('submit', (event) => {
  event.preventDefault();
  loadInbox();
});
el.ordersFile.addEventListener('change', () => loadFile(el.ordersFile.files[0]));

let searchTimer = null;
el.search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    query = el.search.value.trim();
    shown = PAGE_SIZE;
    render();
  }, 120);
});

el.thead.addEventListener('click', (event) => {
  const button = event.target.closest('button.sort');
  if (!button) return;
  const key = button.dataset.key;
  sort = { key, dir: sort.key === key && sort.dir === 'ascending' ? 'descending' : 'ascending' };
  render();
  el.thead.querySelector(`button[data-key="${CSS.escape(key)}"]`)?.focus();
  const label = button.textContent;
  say(`Sorted by ${label}, ${sort.dir}.`);
});

el.tbody.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-n]');
  if (!button) return;
  const row = rows[Number(button.dataset.n) - 1];
  if (row) openDetail(row, button.dataset.n);
});

el.more.addEventListener('click', () => {
  shown += PAGE_SIZE;
  render();
});
el.exportCsv.addEventListener('click', exportCsv);
el.exportJson.addEventListener('click', exportJson);
el.clear.addEventListener('click', () => {
  clearTable();
  say('The table is cleared. Loading the inbox again starts from its first order.');
});

// Drag and drop: a key file on the key panel, an export on the orders panel.
function dropZone(panel, zone, take) {
  panel.addEventListener('dragover', (event) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    zone.classList.add('over');
  });
  panel.addEventListener('dragleave', (event) => {
    if (!panel.contains(event.relatedTarget)) zone.classList.remove('over');
  });
  panel.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length) take(files);
  });
}
dropZone(el.keyPanel, el.keyDrop, (files) => {
  pendingKeys = [];
  addKeys(files);
});
dropZone(el.loadPanel, el.fileDrop, (files) => loadFile(files[0]));
// A file dropped anywhere else must not make the browser open it (a key
// file would be shown in a tab, the page and its keys left behind).
document.addEventListener('dragover', (event) => event.preventDefault());
document.addEventListener('drop', (event) => event.preventDefault());

// Leaving the page (closing the tab, navigating, reloading) locks it.
window.addEventListener('pagehide', () => lock({ quiet: true }));

render();
compileWasm().catch((error) => warn(`Decryption is unavailable: ${error.message}`));
