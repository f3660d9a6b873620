//! `Sealer`: seals form fields to one public key, in one step
//! ([`Sealer::seal_at`], the `hpke` crate) or in three, for JavaScript to do
//! the ECDH and AES-GCM with WebCrypto ([`Sealer::prepare_at`],
//! [`Prepared::finish`], [`Keyed::into_envelope`]).

use crate::prelude::*;

use js_sys::{JsString, Uint8Array};
use wasm_bindgen::prelude::*;

use super::convert::{self, object, option_string};
use super::error::to_js;
use super::rules;
use crate::{b64, Keyed, Prepared, PublicKey, Sealer};

/// Seals order forms to the company's public key. Build it once per key.
#[wasm_bindgen(js_name = Sealer)]
pub struct JsSealer {
    inner: Sealer,
}

#[wasm_bindgen(js_class = Sealer)]
impl JsSealer {
    /// `new Sealer(key, { expectedKeyId, suite })`: `key` is a JWK object,
    /// JWK or SPKI PEM text, hex or base64url SEC1 text, or DER / SEC1 bytes.
    /// With `expectedKeyId`, a key with another id is refused
    /// (`kid_mismatch`). `suite` is a suite name of docs/FORMAT.md §2
    /// (default `P256-SHA256-A128GCM`); another is `unsupported_suite`.
    #[wasm_bindgen(constructor)]
    pub fn new(key: &JsValue, options: &JsValue) -> Result<JsSealer, JsValue> {
        super::ready().map_err(to_js)?;
        // A JWK object (what a key manifest holds) is read as it is: on an
        // order page, this is the first call into the module after the
        // self-test, and V8 compiles each function on its first call.
        let key = match convert::jwk_object(key) {
            Some(jwk) => PublicKey::parse_jwk_members(&jwk),
            None => convert::key_bytes(key)
                .and_then(|bytes| PublicKey::parse_with(&bytes, &convert::parse_jwk)),
        }
        .map_err(to_js)?;
        let inner = rules::sealer(
            &key,
            option_string(options, "expectedKeyId"),
            option_string(options, "suite"),
        )
        .map_err(to_js)?;
        Ok(JsSealer { inner })
    }

    /// The recipient key's id (16 hex characters), as envelopes name it.
    #[wasm_bindgen(getter = keyId)]
    pub fn key_id(&self) -> String {
        self.inner.recipient().key_id().as_str().to_owned()
    }

    /// The recipient key's full fingerprint, in groups of four hex digits,
    /// for people to compare out of band.
    #[wasm_bindgen(getter)]
    pub fn fingerprint(&self) -> String {
        self.inner.recipient().fingerprint().grouped()
    }

    /// The recipient key as a 65-byte uncompressed SEC1 point, for
    /// WebCrypto's `importKey("raw", …, { name: "ECDH", namedCurve: "P-256" })`.
    #[wasm_bindgen(getter)]
    pub fn recipient(&self) -> Vec<u8> {
        self.inner.recipient().to_sec1_uncompressed().to_vec()
    }

    /// `seal(fields, { formId })`: `{ envelope, json, submissionId }`, the
    /// envelope as an object and as the JSON text to submit. Stamped with
    /// `Date.now()`. The pure-Rust engine (`hpke`): full build only.
    pub fn seal(&self, fields: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
        let (form, fields, ts) = seal_inputs(fields, options)?;
        sealed(self.inner.seal_at(&form, &fields, ts).map_err(to_js)?)
    }

    /// `prepare(fields, { formId })`: the first step of a seal whose ECDH and
    /// AES-GCM JavaScript does ([`Sealer::prepare_at`]): checks and pads the
    /// fields, like `seal`. Stamped with `Date.now()`.
    pub fn prepare(&self, fields: &JsValue, options: &JsValue) -> Result<JsPrepared, JsValue> {
        let (form, fields, ts) = seal_inputs(fields, options)?;
        let inner = self.inner.prepare_at(&form, &fields, ts).map_err(to_js)?;
        Ok(JsPrepared { inner })
    }
}

/// The form id, fields and time stamp of `seal` and `prepare`.
fn seal_inputs(
    fields: &JsValue,
    options: &JsValue,
) -> Result<(String, crate::Fields, u64), JsValue> {
    super::ready().map_err(to_js)?;
    let form = rules::form_id(option_string(options, "formId")).map_err(to_js)?;
    let fields = convert::fields_from_js(fields).map_err(to_js)?;
    Ok((form, fields, rules::seal_time(js_sys::Date::now())))
}

/// `{ envelope, json, submissionId }`: the envelope as JSON text and as an
/// object whose `enc` and `ct` are slices of that text (V8 shares them
/// rather than copying a megabyte twice, and there is no `JSON.parse`).
fn sealed(envelope: crate::Envelope) -> Result<JsValue, JsValue> {
    let json = envelope.to_json();
    let text = JsString::from(json.as_str());
    // The text ends `"enc":"<enc>","ct":"<ct>"}` and is ASCII (see
    // `Envelope::json_len`), so byte offsets are UTF-16 offsets.
    let ct_end = json.len() - r#""}"#.len();
    let ct_start = ct_end - b64::encoded_len(envelope.ct.len());
    let enc_end = ct_start - r#"","ct":""#.len();
    let enc_start = enc_end - b64::encoded_len(envelope.enc.len());
    let slice = |a: usize, b: usize| JsValue::from(text.slice(a as u32, b as u32));
    let mut members = convert::header_entries(&envelope.header);
    members.push(("enc", slice(enc_start, enc_end)));
    members.push(("ct", slice(ct_start, ct_end)));
    Ok(convert::object(&[
        ("envelope", object(&members)),
        ("json", text.into()),
        ("submissionId", JsValue::from_str(&envelope.submission_id())),
    ]))
}

/// A seal waiting for its ECDH ([`Prepared`]). Used once: `finish`
/// consumes it.
#[wasm_bindgen(js_name = PreparedSeal)]
pub struct JsPrepared {
    inner: Prepared,
}

#[wasm_bindgen(js_class = PreparedSeal)]
impl JsPrepared {
    /// `finish(enc, dh)`: `enc` the ephemeral public key (`exportKey("raw")`,
    /// 65 bytes), `dh` the ECDH result (`deriveBits(…, 256)`, 32 bytes).
    /// Throws `unavailable` for anything else ([`Prepared::finish`]).
    pub fn finish(self, enc: &[u8], dh: &[u8]) -> Result<JsKeyed, JsValue> {
        let inner = self.inner.finish(enc, dh).map_err(to_js)?;
        Ok(JsKeyed { inner })
    }
}

/// A seal waiting for its AES-GCM ([`Keyed`]). Used once: `intoEnvelope`
/// consumes it (and `free()` zeroizes the key if it is never used).
#[wasm_bindgen(js_name = KeyedSeal)]
pub struct JsKeyed {
    inner: Keyed,
}

#[wasm_bindgen(js_class = KeyedSeal)]
impl JsKeyed {
    /// The AES-GCM key (16 or 32 bytes), copied straight into a JavaScript
    /// array (no copy is left in wasm memory). The caller imports it and
    /// then overwrites it.
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

    /// `plaintextView()`: the padded plaintext to encrypt, as a view of the
    /// module's memory, not a copy (a megabyte file would be copied twice).
    /// Valid only until the next call into the module, which may move that
    /// memory: pass it straight to `encrypt`, which copies its input before
    /// it returns. Never write to it.
    #[wasm_bindgen(js_name = plaintextView)]
    pub fn plaintext_view(&self) -> Uint8Array {
        // SAFETY: the view aliases `self.inner`'s padded plaintext, which
        // lives until `self` is consumed or freed; the caller reads it
        // before calling into the module again (documented above), so no
        // allocation can move or free it while it is in use.
        unsafe { Uint8Array::view(self.inner.plaintext()) }
    }

    /// `intoEnvelope(ct)`: the AES-GCM output (tag appended) →
    /// `{ envelope, json, submissionId }`, like `Sealer.seal`. Full build
    /// only: the JavaScript layer uses `intoEnvelopeHead`, and the seal
    /// build then links no base64 encoder for `ct`.
    #[wasm_bindgen(js_name = intoEnvelope)]
    pub fn into_envelope(self, ct: Vec<u8>) -> Result<JsValue, JsValue> {
        sealed(self.inner.into_envelope(ct).map_err(to_js)?)
    }

    /// `intoEnvelopeHead(ctLength)`: for a caller that base64url-encodes the
    /// AES-GCM output itself ([`Keyed::into_json_head`]) →
    /// `{ head, envelope, submissionId }`: the envelope's JSON up to its `ct`
    /// (the caller appends base64url(ct) and `"}`), and the envelope object
    /// without its `ct` member (the caller adds it, last).
    #[wasm_bindgen(js_name = intoEnvelopeHead)]
    pub fn into_envelope_head(self, ct_length: usize) -> Result<JsValue, JsValue> {
        let (header, enc, head) = self.inner.into_json_head(ct_length).map_err(to_js)?;
        let text = JsString::from(head.as_str());
        // The head ends `"enc":"<enc>","ct":"` and is ASCII.
        let enc_end = head.len() - r#"","ct":""#.len();
        let enc_start = enc_end - b64::encoded_len(enc.len());
        let mut members = convert::header_entries(&header);
        members.push(("enc", text.slice(enc_start as u32, enc_end as u32).into()));
        Ok(convert::object(&[
            ("head", text.into()),
            ("envelope", object(&members)),
            ("submissionId", JsValue::from_str(&header.submission_id())),
        ]))
    }
}
