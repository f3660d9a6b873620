//! `Opener`: a keyring of private keys that opens envelopes, for the back
//! office. Keys live only in wasm memory and are zeroized when dropped
//! (`clear()`, `free()`).

use crate::prelude::*;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::convert::{self, object};
use super::error::to_js;
use crate::{Error, KeyedOpen, Keyring, Opened, Opener, PreparedOpen, PrivateKey};

/// Opens envelopes with the private keys added to it.
#[wasm_bindgen(js_name = Opener)]
pub struct JsOpener {
    keyring: Keyring,
}

#[wasm_bindgen(js_class = Opener)]
impl JsOpener {
    /// An opener with no keys.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<JsOpener, JsValue> {
        super::ready().map_err(to_js)?;
        Ok(JsOpener {
            keyring: Keyring::new(),
        })
    }

    /// Adds a private key (PKCS#8 or SEC1 PEM, encrypted PKCS#8 PEM with
    /// `passphrase`, JWK text or object, DER bytes) and returns its key id.
    /// Adding a key that is already there does nothing.
    #[wasm_bindgen(js_name = addKey)]
    pub fn add_key(
        &mut self,
        key: &JsValue,
        passphrase: Option<String>,
    ) -> Result<String, JsValue> {
        super::ready().map_err(to_js)?;
        let passphrase = passphrase.map(Zeroizing::new);
        let key = PrivateKey::parse(
            &convert::key_bytes(key).map_err(to_js)?,
            passphrase.as_ref().map(|p| p.as_bytes()),
        )
        .map_err(to_js)?;
        let kid = key.key_id().to_string();
        self.keyring.add(key);
        Ok(kid)
    }

    /// Opens an envelope (JSON text or its bytes):
    /// `{ v, suite, kid, form, sid, ts, fields, entries }` (see
    /// `opened_to_js`).
    pub fn open(&self, envelope: &JsValue) -> Result<JsValue, JsValue> {
        super::ready().map_err(to_js)?;
        let json = convert::envelope_bytes(envelope).map_err(to_js)?;
        let opened = Opener::with_keyring(&self.keyring)
            .open(&json)
            .map_err(to_js)?;
        Ok(opened_to_js(&opened))
    }

    /// `prepareOpen(envelope)`: the first step of an open whose ECDH and
    /// AES-GCM JavaScript does with WebCrypto ([`Opener::prepare_open`]):
    /// the same errors as `open` up to the decryption.
    #[wasm_bindgen(js_name = prepareOpen)]
    pub fn prepare_open(&self, envelope: &JsValue) -> Result<JsPreparedOpen, JsValue> {
        super::ready().map_err(to_js)?;
        let json = convert::envelope_bytes(envelope).map_err(to_js)?;
        let inner = Opener::with_keyring(&self.keyring)
            .prepare_open(&json)
            .map_err(to_js)?;
        Ok(JsPreparedOpen { inner })
    }

    /// `exportKeyForWebCrypto(keyId)`: the unencrypted PKCS#8 DER of a key
    /// that was added, for WebCrypto's `importKey("pkcs8", …)` as a
    /// non-extractable ECDH key. The caller overwrites it right after; the
    /// copy here is zeroized.
    #[wasm_bindgen(js_name = exportKeyForWebCrypto)]
    pub fn export_key_for_webcrypto(&self, key_id: &str) -> Result<Uint8Array, JsValue> {
        let key = self
            .keyring
            .get(key_id)
            .ok_or_else(|| to_js(Error::UnknownKeyId(key_id.chars().take(16).collect())))?;
        Ok(Uint8Array::from(&key.expose_pkcs8_der()[..]))
    }

    /// Drops (and zeroizes) every key: the back office's "lock".
    pub fn clear(&mut self) {
        self.keyring = Keyring::new();
    }

    /// The ids of the keys added, in order.
    #[wasm_bindgen(getter = keyIds)]
    pub fn key_ids(&self) -> Vec<String> {
        self.keyring.key_ids().map(|k| k.to_string()).collect()
    }
}

/// `{ v, suite, kid, form, sid, ts, fields, entries }`, files' `data` as
/// `Uint8Array`; `entries` are the fields as `[name, value]` pairs in form
/// order, which `fields`' keys lose for names like `"2"`.
fn opened_to_js(opened: &Opened) -> JsValue {
    let mut members = convert::header_entries(&opened.header);
    let (entries, fields) = convert::fields_to_js(&opened.fields);
    members.push(("fields", fields));
    members.push(("entries", entries.into()));
    object(&members)
}

/// An open waiting for its ECDH ([`PreparedOpen`]). Used once: `finish`
/// consumes it.
#[wasm_bindgen(js_name = PreparedOpen)]
pub struct JsPreparedOpen {
    inner: PreparedOpen,
}

#[wasm_bindgen(js_class = PreparedOpen)]
impl JsPreparedOpen {
    /// `enc`: the sender's ephemeral public key (65 bytes, uncompressed, on
    /// P-256), for `importKey("raw", …)` and `deriveBits`.
    #[wasm_bindgen(getter)]
    pub fn enc(&self) -> Vec<u8> {
        self.inner.enc().to_vec()
    }

    /// The id of the key to derive `dh` with (`exportKeyForWebCrypto`).
    #[wasm_bindgen(getter = keyId)]
    pub fn key_id(&self) -> String {
        self.inner.key_id().to_string()
    }

    /// `finish(dh)`: `dh` the ECDH result (`deriveBits(…, 256)`, 32 bytes).
    /// Throws `unavailable` for another length ([`PreparedOpen::finish`]).
    pub fn finish(self, dh: &[u8]) -> Result<JsKeyedOpen, JsValue> {
        let inner = self.inner.finish(dh).map_err(to_js)?;
        Ok(JsKeyedOpen { inner })
    }
}

/// An open waiting for its AES-GCM decryption ([`KeyedOpen`]). Used once:
/// `intoOpened` consumes it (and `free()` zeroizes the key if it is not).
#[wasm_bindgen(js_name = KeyedOpen)]
pub struct JsKeyedOpen {
    inner: KeyedOpen,
}

#[wasm_bindgen(js_class = KeyedOpen)]
impl JsKeyedOpen {
    /// The AES-GCM key (16 or 32 bytes), copied straight into a JavaScript
    /// array (no copy is left in wasm memory). The caller imports it and then
    /// overwrites it.
    #[wasm_bindgen(getter)]
    pub fn key(&self) -> Uint8Array {
        Uint8Array::from(self.inner.expose_key())
    }

    /// The AES-GCM nonce (`iv`, 12 bytes).
    #[wasm_bindgen(getter)]
    pub fn nonce(&self) -> Vec<u8> {
        self.inner.nonce().to_vec()
    }

    /// The AES-GCM additional data.
    #[wasm_bindgen(getter)]
    pub fn aad(&self) -> Vec<u8> {
        self.inner.aad().to_vec()
    }

    /// `ciphertextView()`: the ciphertext (tag at the end) as a view of the
    /// module's memory, valid only until the next call into the module: pass
    /// it straight to `decrypt`, which copies its input before it returns.
    #[wasm_bindgen(js_name = ciphertextView)]
    pub fn ciphertext_view(&self) -> Uint8Array {
        // SAFETY: the view aliases `self.inner`'s ciphertext, alive until
        // `self` is consumed or freed; the caller reads it before calling
        // into the module again (documented above), so no allocation can
        // move or free it while it is in use.
        unsafe { Uint8Array::view(self.inner.ciphertext()) }
    }

    /// `intoOpened(plaintext)`: the AES-GCM plaintext → what `open` returns
    /// ([`KeyedOpen::into_opened`]).
    #[wasm_bindgen(js_name = intoOpened)]
    pub fn into_opened(self, plaintext: &[u8]) -> Result<JsValue, JsValue> {
        let opened = self.inner.into_opened(plaintext).map_err(to_js)?;
        Ok(opened_to_js(&opened))
    }
}
