// The package's API around one wasm-bindgen build (web or Node): `init`,
// `Sealer`, `Opener`. Shared by index.js (browsers) and node.js.
//
// What this layer adds to the wasm classes, and nothing more:
//   - fail closed: until init() has loaded the module and its self-test has
//     passed, and forever after a failure (no WebAssembly, no
//     crypto.getRandomValues, the .wasm did not load, the self-test failed,
//     the module trapped), every call throws an `unavailable` error;
//   - `seal()` returns a Promise and reads File / Blob / FileList values,
//     which only JavaScript can do (asynchronously);
//   - where WebCrypto is there (the `webcrypto` engine), `seal()` has it do
//     the P-256 ECDH and the AES-GCM, which are many times faster there than
//     in wasm; the core still checks and pads the fields, runs the RFC 9180
//     key schedule and writes the envelope (see `sealWithWebCrypto`);
//   - private fields (#inner), so that the wasm handles are not reachable.
// Sealing, key parsing, validation and errors are the Rust core's.

import { ERROR_NAME, isOrderSealError, orderSealError } from './errors.js';

const isBlob = (v) => typeof Blob !== 'undefined' && v instanceof Blob;
const isFileList = (v) => typeof FileList !== 'undefined' && v instanceof FileList;

async function readBlob(blob) {
  return {
    name: typeof blob.name === 'string' ? blob.name : '',
    type: blob.type,
    data: new Uint8Array(await blob.arrayBuffer()),
  };
}

/**
 * @param {(input?: unknown) => unknown} load returns the wasm-bindgen
 *   module, initialised (may return a Promise).
 */
export function createApi(load) {
  /** The wasm-bindgen module once it has passed its self-test. */
  let glue = null;
  /** Why orderseal is unavailable, once it is (never reset). */
  let failure = null;
  /** The one init() in flight or done. */
  let initialising = null;

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

  // Adopts a loaded module: runs its self-test (Rust: orderseal::selftest).
  function adopt(module) {
    module.selfTest();
    glue = module;
  }

  /**
   * Loads the module and runs the self-test, once. Resolves when orderseal
   * can be used; rejects with an `unavailable` error otherwise (and every
   * later call throws it too).
   */
  function init(input) {
    initialising ??= (async () => {
      if (failure) throw refusal();
      try {
        check();
        adopt(await load(input));
      } catch (error) {
        throw fail(error);
      }
    })();
    return initialising;
  }

  /** Synchronous init() for Node, where the module loads synchronously. */
  function initSync() {
    try {
      check();
      adopt(load());
      initialising = Promise.resolve();
    } catch (error) {
      fail(error);
      initialising = Promise.reject(refusal());
      initialising.catch(() => {});
    }
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
  async function readFiles(fields) {
    let entries;
    if (fields instanceof Map) entries = [...fields];
    else if (fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
      entries = Object.entries(fields);
    } else return fields; // the core says what is wrong
    const blobsOf = (v) =>
      isBlob(v) ? [v] : isFileList(v) || Array.isArray(v) ? [...v].filter(isBlob) : [];
    const total = entries.reduce((n, [, v]) => n + blobsOf(v).reduce((m, b) => m + b.size, 0), 0);
    if (!entries.some(([, v]) => blobsOf(v).length > 0)) return fields;
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

  // WebCrypto, where the page may use it: in a secure context (https, or
  // localhost) and with `crypto.subtle` (Node >= 20 has it, and no
  // isSecureContext).
  const subtleCrypto = () =>
    globalThis.isSecureContext === false ? undefined : globalThis.crypto?.subtle;

  const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' };

  // One seal with WebCrypto doing RFC 9180 `Encap`'s ECDH and the AES-GCM of
  // `ctx.Seal`, and the core the rest (`Sealer::prepare_at`,
  // `Prepared::finish`: ExtractAndExpand and KeySchedule, `Keyed::into_envelope`).
  // `recipient()` gives the recipient's CryptoKey (a Promise); `prepared` is
  // consumed. Errors: the core's OrderSealError, or WebCrypto's.
  async function sealWithWebCrypto(subtle, recipient, prepared) {
    let keyed = null;
    let plaintext = null;
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
      const rawKey = keyed.key;
      let aesKey;
      try {
        aesKey = await subtle.importKey('raw', rawKey, 'AES-GCM', false, ['encrypt']);
      } finally {
        rawKey.fill(0);
      }
      plaintext = keyed.plaintext;
      const ct = await subtle.encrypt(
        { name: 'AES-GCM', iv: keyed.nonce, additionalData: keyed.aad, tagLength: 128 },
        aesKey,
        plaintext,
      );
      const done = keyed;
      keyed = null;
      return call(() => done.intoEnvelope(new Uint8Array(ct)));
    } finally {
      plaintext?.fill(0);
      // Never used: free now (the core zeroizes the padded plaintext and key).
      prepared?.free();
      keyed?.free();
    }
  }

  const ENGINES = ['auto', 'webcrypto', 'wasm'];

  class Sealer {
    #inner;
    /** 'webcrypto' or 'wasm': how the next seal is done. */
    #engine;
    /** 'auto' falls back to 'wasm' if WebCrypto fails. */
    #fallback;
    /** Promise of the recipient key imported into WebCrypto, once. */
    #recipient = null;

    constructor(key, options = {}) {
      const engine = options?.engine ?? 'auto';
      if (!ENGINES.includes(engine)) {
        throw new TypeError(`options.engine must be one of ${ENGINES.join(', ')}`);
      }
      this.#inner = call((g) => new g.Sealer(key, options));
      const webcrypto = typeof subtleCrypto()?.deriveBits === 'function';
      if (engine === 'webcrypto' && !webcrypto) {
        this.#inner.free();
        throw unavailable('options.engine is webcrypto, but WebCrypto (crypto.subtle) is not available here');
      }
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

    async seal(fields, options = {}) {
      const values = await readFiles(fields);
      if (this.#engine === 'wasm') return call(() => this.#inner.seal(values, options));
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
        if (this.#fallback) {
          // Nothing was sealed: seal again (another sid) with the wasm engine,
          // and keep to it from now on.
          this.#engine = 'wasm';
          return call(() => this.#inner.seal(values, options));
        }
        if (isOrderSealError(error)) throw error;
        throw unavailable(
          `WebCrypto failed to seal: ${error instanceof Error ? error.message : String(error)}`,
          error,
        );
      }
    }

    free() {
      this.#inner.free();
    }
  }

  class Opener {
    #inner;

    constructor() {
      this.#inner = call((g) => new g.Opener());
    }

    addKey(key, passphrase) {
      return call(() => this.#inner.addKey(key, passphrase ?? undefined));
    }

    open(envelope) {
      return call(() => this.#inner.open(envelope));
    }

    clear() {
      this.#inner.clear();
    }

    get keyIds() {
      return this.#inner.keyIds;
    }

    free() {
      this.#inner.free();
    }
  }

  const version = () => call((g) => g.version());

  return { init, initSync, Sealer, Opener, version };
}
