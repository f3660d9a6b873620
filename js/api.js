// The package's API around the wasm-bindgen builds: `init`, `Sealer`,
// `Opener`. Shared by index.js (browsers) and node.js.
//
// There are two builds of the same crate (Cargo feature `full`):
//   - the seal build (browsers with WebCrypto): the core's seal steps only
//     (checks, padding, RFC 9180 key schedule, envelope); WebCrypto does the
//     P-256 ECDH and the AES-GCM. Small, so the order page is ready fast;
//   - the full build: also the pure-Rust seal (the `hpke` crate: the
//     reference, and the engine where WebCrypto is missing or fails) and the
//     Opener. Node loads it; browsers load it where the seal build cannot
//     seal, or when asked for it (the back office), or later, on demand.
//
// What this layer adds to the wasm classes, and nothing more:
//   - fail closed: until init() has loaded a build, and forever after a
//     failure (no WebAssembly, no crypto.getRandomValues, the .wasm did not
//     load, the self-test failed, the module trapped), every call throws an
//     `unavailable` error; nothing is sealed before the build's self-test
//     has passed (the seal build's runs just after init() resolves, or in
//     the first seal if that comes sooner);
//   - `seal()` returns a Promise and reads File / Blob / FileList values,
//     which only JavaScript can do (asynchronously);
//   - where WebCrypto is there (the `webcrypto` engine), `seal()` has it do
//     the P-256 ECDH and the AES-GCM, which are many times faster there than
//     in wasm, once it has passed a known-answer test (webcrypto-check.js);
//     the core still checks and pads the fields, runs the RFC 9180 key
//     schedule and writes the envelope (see `sealWithWebCrypto`);
//   - private fields (#inner), so that the wasm handles are not reachable.
// Sealing, key parsing, validation and errors are the Rust core's.

import { ERROR_NAME, isOrderSealError, orderSealError } from './errors.js';
import { base64url, checkWebCrypto } from './webcrypto-check.js';

/** What `engine` options may say, for the Sealer and the Opener. */
export const ENGINE_NAMES = ['auto', 'webcrypto', 'wasm'];
/** WebCrypto's name for the P-256 ECDH algorithm. */
export const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' };

/**
 * The AES-GCM key being imported into WebCrypto (a Promise) and the
 * parameters of a seal or open after the core's key schedule (`KeyedSeal`,
 * `KeyedOpen`). The key's bytes are overwritten at once: importKey copies
 * them before it returns (WebCrypto: "a copy of the bytes held by" keyData).
 */
export function aesGcmOf(subtle, keyed, usage) {
  const rawKey = keyed.key;
  try {
    const params = { name: 'AES-GCM', iv: keyed.nonce, additionalData: keyed.aad, tagLength: 128 };
    return { aesKey: subtle.importKey('raw', rawKey, 'AES-GCM', false, [usage]), params };
  } finally {
    rawKey.fill(0);
  }
}

const isBlob = (v) => typeof Blob !== 'undefined' && v instanceof Blob;
const isFileList = (v) => typeof FileList !== 'undefined' && v instanceof FileList;

async function readBlob(blob) {
  return {
    name: typeof blob.name === 'string' ? blob.name : '',
    type: blob.type,
    data: new Uint8Array(await blob.arrayBuffer()),
  };
}

// WebCrypto, where the page may use it: in a secure context (https, or
// localhost) and with `crypto.subtle` (Node >= 20 has it, and no
// isSecureContext).
const subtleCrypto = () =>
  globalThis.isSecureContext === false ? undefined : globalThis.crypto?.subtle;
const hasWebCrypto = () => typeof subtleCrypto()?.deriveBits === 'function';

/** An export only the full build has. */
const FULL_ONLY_EXPORT = '__wbg_opener_free';

/** `{ seal, full }` sources, rather than one source for wasm-bindgen. */
const isSources = (v) =>
  v !== null &&
  typeof v === 'object' &&
  Object.getPrototypeOf(v) === Object.prototype &&
  ('seal' in v || 'full' in v);

/**
 * @param {object} builds
 * @param {(source?: unknown) => unknown} builds.full loads the full build
 *   (from `source`, or from where the package keeps it) and returns the
 *   initialised wasm-bindgen module, or a Promise of it.
 * @param {(source?: unknown) => Promise<unknown>} [builds.seal] the same
 *   for the seal build (browsers only).
 */
export function createApi({ full: loadFull, seal: loadSeal }) {
  /** The build Sealer and Opener are made from, once loaded. */
  let glue = null;
  /** The full build once loaded (`glue` itself if init() chose it). */
  let fullGlue = null;
  /** Where the full build comes from if the seal build needs it later. */
  let fullSource;
  /** The full build's loading, once started. */
  let fullLoading = null;
  /** Why orderseal is unavailable, once it is (never reset). */
  let failure = null;
  /** The one init() in flight or done. */
  let initialising = null;
  /** The WebCrypto known-answer test, once started. */
  let webCryptoChecked = null;
  /** Whether the seal build has passed its self-test. */
  let sealTested = false;

  const unavailable = (message, cause) =>
    orderSealError('unavailable', `orderseal is unavailable: ${message}`, { cause });

  function fail(error) {
    if (!failure) {
      failure =
        error && error.name === ERROR_NAME && error.code === 'unavailable'
          ? error
          : unavailable(
              error instanceof Error ? error.message : String(error),
              error,
            );
      glue = null;
      fullGlue = null;
    }
    return failure;
  }

  // A fresh error per refusal (its own stack), same code and message.
  function refusal() {
    return orderSealError('unavailable', failure.message, { cause: failure.cause });
  }

  function check() {
    if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
      throw unavailable('this browser has no WebAssembly');
    }
    if (typeof globalThis.crypto?.getRandomValues !== 'function') {
      throw unavailable('this browser has no secure random numbers (crypto.getRandomValues)');
    }
  }

  // A lazy source is a function returning one (so that the full build is
  // fetched only if it is needed).
  const resolve = (source) => (typeof source === 'function' ? source() : source);

  // Which build one source holds: compiled here and told apart by its
  // exports (each build has its own JavaScript glue).
  async function sniff(input) {
    let source = await input;
    if (!(source instanceof WebAssembly.Module)) {
      const isBytes = ArrayBuffer.isView(source) || source instanceof ArrayBuffer;
      if (!isBytes) {
        // A URL, path or Request: fetch it; a Response: read it.
        const response = source instanceof Response ? source : await fetch(source);
        if (!response.ok) throw new Error(`the .wasm did not load (HTTP ${response.status})`);
        source = await response.arrayBuffer();
      }
      source = await WebAssembly.compile(source);
    }
    const full = WebAssembly.Module.exports(source).some((e) => e.name === FULL_ONLY_EXPORT);
    return full ? { full: source } : { seal: source };
  }

  /**
   * The seal build's self-test (Rust: orderseal::selftest::run_seal_steps),
   * once; a failure makes orderseal unavailable. (The core also runs it
   * before its first prepare, whatever JavaScript does.)
   */
  function sealSelfTest() {
    if (sealTested) return;
    try {
      call((g) => g.selfTest());
    } catch (error) {
      throw fail(error);
    }
    sealTested = true;
  }

  /** Resolves once WebCrypto has passed its known-answer test. */
  function webCryptoWorks() {
    webCryptoChecked ??= checkWebCrypto(subtleCrypto());
    return webCryptoChecked;
  }

  // Runs the full build's self-test (Rust: orderseal::selftest::run, the
  // whole pipeline) and keeps the build.
  function adoptFull(module) {
    module.selfTest();
    fullGlue = module;
    return module;
  }

  async function start(input) {
    const sources = input === undefined ? {} : isSources(input) ? input : await sniff(input);
    fullSource = sources.full;
    // `{ full }` alone is the back office's; `{ seal: undefined, full }`
    // keeps the seal build's default source.
    const onlyFull = sources.full !== undefined && !('seal' in sources);
    if (loadSeal && hasWebCrypto() && !onlyFull) {
      glue = await loadSeal(await resolve(sources.seal));
      // The self-tests run in a task of their own, after init() resolves:
      // the core's seal steps, then WebCrypto's known-answer test. The
      // first seal runs them itself if it comes sooner, and nothing is
      // sealed before they pass (a Sealer only reads the public key). On
      // an order page this took the self-test's 2 ms off the path to ready
      // (V8 compiles each wasm function on its first call).
      setTimeout(() => {
        try {
          sealSelfTest();
          webCryptoWorks().catch(() => {});
        } catch {
          // orderseal is unavailable now: every later call says so.
        }
      }, 0);
      return;
    }
    glue = adoptFull(await loadFull(await resolve(sources.full)));
  }

  /**
   * Loads a build, once, and runs its self-test (the seal build's just
   * after, in a task of its own). Resolves when orderseal can be used;
   * rejects with an `unavailable` error otherwise (and every later call
   * throws it too).
   */
  function init(input) {
    initialising ??= (async () => {
      if (failure) throw refusal();
      try {
        check();
        await start(input);
      } catch (error) {
        throw fail(error);
      }
    })();
    return initialising;
  }

  /** Synchronous init() for Node, where the full build loads synchronously. */
  function initSync() {
    try {
      check();
      const module = loadFull();
      module.selfTest();
      glue = fullGlue = module;
      initialising = Promise.resolve();
    } catch (error) {
      fail(error);
      initialising = Promise.reject(refusal());
      initialising.catch(() => {});
    }
  }

  /** The full build, loaded now if init() chose the seal build. */
  function full() {
    if (fullGlue) return Promise.resolve(fullGlue);
    fullLoading ??= (async () => {
      let module;
      try {
        module = await loadFull(await resolve(fullSource));
      } catch (error) {
        // Not loaded (offline, say): the next seal may try again.
        fullLoading = null;
        const why = error instanceof Error ? error.message : String(error);
        throw unavailable(`the full build did not load: ${why}`, error);
      }
      try {
        return adoptFull(module);
      } catch (error) {
        // Loaded but failed its self-test: a broken platform or build.
        throw fail(error);
      }
    })();
    return fullLoading;
  }

  // Calls `f(glue)`, refusing while unavailable. A wasm trap (a Rust panic:
  // a bug) leaves the module's memory in an unknown state: from then on,
  // refuse everything.
  function call(f) {
    if (failure) throw refusal();
    if (!glue) throw unavailable('call and await init() first');
    try {
      return f(glue);
    } catch (error) {
      if (typeof WebAssembly === 'object' && error instanceof WebAssembly.RuntimeError) {
        fail(error);
        throw refusal();
      }
      throw error;
    }
  }

  // Field values that are File, Blob or FileList become file objects
  // { name, type, data: Uint8Array }; the rest is passed on unchanged.
  // Each field is read once, here: the core encodes this snapshot, so a
  // getter that changes its answer cannot make the scan and the
  // encoding see different values.
  async function readFiles(fields) {
    let entries;
    if (fields instanceof Map) entries = [...fields];
    else if (fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
      entries = Object.entries(fields);
    } else return fields; // the core says what is wrong
    // One pass, and nothing allocated for text values (most of an order).
    // `read`: a File, Blob or FileList to turn into file objects below; a
    // FileList even when empty (an input with no file chosen), as [].
    let total = 0;
    let read = false;
    for (const [, v] of entries) {
      if (typeof v === 'string') continue;
      const list = isFileList(v);
      read ||= list;
      for (const b of list || Array.isArray(v) ? v : [v]) {
        if (isBlob(b)) {
          total += b.size;
          read = true;
        }
      }
    }
    if (!read) return new Map(entries);
    // Refuse files over the size limit before reading them into memory.
    call((g) => g.checkFilesSize(total));
    const out = new Map();
    for (const [name, value] of entries) {
      if (isBlob(value)) out.set(name, await readBlob(value));
      else if (isFileList(value) || Array.isArray(value)) {
        out.set(name, await Promise.all([...value].map((v) => (isBlob(v) ? readBlob(v) : v))));
      } else out.set(name, value);
    }
    return out;
  }


  // One seal with WebCrypto doing RFC 9180 `Encap`'s ECDH and the AES-GCM of
  // `ctx.Seal`, and the core the rest (`Sealer::prepare_at`,
  // `Prepared::finish`: ExtractAndExpand and KeySchedule, `Keyed::into_envelope`).
  // `recipient()` gives the recipient's CryptoKey (a Promise); `prepared` is
  // consumed. Errors: the core's OrderSealError, or WebCrypto's.
  async function sealWithWebCrypto(subtle, recipient, prepared) {
    let keyed = null;
    try {
      const ephemeral = await subtle.generateKey(ECDH_P256, false, ['deriveBits']);
      const [enc, dh] = await Promise.all([
        subtle.exportKey('raw', ephemeral.publicKey),
        subtle.deriveBits({ name: 'ECDH', public: await recipient() }, ephemeral.privateKey, 256),
      ]);
      const dhBytes = new Uint8Array(dh);
      try {
        keyed = call(() => prepared.finish(new Uint8Array(enc), dhBytes));
      } finally {
        dhBytes.fill(0);
        prepared = null;
      }
      const { aesKey, params } = aesGcmOf(subtle, keyed, 'encrypt');
      const key = await aesKey;
      // The plaintext is a view of the module's memory (no copy of it is
      // left in JavaScript): nothing may call into the module between
      // taking it and encrypt(), which copies it before returning.
      const ct = await subtle.encrypt(params, key, call(() => keyed.plaintextView()));
      const done = keyed;
      keyed = null;
      return envelopeOf(done, new Uint8Array(ct));
    } finally {
      // Never used: free now (the core zeroizes the padded plaintext and key).
      prepared?.free();
      keyed?.free();
    }
  }

  // The envelope from the AES-GCM output: the core writes it up to `ct`
  // (`Keyed::into_json_head`) and JavaScript appends base64url(ct), which
  // is public: a megabyte is many times faster than in wasm and is not
  // copied into the module, and the seal build links no base64 encoder
  // for it.
  function envelopeOf(keyed, ct) {
    const { head, envelope, submissionId } = call(() => keyed.intoEnvelopeHead(ct.length));
    const text = base64url(ct);
    envelope.ct = text;
    return { envelope, json: `${head}${text}"}`, submissionId };
  }

  class Sealer {
    #inner;
    /** The same key in the full build, for the `wasm` engine (made on first use). */
    #wasm = null;
    /** The suite option, for #wasm. */
    #suite;
    /** 'webcrypto' or 'wasm': how the next seal is done. */
    #engine;
    /** 'auto' falls back to 'wasm' if WebCrypto fails. */
    #fallback;
    /** Promise of the recipient key imported into WebCrypto, once. */
    #recipient = null;

    constructor(key, options = {}) {
      const engine = options?.engine ?? 'auto';
      if (!ENGINE_NAMES.includes(engine)) {
        throw new TypeError(`options.engine must be one of ${ENGINE_NAMES.join(', ')}`);
      }
      this.#inner = call((g) => new g.Sealer(key, options));
      const webcrypto = hasWebCrypto();
      if (engine === 'webcrypto' && !webcrypto) {
        this.#inner.free();
        throw unavailable('options.engine is webcrypto, but WebCrypto (crypto.subtle) is not available here');
      }
      this.#suite = options?.suite;
      this.#engine = engine === 'wasm' || !webcrypto ? 'wasm' : 'webcrypto';
      this.#fallback = engine === 'auto';
    }

    get keyId() {
      return this.#inner.keyId;
    }

    get fingerprint() {
      return this.#inner.fingerprint;
    }

    /** 'webcrypto' or 'wasm': the engine the next seal uses. */
    get engine() {
      return this.#engine;
    }

    // The pure-Rust seal (the `hpke` crate), in the full build: this
    // sealer's own if it is the full build's, else one made from the same
    // (already checked) key once the full build is loaded.
    async #sealWasm(values, options) {
      if (this.#inner.seal) return call(() => this.#inner.seal(values, options));
      const module = await full();
      this.#wasm ??= call(() => new module.Sealer(this.#inner.recipient, { suite: this.#suite }));
      return call(() => this.#wasm.seal(values, options));
    }

    async seal(fields, options = {}) {
      const values = await readFiles(fields);
      if (this.#engine === 'wasm') return this.#sealWasm(values, options);
      sealSelfTest();
      try {
        await webCryptoWorks();
      } catch (error) {
        return this.#webCryptoFailed(error, values, options);
      }
      // The core's checks first: their errors are the caller's, whatever the engine.
      const prepared = call(() => this.#inner.prepare(values, options));
      const subtle = subtleCrypto();
      try {
        const recipient = () =>
          (this.#recipient ??= subtle.importKey('raw', this.#inner.recipient, ECDH_P256, false, []));
        return await sealWithWebCrypto(subtle, recipient, prepared);
      } catch (error) {
        this.#recipient = null;
        // A failed or trapped core is the core's `unavailable`, whatever the engine.
        if (failure) throw refusal();
        if (isOrderSealError(error) && !this.#fallback) throw error;
        return this.#webCryptoFailed(error, values, options);
      }
    }

    // WebCrypto failed its known-answer test or a seal: with 'auto', nothing
    // was sealed, so seal again (another sid) with the wasm engine, and keep
    // to it from now on; with 'webcrypto', refuse.
    #webCryptoFailed(error, values, options) {
      if (this.#fallback) {
        this.#engine = 'wasm';
        return this.#sealWasm(values, options);
      }
      throw unavailable(
        `WebCrypto failed to seal: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }

    free() {
      this.#inner.free();
      this.#wasm?.free();
      this.#wasm = null;
    }
  }

  const version = () => call((g) => g.version());

  /** 'seal' or 'full': the build init() loaded (undefined before). */
  const build = () => call((g) => g.build());

  // What js/opener.js needs to make the Opener: a module of its own, so
  // that a bundle of an order page (which never opens) leaves it out.
  const internal = {
    call,
    unavailable,
    refusal,
    failed: () => failure !== null,
    webCryptoWorks,
    subtle: subtleCrypto,
    hasWebCrypto,
    /** The full build's glue, for an Opener; throws if only the seal build is loaded. */
    fullGlue() {
      if (!failure && glue && !fullGlue) {
        throw unavailable(
          'the Opener is in the full build: load it with init({ full }) or init(<its .wasm>)',
        );
      }
      return call(() => fullGlue);
    },
  };

  return { init, initSync, Sealer, version, build, internal };
}
