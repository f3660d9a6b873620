// The back office's decryption worker (a module worker started by
// backoffice.js). It holds the only Opener: private keys are parsed into
// wasm memory here and never leave this worker (where WebCrypto passes its
// known-answer test, each is also imported once into WebCrypto, as a
// non-extractable key, which then does the ECDH: Opener.openAll). The page
// sends key files (File objects, read here, wiped after parsing) and
// envelope batches; it gets back key ids and opened orders, in chunks, so
// that its progress bar moves and it keeps answering input while a large
// batch is opened.
//
// Messages from the page:
//   {type:'init', module}                         WebAssembly.Module (compiled by the
//                                                 page from integrity-checked bytes)
//   {type:'addKeys', id, files, passphrase}       -> {type:'keys', id, results, keyIds}
//   {type:'open', id, source}                     -> 'start', 'rows'…, 'done'
//        source: {kind:'file', file} | {kind:'inbox', text}
//   {type:'lock'}                                 -> clear() the keys, 'locked', close
//
// Nothing here uses the network or any storage.

import { init, Opener } from './pkg/index.js';

/** Post a chunk of opened rows at least this often (ms) while opening. */
const CHUNK_MS = 50;
/** Records handed to Opener.openAll at once. */
const SLICE = 64;
/** A key file is small; anything larger is not one. */
const MAX_KEY_FILE = 64 * 1024;
/** What the CLI allows per record: the envelope limit plus room for a wrapper. */
const MAX_RECORD = 12 * 1024 * 1024 + 64 * 1024;

let opener = null;
let ready = null;
let locked = false;
/** Messages are handled one at a time, in order ('lock' jumps the queue). */
let queue = Promise.resolve();

self.addEventListener('message', (event) => {
  const msg = event.data;
  if (msg?.type === 'lock') {
    lock();
    return;
  }
  if (locked) return;
  // One message at a time, in order (an 'open' waits for 'addKeys' before it).
  queue = queue.then(() => handle(msg)).catch((error) => {
    const message = String(error?.message ?? error);
    self.postMessage({ type: 'fatal', id: msg?.id, code: error?.code ?? 'unavailable', message });
  });
});

// "Lock": drop (and zeroize, in Rust) every key, then end this worker. The
// page terminates it as well; clearing first means the key bytes do not
// outlive the lock in memory the worker no longer owns.
function lock() {
  locked = true;
  if (opener) {
    try {
      opener.clear();
      opener.free();
    } catch {
      // A trapped module has nothing left to clear.
    }
    opener = null;
  }
  self.postMessage({ type: 'locked' });
  self.close();
}

async function handle(msg) {
  switch (msg?.type) {
    case 'init':
      ready ??= init(msg.module).then(() => {
        opener = new Opener();
      });
      try {
        await ready;
        self.postMessage({ type: 'ready', id: msg.id });
      } catch (error) {
        self.postMessage({ type: 'fatal', id: msg.id, code: error.code ?? 'unavailable', message: error.message });
      }
      return;
    case 'addKeys':
      await ready;
      self.postMessage({ type: 'keys', id: msg.id, ...(await addKeys(msg.files, msg.passphrase)) });
      return;
    case 'open':
      await ready;
      await openBatch(msg.id, msg.source);
      return;
    default:
      throw new Error(`unknown message ${JSON.stringify(msg?.type)}`);
  }
}

// --- keys ----------------------------------------------------------------------

async function addKeys(files, passphrase) {
  const results = [];
  for (const file of files) {
    if (locked || !opener) break;
    const name = file.name;
    if (file.size > MAX_KEY_FILE) {
      results.push({ name, code: 'key_malformed', message: `${name} is too large to be a key file` });
      continue;
    }
    // The file's bytes go to the core as they are (PEM, DER or JWK) and are
    // wiped right after; no JavaScript string of the key is ever made.
    const bytes = new Uint8Array(await file.arrayBuffer());
    const before = opener.keyIds.length;
    try {
      const kid = opener.addKey(bytes, passphrase || undefined);
      results.push({ name, kid, duplicate: opener.keyIds.length === before });
    } catch (error) {
      results.push({ name, code: error.code ?? 'key_malformed', message: error.message });
    } finally {
      bytes.fill(0);
    }
  }
  return { results, keyIds: opener ? opener.keyIds : [] };
}

// --- batches -------------------------------------------------------------------

async function openBatch(id, source) {
  const started = performance.now();
  const text = source.kind === 'file' ? await source.file.text() : source.text;
  const records = splitRecords(text);
  self.postMessage({ type: 'start', id, total: records.length });
  let rows = [];
  let buffers = new Set();
  let last = performance.now();
  let opened = 0;
  let failed = 0;
  const flush = (done) => {
    self.postMessage({ type: 'rows', id, rows, done }, [...buffers]);
    rows = [];
    buffers = new Set();
    last = performance.now();
  };
  for (let start = 0; start < records.length; start += SLICE) {
    if (locked || !opener) return;
    const slice = records.slice(start, start + SLICE).map(unwrapRecord);
    // The envelopes of the slice opened together: with WebCrypto, several
    // at a time (Opener.openAll).
    const results = await opener.openAll(slice.filter((r) => !r.row).map((r) => r.envelope));
    if (locked || !opener) return;
    let k = 0;
    for (const r of slice) {
      const row = r.row ?? rowOf(r, results[k++]);
      if (row.ok) opened++;
      else failed++;
      rows.push(row);
      for (const [, value] of row.fields ?? []) {
        for (const f of Array.isArray(value) ? value : [value]) {
          if (f && typeof f === 'object' && f.data instanceof Uint8Array) buffers.add(f.data.buffer);
        }
      }
    }
    if (performance.now() - last >= CHUNK_MS) {
      flush(start + slice.length);
      // Let a 'lock' message in between chunks.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  flush(records.length);
  self.postMessage({ type: 'done', id, opened, failed, ms: performance.now() - started });
}

// One record, unwrapped (inbox export lines hold the envelope as a member):
// `{ base, envelope }` to open, or `{ row }` if it is broken already.
function unwrapRecord(record) {
  const base = { line: record.number, inArray: record.inArray };
  if (record.problem) return { row: { ...base, ok: false, ...record.problem } };
  const { envelope, meta } = unwrap(record.text);
  return { base: { ...base, ...meta }, envelope };
}

// The row of an envelope: its fields, or what went wrong.
function rowOf({ base, envelope }, { opened: o, error }) {
  if (error) {
    return { ...base, ok: false, code: error.code, message: error.message, claimed: salvage(envelope) };
  }
  return {
    ...base,
    ok: true,
    sid: o.sid,
    form: o.form,
    kid: o.kid,
    suite: o.suite,
    ts: o.ts,
    // The pairs in the form's order (Object.entries of `fields` would put
    // names like "2" first), which survive any later copying.
    fields: o.entries,
  };
}

// The header members of an envelope that did not open, for the error row:
// shown as claimed, never trusted (nothing of them is authenticated).
function salvage(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const out = {};
  // The same plausibility test as the CLI's salvage_sid.
  if (typeof value.sid === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value.sid)) out.sid = value.sid;
  if (typeof value.kid === 'string' && /^[0-9a-f]{16}$/.test(value.kid)) out.kid = value.kid;
  if (typeof value.form === 'string' && /^[A-Za-z0-9._:/-]{1,64}$/.test(value.form)) out.form = value.form;
  if (Number.isSafeInteger(value.ts) && value.ts >= 0) out.ts = value.ts;
  return out;
}

// --- splitting the input into records --------------------------------------------
// As the CLI reads it (cli/src/commands/records.rs): one envelope (compact or
// pretty-printed), a JSON array of envelopes, or JSON Lines whose lines are
// envelopes or wrappers {"id","received","sha256","envelope":{…}}. Outside
// arrays a record ends at the end of the line where its brackets balance; a
// line that ends inside a string is a broken record and the next line starts
// afresh. Records keep their exact text: the opener must see the bytes that
// were sealed (duplicate members, number spellings…), not a re-serialisation.

const WS = new Set([' ', '\t', '\n', '\r']);

function splitRecords(input) {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records = [];
  let i = 0;
  let line = 1;
  const skipWs = () => {
    while (i < text.length && WS.has(text[i])) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  skipWs();
  if (text[i] === '[') {
    i++;
    let index = 0;
    for (;;) {
      skipWs();
      if (i >= text.length) {
        records.push({
          number: index + 1, inArray: true, line,
          problem: { code: 'envelope_malformed', message: 'the input ends inside a JSON array (no closing ])' },
        });
        return records;
      }
      if (text[i] === ']') {
        i++;
        break;
      }
      if (text[i] === ',' && index > 0) {
        i++;
        continue;
      }
      const start = i;
      const startLine = line;
      let depth = 0;
      let inStr = false;
      let escaped = false;
      for (; i < text.length; i++) {
        const c = text[i];
        if (c === '\n') line++;
        if (inStr) {
          if (escaped) escaped = false;
          else if (c === '\\') escaped = true;
          else if (c === '"') inStr = false;
        } else if (c === '"') inStr = true;
        else if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') {
          if (depth === 0) break;
          depth--;
        } else if (c === ',' && depth === 0) break;
      }
      index++;
      records.push(record(text.slice(start, i).trim(), index, startLine, true));
    }
  }
  // JSON Lines, or one (possibly pretty-printed) envelope.
  for (;;) {
    skipWs();
    if (i >= text.length) break;
    const start = i;
    const startLine = line;
    let end = text.indexOf('\n', i);
    if (end < 0) end = text.length;
    if (text[i] === '{' || text[i] === '[') {
      let depth = 0;
      let inStr = false;
      let escaped = false;
      for (; i < text.length; i++) {
        const c = text[i];
        if (c === '\n') {
          if (inStr) break; // a JSON string never holds a raw line feed
          line++;
          continue;
        }
        if (inStr) {
          if (escaped) escaped = false;
          else if (c === '\\') escaped = true;
          else if (c === '"') inStr = false;
        } else if (c === '"') inStr = true;
        else if (c === '{' || c === '[') depth++;
        else if ((c === '}' || c === ']') && --depth === 0) {
          i++;
          break;
        }
      }
      // The record runs to the end of the line where it balanced.
      end = text.indexOf('\n', i);
      if (end < 0) end = text.length;
    }
    i = end;
    records.push(record(text.slice(start, end).trim(), records.length + 1, startLine, false));
  }
  return records;
}

function record(text, index, line, inArray) {
  const number = inArray ? index : line;
  if (text.length > MAX_RECORD) {
    return {
      number, inArray,
      problem: {
        code: 'limit_exceeded',
        message: `the record is ${text.length} characters long, over the envelope limit`,
      },
    };
  }
  return { number, inArray, text };
}

// The envelope text of a record: the record itself, or the `envelope` member
// of a wrapper (a string member is the envelope's text), with the wrapper's
// `id` and `received` for the table.
function unwrap(text) {
  if (!text.includes('"envelope"')) return { envelope: text, meta: {} };
  let wrapper;
  try {
    wrapper = JSON.parse(text);
  } catch {
    return { envelope: text, meta: {} };
  }
  if (!wrapper || typeof wrapper !== 'object' || Array.isArray(wrapper) || !('envelope' in wrapper)) {
    return { envelope: text, meta: {} };
  }
  const spans = memberSpans(text);
  const span = spans?.get('envelope');
  if (!span || span.count !== 1) return { envelope: text, meta: {} };
  let envelope = text.slice(span.start, span.end);
  if (typeof wrapper.envelope === 'string') envelope = wrapper.envelope;
  const meta = {};
  if (typeof wrapper.received === 'string') meta.received = wrapper.received;
  if (Number.isSafeInteger(wrapper.id)) meta.inboxId = wrapper.id;
  return { envelope, meta };
}

// The raw text span of each member of a JSON object known to be valid JSON.
function memberSpans(text) {
  const spans = new Map();
  let i = text.indexOf('{') + 1;
  const skipWs = () => {
    while (i < text.length && WS.has(text[i])) i++;
  };
  const skipString = () => {
    // at the opening quote
    for (i++; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') {
        i++;
        return;
      }
    }
  };
  for (;;) {
    skipWs();
    if (text[i] !== '"') return spans;
    const keyStart = i;
    skipString();
    const key = JSON.parse(text.slice(keyStart, i));
    skipWs();
    i++; // ':'
    skipWs();
    const start = i;
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        skipString();
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
      i++;
    }
    let end = i;
    while (end > start && WS.has(text[end - 1])) end--;
    const prev = spans.get(key);
    spans.set(key, { start, end, count: (prev?.count ?? 0) + 1 });
    if (text[i] === ',') i++;
    else return spans;
  }
}
