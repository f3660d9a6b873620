// The Opener: the back office's side of the API (js/api.js makes the
// rest). A module of its own so that bundlers leave it out of order pages,
// which only seal: index.js makes it with a pure call.
//
//   - `open()`: one envelope, in the wasm core (the `hpke` crate);
//   - `openAll()`: many, with WebCrypto doing RFC 9180's ECDH and AES-GCM
//     around the core (`Opener::prepare_open`, `PreparedOpen::finish`,
//     `KeyedOpen::into_opened`), once it has passed the RFC 9180 A.3
//     known-answer test; an envelope WebCrypto refuses is opened again by
//     the wasm engine, whose answer is the one given.

import { ECDH_P256, ENGINE_NAMES, aesGcmOf } from './api.js';
import { isOrderSealError } from './errors.js';

/**
 * An error as one result of `openAll`: the core's answer about an envelope
 * (`{ error }`); `unavailable` and anything else is not about the envelope
 * and is thrown.
 */
function answer(error) {
  if (isOrderSealError(error) && error.code !== 'unavailable') return { error };
  throw error;
}

/**
 * How many envelopes `openAll` has in WebCrypto at once: enough to keep
 * WebCrypto's threads busy, but one core fewer than the machine has, so
 * that a back-office page stays responsive while a worker opens a batch
 * (WebCrypto runs on threads of its own, not on the caller's).
 */
const inFlight = () => Math.max(1, Math.min(16, (globalThis.navigator?.hardwareConcurrency ?? 2) - 1));

/**
 * The Opener class over one API (what `createApi` returns).
 * @param {{ internal: object }} made
 */
export function createOpener(made) {
  const api = made.internal;
  const { call, unavailable, refusal, webCryptoWorks } = api;

  class Opener {
    #inner;
    /** 'webcrypto' or 'wasm': how `openAll` opens. */
    #engine;
    /** 'auto' falls back to 'wasm' if WebCrypto fails its known-answer test. */
    #fallback;
    /** Key id -> Promise of the key imported into WebCrypto (non-extractable). */
    #cryptoKeys = new Map();

    constructor(options = {}) {
      const engine = options?.engine ?? 'auto';
      if (!ENGINE_NAMES.includes(engine)) {
        throw new TypeError(`options.engine must be one of ${ENGINE_NAMES.join(', ')}`);
      }
      const glue = api.fullGlue();
      const webcrypto = api.hasWebCrypto();
      if (engine === 'webcrypto' && !webcrypto) {
        throw unavailable('options.engine is webcrypto, but WebCrypto (crypto.subtle) is not available here');
      }
      this.#inner = call(() => new glue.Opener());
      this.#engine = engine === 'wasm' || !webcrypto ? 'wasm' : 'webcrypto';
      this.#fallback = engine === 'auto';
    }

    addKey(key, passphrase) {
      return call(() => this.#inner.addKey(key, passphrase ?? undefined));
    }

    open(envelope) {
      return call(() => this.#inner.open(envelope));
    }

    /** 'webcrypto' or 'wasm': how the next `openAll` opens. */
    get engine() {
      return this.#engine;
    }

    /**
     * Opens many envelopes: `[{ opened } | { error }]`, in input order, an
     * OrderSealError for each one that does not open (the codes of
     * `open()`). With the `webcrypto` engine, WebCrypto does the ECDH and
     * AES-GCM around the core's key schedule, several envelopes at a time;
     * the core parses, checks, unpads and reads the fields. An envelope
     * WebCrypto refuses is opened again by the wasm engine, which says why.
     */
    async openAll(envelopes) {
      const list = [...envelopes];
      if (this.#engine === 'webcrypto') {
        try {
          await webCryptoWorks();
        } catch (error) {
          if (!this.#fallback) {
            throw unavailable(`WebCrypto failed its known-answer test: ${error.message}`, error);
          }
          this.#engine = 'wasm';
        }
      }
      const results = new Array(list.length);
      const openOne = (i) =>
        this.#engine === 'webcrypto' ? this.#openWithWebCrypto(list[i]) : this.#openWasm(list[i]);
      let next = 0;
      const worker = async () => {
        while (next < list.length) {
          const i = next++;
          results[i] = await openOne(i);
        }
      };
      await Promise.all(Array.from({ length: Math.min(inFlight(), list.length) }, worker));
      return results;
    }

    #openWasm(envelope) {
      try {
        return { opened: this.open(envelope) };
      } catch (error) {
        return answer(error);
      }
    }

    // The private key of `keyId`, imported into WebCrypto once: its PKCS#8
    // bytes cross into JavaScript only for the import and are overwritten.
    #cryptoKey(subtle, keyId) {
      let key = this.#cryptoKeys.get(keyId);
      if (!key) {
        const der = call(() => this.#inner.exportKeyForWebCrypto(keyId));
        key = subtle.importKey('pkcs8', der, ECDH_P256, false, ['deriveBits']).finally(() => der.fill(0));
        this.#cryptoKeys.set(keyId, key);
      }
      return key;
    }

    // RFC 9180 Decap's ECDH and the AES-GCM of Open in WebCrypto, the rest
    // in the core (`Opener::prepare_open`, `PreparedOpen::finish`,
    // `KeyedOpen::into_opened`), as the seal does it the other way round.
    async #openWithWebCrypto(envelope) {
      const subtle = api.subtle();
      let prepared = null;
      let keyed = null;
      try {
        try {
          prepared = call(() => this.#inner.prepareOpen(envelope));
        } catch (error) {
          // Malformed, unknown key id, enc off the curve: the core's answer.
          return answer(error);
        }
        const [privateKey, enc] = await Promise.all([
          this.#cryptoKey(subtle, prepared.keyId),
          subtle.importKey('raw', prepared.enc, ECDH_P256, false, []),
        ]);
        const dh = new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: enc }, privateKey, 256));
        try {
          keyed = call(() => prepared.finish(dh));
        } finally {
          dh.fill(0);
          prepared = null;
        }
        const { aesKey, params } = aesGcmOf(subtle, keyed, 'decrypt');
        const key = await aesKey;
        // A view of the module's memory: nothing may call into the module
        // between taking it and decrypt(), which copies it before returning.
        const padded = new Uint8Array(await subtle.decrypt(params, key, call(() => keyed.ciphertextView())));
        const done = keyed;
        keyed = null;
        try {
          return { opened: call(() => done.intoOpened(padded)) };
        } catch (error) {
          return answer(error);
        } finally {
          padded.fill(0);
        }
      } catch (error) {
        if (api.failed()) throw refusal();
        // WebCrypto refused the envelope (a tag that does not verify, most
        // often) or misbehaved: the wasm engine opens it again and says why.
        return this.#openWasm(envelope);
      } finally {
        prepared?.free();
        keyed?.free();
      }
    }

    clear() {
      this.#inner.clear();
      this.#cryptoKeys.clear();
    }

    get keyIds() {
      return this.#inner.keyIds;
    }

    free() {
      this.#inner.free();
      this.#cryptoKeys.clear();
    }
  }

  return Opener;
}
