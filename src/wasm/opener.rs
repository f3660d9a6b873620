//! `Opener`: a keyring of private keys that opens envelopes, for the back
//! office. Keys live only in wasm memory and are zeroized when dropped
//! (`clear()`, `free()`).

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::convert::{self, object};
use super::error::to_js;
use crate::{Keyring, Opener, PrivateKey};

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
    /// `{ v, suite, kid, form, sid, ts, fields }`, files' `data` as
    /// `Uint8Array`.
    pub fn open(&self, envelope: &JsValue) -> Result<JsValue, JsValue> {
        super::ready().map_err(to_js)?;
        let json = convert::envelope_bytes(envelope).map_err(to_js)?;
        let opened = Opener::with_keyring(&self.keyring)
            .open(&json)
            .map_err(to_js)?;
        let mut members = convert::header_entries(&opened.header);
        members.push(("fields", convert::fields_to_js(&opened.fields)));
        Ok(object(&members))
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
