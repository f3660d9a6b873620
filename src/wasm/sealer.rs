//! `Sealer`: seals form fields to one public key.

use js_sys::JSON;
use wasm_bindgen::prelude::*;

use super::convert::{self, object, option_string};
use super::error::to_js;
use crate::error::KeyEncoding;
use crate::{Error, PublicKey, Sealer};

/// Seals order forms to the company's public key. Build it once per key.
#[wasm_bindgen(js_name = Sealer)]
pub struct JsSealer {
    inner: Sealer,
}

#[wasm_bindgen(js_class = Sealer)]
impl JsSealer {
    /// `new Sealer(key, { expectedKeyId })`: `key` is a JWK object, JWK or
    /// SPKI PEM text, hex or base64url SEC1 text, or DER / SEC1 bytes.
    /// With `expectedKeyId`, a key with another id is refused
    /// (`kid_mismatch`).
    #[wasm_bindgen(constructor)]
    pub fn new(key: &JsValue, options: &JsValue) -> Result<JsSealer, JsValue> {
        super::ready().map_err(to_js)?;
        let key = PublicKey::parse(&convert::key_bytes(key).map_err(to_js)?).map_err(to_js)?;
        let expected = option_string(options, "expectedKeyId")
            .map_err(|why| to_js(Error::KeyMalformed(KeyEncoding::Raw, why)))?;
        if let Some(expected) = expected {
            key.expect_key_id(&expected).map_err(to_js)?;
        }
        Ok(JsSealer {
            inner: Sealer::new(&key),
        })
    }

    /// The recipient key's id (16 hex characters), as envelopes name it.
    #[wasm_bindgen(getter = keyId)]
    pub fn key_id(&self) -> String {
        self.inner.recipient().key_id().to_string()
    }

    /// The recipient key's full fingerprint, in groups of four hex digits,
    /// for people to compare out of band.
    #[wasm_bindgen(getter)]
    pub fn fingerprint(&self) -> String {
        self.inner.recipient().fingerprint().to_string()
    }

    /// `seal(fields, { formId })`: `{ envelope, json, submissionId }`, the
    /// envelope as an object and as the JSON text to submit. Stamped with
    /// `Date.now()`.
    pub fn seal(&self, fields: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
        super::ready().map_err(to_js)?;
        let form = option_string(options, "formId")
            .map_err(|why| to_js(Error::BadPlaintext(why)))?
            .unwrap_or_default();
        let fields = convert::fields_from_js(fields).map_err(to_js)?;
        // Unix seconds; before 1970 (a broken clock) counts as 0.
        let ts = (js_sys::Date::now() / 1000.0).floor().max(0.0) as u64;
        let envelope = self.inner.seal_at(&form, &fields, ts).map_err(to_js)?;
        let json = envelope.to_json();
        let parsed = JSON::parse(&json)?;
        Ok(object(&[
            ("envelope", parsed),
            ("json", JsValue::from_str(&json)),
            ("submissionId", JsValue::from_str(&envelope.submission_id())),
        ]))
    }
}
