//! The sealed order envelope: what the browser submits, what the inbox
//! stores, what the back office opens.
//!
//! ```text
//! {"v":2,"suite":"P256-SHA256-A128GCM","kid":"<16 hex>","form":"<form id>",
//!  "sid":"<base64url, 16 bytes>","ts":<unix seconds>,
//!  "enc":"<base64url, 65 bytes>","ct":"<base64url>"}
//! ```
//!
//! Sealing is RFC 9180 single-shot base mode with
//!
//! ```text
//! info = "orderseal/v2"
//! aad  = "orderseal/v2" LF suite LF kid LF form LF sid LF ts      (ASCII)
//! pt   = pad(u32be(len(doc)) || doc || file bytes)     (version 1: pad(doc))
//! ```
//!
//! so every header member is authenticated: changing any of them makes
//! opening fail. Version 2 carries files as bytes after the document
//! ([`crate::plaintext`]); version 1 carried them as base64url inside it.
//! Sealers write version 2; openers read both. `docs/FORMAT.md` is the
//! normative description.

use crate::prelude::*;

use alloc::borrow::Cow;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::keys::{random_error, KeyId, Keyring, PrivateKey, PublicKey};
use crate::limits::{MAX_ENVELOPE_BYTES, MAX_FORM_ID_BYTES};
use crate::suite::{ENC_LEN, TAG_LEN};
use crate::text::{decimal, decimal_len};
use crate::wipe::Wiped;
use crate::{b64, json_out, padding, schedule, Error, Fields, Limit, Suite};

/// An envelope format version (`v`, docs/FORMAT.md §3). Each has its own
/// HPKE `info` and `aad` prefix, so an envelope cannot be opened as another
/// version than the one it was sealed as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// Files are base64url text inside the JSON document.
    V1,
    /// Files are bytes after the JSON document (what this build writes).
    V2,
}

impl Version {
    /// The version this build writes. Openers read every [`Version`].
    pub const CURRENT: Version = Version::V2;

    /// The number in the envelope's `v` member.
    pub const fn number(self) -> u64 {
        match self {
            Version::V1 => 1,
            Version::V2 => 2,
        }
    }

    /// The version numbered `v`, if this build reads it.
    pub const fn from_number(v: u64) -> Option<Version> {
        match v {
            1 => Some(Version::V1),
            2 => Some(Version::V2),
            _ => None,
        }
    }

    /// The HPKE `info` (and the first line of `aad`): `orderseal/v<n>`.
    pub const fn info(self) -> &'static [u8] {
        match self {
            Version::V1 => b"orderseal/v1",
            Version::V2 => b"orderseal/v2",
        }
    }
}

/// The envelope format version this build writes.
pub const VERSION: Version = Version::CURRENT;
/// The HPKE `info` of the envelopes this build writes.
pub const INFO: &[u8] = VERSION.info();
/// Length of a submission id, in bytes (128 bits).
pub const SID_LEN: usize = 16;
/// Largest `ts` accepted: JavaScript's `Number.MAX_SAFE_INTEGER`.
pub const MAX_TS: u64 = (1 << 53) - 1;

/// The authenticated header of an envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The format version (`v`).
    pub version: Version,
    /// The HPKE suite.
    pub suite: Suite,
    /// The id of the recipient key.
    pub kid: KeyId,
    /// The id of the form (e.g. `order`), chosen by the site.
    pub form: String,
    /// A random submission id, for idempotency and replay detection.
    pub sid: [u8; SID_LEN],
    /// Sealing time, Unix seconds (the customer's clock: informative).
    pub ts: u64,
}

impl Header {
    /// The submission id as it appears in the envelope (base64url).
    pub fn submission_id(&self) -> String {
        b64::encode(&self.sid)
    }

    /// The HPKE `aad`: the header's members joined by LF (see module docs).
    pub fn aad(&self) -> Vec<u8> {
        [
            "orderseal/v",
            &decimal(self.version.number()),
            "\n",
            self.suite.name(),
            "\n",
            self.kid.as_str(),
            "\n",
            &self.form,
            "\n",
            &self.submission_id(),
            "\n",
            &decimal(self.ts),
        ]
        .concat()
        .into_bytes()
    }
}

/// Checks a form id: 1 to 64 bytes of `A-Z a-z 0-9 . _ - : /`.
///
/// The restricted alphabet keeps the LF-joined `aad` unambiguous.
pub fn check_form_id(form: &str) -> Result<(), Error> {
    Error::check_limit(Limit::FormIdLength, form.len(), MAX_FORM_ID_BYTES)?;
    let ok = !form.is_empty()
        && form
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-:/".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::plaintext(
            "form id must be 1-64 characters of A-Z a-z 0-9 . _ - : /",
        ))
    }
}

/// Whether the first byte after JSON whitespace (RFC 8259 §2) is `{`.
pub(crate) fn starts_json_object(json: &[u8]) -> bool {
    json.iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .is_some_and(|&b| b == b'{')
}

/// A sealed order: header, encapsulated key and ciphertext.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The authenticated header.
    pub header: Header,
    /// HPKE `enc`: the sender's ephemeral public key (65 bytes).
    pub enc: Vec<u8>,
    /// HPKE ciphertext of the padded plaintext, tag included.
    pub ct: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire<'a> {
    v: u64,
    #[serde(borrow)]
    suite: Cow<'a, str>,
    #[serde(borrow)]
    kid: Cow<'a, str>,
    #[serde(borrow)]
    form: Cow<'a, str>,
    #[serde(borrow)]
    sid: Cow<'a, str>,
    ts: u64,
    #[serde(borrow)]
    enc: Cow<'a, str>,
    #[serde(borrow)]
    ct: Cow<'a, str>,
}

impl Envelope {
    /// Parses an envelope strictly: size limit first, then exact JSON shape
    /// (no unknown or duplicate members), then every member's syntax.
    /// Needs no key.
    pub fn parse(json: &[u8]) -> Result<Envelope, Error> {
        Error::check_limit(Limit::EnvelopeSize, json.len(), MAX_ENVELOPE_BYTES)?;
        // serde's derived struct visitor also takes a JSON array of the
        // members in order; §3 says an object.
        if !starts_json_object(json) {
            return Err(Error::malformed("an envelope is a JSON object"));
        }
        let wire: Wire<'_> = serde_json::from_slice(json).map_err(|e| {
            // A future version may have other members: say so, not "malformed".
            #[derive(Deserialize)]
            struct JustV {
                v: u64,
            }
            match serde_json::from_slice::<JustV>(json) {
                Ok(JustV { v }) if Version::from_number(v).is_none() => {
                    Error::UnsupportedVersion(v)
                }
                _ => Error::malformed(e.to_string()),
            }
        })?;
        let version = Version::from_number(wire.v).ok_or(Error::UnsupportedVersion(wire.v))?;
        let suite = Suite::from_name(&wire.suite)?;
        let kid = KeyId::parse(&wire.kid)
            .map_err(|_| Error::malformed("kid must be 16 lowercase hex characters"))?;
        check_form_id(&wire.form).map_err(|e| match e {
            Error::BadPlaintext(why) => Error::MalformedEnvelope(why),
            other => other,
        })?;
        let sid = b64::decode(&wire.sid)
            .and_then(|v| <[u8; SID_LEN]>::try_from(v).ok())
            .ok_or_else(|| Error::malformed("sid must be 16 bytes of base64url"))?;
        if wire.ts > MAX_TS {
            return Err(Error::malformed("ts is larger than 2^53 - 1"));
        }
        let enc = b64::decode(&wire.enc)
            .filter(|v| v.len() == ENC_LEN && v[0] == 0x04)
            .ok_or_else(|| {
                Error::malformed("enc must be a 65-byte uncompressed P-256 point in base64url")
            })?;
        let ct = b64::decode(&wire.ct)
            .filter(|v| v.len() >= TAG_LEN)
            .ok_or_else(|| Error::malformed("ct must be base64url of at least 16 bytes"))?;
        Ok(Envelope {
            header: Header {
                version,
                suite,
                kid,
                form: wire.form.into_owned(),
                sid,
                ts: wire.ts,
            },
            enc,
            ct,
        })
    }

    /// The envelope as compact JSON, members in the documented order.
    pub fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(self.json_len());
        write_json_head(&mut out, &self.header, &self.enc);
        // enc and ct are public: the fast encoder.
        b64::encode_public_into(&self.ct, &mut out);
        out.extend_from_slice(JSON_TAIL);
        // Every piece is ASCII, or a valid &str escaped byte-wise (escapes
        // only replace ASCII bytes).
        String::from_utf8(out).unwrap_or_default()
    }

    /// The submission id (base64url), for receipts and replay detection.
    pub fn submission_id(&self) -> String {
        self.header.submission_id()
    }

    /// `self.to_json().len()`, without writing the JSON (for the size check
    /// of a fresh seal: base64url-encoding a large `ct` twice is slow in wasm).
    ///
    /// Exact because no member needs a JSON escape: the suite names, the hex
    /// `kid`, the form id alphabet (`check_form_id`; serde_json does not
    /// escape `/`) and base64url are plain ASCII without `"` or `\`.
    pub fn json_len(&self) -> usize {
        json_len(&self.header, self.enc.len(), self.ct.len())
    }
}

/// What follows the base64url of `ct` in an envelope's JSON.
const JSON_TAIL: &[u8] = br#""}"#;

/// Writes an envelope's JSON up to the base64url of `ct`:
/// `{"v":…,"suite":…,"kid":…,"form":…,"sid":…,"ts":…,"enc":"…","ct":"`.
fn write_json_head(out: &mut Vec<u8>, h: &Header, enc: &[u8]) {
    let mut member = |name: &str, value: &dyn Fn(&mut Vec<u8>)| {
        out.push(if out.is_empty() { b'{' } else { b',' });
        json_out::push_string(out, name);
        out.push(b':');
        value(out);
    };
    member("v", &|o| {
        o.extend_from_slice(decimal(h.version.number()).as_bytes())
    });
    member("suite", &|o| json_out::push_string(o, h.suite.name()));
    member("kid", &|o| json_out::push_string(o, h.kid.as_str()));
    member("form", &|o| json_out::push_string(o, &h.form));
    member("sid", &|o| json_out::push_base64(o, &h.sid));
    member("ts", &|o| o.extend_from_slice(decimal(h.ts).as_bytes()));
    member("enc", &|o| json_out::push_base64(o, enc));
    out.extend_from_slice(br#","ct":""#);
}

/// The length of an envelope's JSON. Exact because no member needs a JSON
/// escape (see [`Envelope::json_len`]).
fn json_len(h: &Header, enc_len: usize, ct_len: usize) -> usize {
    let b64 = b64::encoded_len;
    let fixed = r#"{"v":,"suite":"","kid":"","form":"","sid":"","ts":,"enc":"","ct":""}"#.len();
    fixed
        + decimal_len(h.version.number())
        + h.suite.name().len()
        + h.kid.as_str().len()
        + h.form.len()
        + b64(SID_LEN)
        + decimal_len(h.ts)
        + b64(enc_len)
        + b64(ct_len)
}

/// Seals forms to one public key. Build it once, seal many forms.
#[derive(Clone, Debug)]
pub struct Sealer {
    recipient: PublicKey,
    suite: Suite,
}

impl Sealer {
    /// A sealer to `recipient` with the default suite (AES-128-GCM).
    pub fn new(recipient: &PublicKey) -> Self {
        Sealer {
            recipient: recipient.clone(),
            suite: Suite::P256Sha256Aes128Gcm,
        }
    }

    /// The same sealer with another suite.
    pub fn with_suite(mut self, suite: Suite) -> Self {
        self.suite = suite;
        self
    }

    /// The recipient key.
    pub fn recipient(&self) -> &PublicKey {
        &self.recipient
    }

    /// Seals `fields` of form `form`, stamped with the system clock.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn seal(&self, form: &str, fields: &Fields) -> Result<Envelope, Error> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        self.seal_at(form, fields, now)
    }

    /// Seals `fields` of form `form`, stamped with `ts` (Unix seconds): for
    /// platforms whose clock the core cannot read (wasm) and for tests.
    pub fn seal_at(&self, form: &str, fields: &Fields, ts: u64) -> Result<Envelope, Error> {
        let prepared = self.prepare_at(form, fields, ts)?;
        let info = prepared.header.version.info();
        let (enc, ct) =
            self.suite
                .seal(&prepared.recipient, info, &prepared.aad, &prepared.padded)?;
        checked(Envelope {
            header: prepared.header,
            enc,
            ct,
        })
    }

    /// The first step of a seal whose ECDH and AES-GCM are done elsewhere
    /// (WebCrypto, in the browser): checks the form id, `ts` and `fields`,
    /// draws the submission id, and pads the document. Then
    /// [`Prepared::finish`] takes the ECDH result and gives the AES-GCM key,
    /// nonce and inputs, and [`Keyed::into_envelope`] the envelope.
    ///
    /// [`Sealer::seal_at`] does the same in one step with the `hpke` crate;
    /// both produce envelopes that open the same way.
    pub fn prepare_at(&self, form: &str, fields: &Fields, ts: u64) -> Result<Prepared, Error> {
        check_form_id(form)?;
        if ts > MAX_TS {
            return Err(Error::plaintext("ts is larger than 2^53 - 1"));
        }
        let mut sid = [0u8; SID_LEN];
        getrandom::fill(&mut sid).map_err(|e| {
            Error::Unavailable(["no secure random numbers: ", &random_error(e)].concat())
        })?;
        let header = Header {
            version: VERSION,
            suite: self.suite,
            kid: self.recipient.key_id().clone(),
            form: form.to_owned(),
            sid,
            ts,
        };
        let mut padded = fields.to_plaintext()?;
        padding::pad_in_place(&mut padded);
        let padded = Wiped::from(padded);
        Ok(Prepared {
            aad: header.aad(),
            header,
            padded,
            recipient: self.recipient.to_sec1_uncompressed(),
        })
    }
}

/// Refuses an envelope over the size limit. The limits are chosen so that
/// this never happens; check anyway rather than hand out an envelope the
/// receiving side would refuse.
fn checked(envelope: Envelope) -> Result<Envelope, Error> {
    Error::check_limit(Limit::EnvelopeSize, envelope.json_len(), MAX_ENVELOPE_BYTES)?;
    Ok(envelope)
}

/// A seal in progress, before the ECDH ([`Sealer::prepare_at`]).
///
/// The caller generates an ephemeral P-256 key pair `(skE, pkE)`, computes
/// `dh`, the x-coordinate of `skE * pkR` with `pkR` = [`Prepared::recipient`],
/// and passes `enc` = `pkE` (65 bytes, uncompressed) and `dh` (32 bytes) to
/// [`Prepared::finish`]: that is RFC 9180 `Encap` with the key schedule left
/// to the core. Each step consumes its value: one `Prepared` seals once.
pub struct Prepared {
    header: Header,
    aad: Vec<u8>,
    padded: Wiped,
    recipient: [u8; ENC_LEN],
}

impl Prepared {
    /// `pkR`, the recipient's 65-byte uncompressed SEC1 point, to compute `dh` with.
    pub fn recipient(&self) -> &[u8; ENC_LEN] {
        &self.recipient
    }

    /// The envelope's header (its submission id is already drawn).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// RFC 9180 `ExtractAndExpand` and base-mode `KeySchedule`
    /// ([`crate::schedule`]) from the caller's `Encap` result: `enc` the
    /// ephemeral public key (65 bytes, uncompressed SEC1, on P-256), `dh`
    /// the 32-byte ECDH x-coordinate. Refuses (`unavailable`: the platform's
    /// ECDH misbehaved) anything else.
    ///
    /// The core cannot check that `dh` belongs to `enc`: an ECDH that lies
    /// gives an envelope that will not open (`open_failed` on the other
    /// side), never a weaker one that opens.
    pub fn finish(self, enc: &[u8], dh: &[u8]) -> Result<Keyed, Error> {
        let bad = |what: &str| Error::Unavailable(["the platform's ECDH returned ", what].concat());
        let enc: [u8; ENC_LEN] = enc
            .try_into()
            .map_err(|_| bad("an ephemeral key that is not 65 bytes"))?;
        if crate::PublicKey::check_uncompressed(&enc).is_err() {
            return Err(bad(
                "an ephemeral key that is not an uncompressed P-256 point",
            ));
        }
        let dh: &[u8; schedule::DH_LEN] = dh
            .try_into()
            .map_err(|_| bad("a shared secret that is not 32 bytes"))?;
        let h = &self.header;
        let key = schedule::key_from_dh(h.suite, dh, &enc, &self.recipient, h.version.info());
        Ok(Keyed {
            header: self.header,
            aad: self.aad,
            padded: self.padded,
            enc: enc.to_vec(),
            key,
        })
    }
}

/// A seal in progress, after the key schedule ([`Prepared::finish`]): the
/// caller encrypts [`Keyed::plaintext`] with AES-GCM (key
/// [`Keyed::expose_key`], 96-bit nonce [`Keyed::nonce`], additional data
/// [`Keyed::aad`], 128-bit tag appended) and passes the result to
/// [`Keyed::into_envelope`].
pub struct Keyed {
    header: Header,
    aad: Vec<u8>,
    padded: Wiped,
    enc: Vec<u8>,
    key: schedule::AeadKey,
}

impl Keyed {
    /// The AES-GCM key (16 bytes for AES-128-GCM, 32 for AES-256-GCM).
    pub fn expose_key(&self) -> &[u8] {
        self.key.expose_key()
    }

    /// The 12-byte nonce: `base_nonce`, as the single message has sequence
    /// number 0 (RFC 9180 §5.2).
    pub fn nonce(&self) -> &[u8; schedule::NONCE_LEN] {
        self.key.base_nonce()
    }

    /// The AES-GCM additional data: the header's `aad` (`docs/FORMAT.md` §2).
    pub fn aad(&self) -> &[u8] {
        &self.aad
    }

    /// The padded plaintext document to encrypt.
    pub fn plaintext(&self) -> &[u8] {
        &self.padded
    }

    /// The envelope, from the AES-GCM output (ciphertext with its 16-byte
    /// tag). Refuses (`unavailable`) a `ct` of the wrong length.
    pub fn into_envelope(self, ct: Vec<u8>) -> Result<Envelope, Error> {
        self.check_ct_len(ct.len())?;
        checked(Envelope {
            header: self.header,
            enc: self.enc,
            ct,
        })
    }

    /// The envelope's JSON up to its `ct`, for a caller that base64url-encodes
    /// the AES-GCM output of `ct_len` bytes itself (a browser's native
    /// encoder, many times faster than wasm on a megabyte) and appends it and
    /// `"}` (ASCII; [`Envelope::to_json`] writes the same text). Returns the
    /// header, `enc` and the text. Refuses (`unavailable`) the wrong length, and
    /// an envelope over the size limit, like [`Keyed::into_envelope`].
    pub fn into_json_head(self, ct_len: usize) -> Result<(Header, Vec<u8>, String), Error> {
        self.check_ct_len(ct_len)?;
        let len = json_len(&self.header, self.enc.len(), ct_len);
        Error::check_limit(Limit::EnvelopeSize, len, MAX_ENVELOPE_BYTES)?;
        let mut out = Vec::with_capacity(len - b64::encoded_len(ct_len) - JSON_TAIL.len());
        write_json_head(&mut out, &self.header, &self.enc);
        let text = String::from_utf8(out).unwrap_or_default();
        Ok((self.header, self.enc, text))
    }

    fn check_ct_len(&self, ct_len: usize) -> Result<(), Error> {
        if ct_len != self.padded.len() + TAG_LEN {
            return Err(Error::Unavailable(
                "the platform's AES-GCM returned a ciphertext of the wrong length".into(),
            ));
        }
        Ok(())
    }
}

/// `Debug` for the steps of a split seal or open: the header only, never
/// the key or the plaintext.
macro_rules! debug_header_only {
    ($($step:ident),*) => {$(
        impl core::fmt::Debug for $step {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_struct(stringify!($step))
                    .field("header", &self.header)
                    .finish_non_exhaustive()
            }
        }
    )*};
}

debug_header_only!(Prepared, Keyed, PreparedOpen, KeyedOpen);

/// An opened envelope.
#[derive(Debug)]
pub struct Opened {
    /// The authenticated header.
    pub header: Header,
    /// The form's fields.
    pub fields: Fields,
}

enum Keys<'a> {
    One(&'a PrivateKey),
    Ring(&'a Keyring),
}

/// Opens envelopes with one private key or a keyring.
pub struct Opener<'a> {
    keys: Keys<'a>,
}

impl<'a> Opener<'a> {
    /// Opens envelopes sealed to `key`.
    pub fn new(key: &'a PrivateKey) -> Self {
        Opener {
            keys: Keys::One(key),
        }
    }

    /// Opens envelopes sealed to any key of `keyring`, picked by `kid`.
    pub fn with_keyring(keyring: &'a Keyring) -> Self {
        Opener {
            keys: Keys::Ring(keyring),
        }
    }

    /// Parses and opens an envelope.
    pub fn open(&self, json: &[u8]) -> Result<Opened, Error> {
        self.open_envelope(&Envelope::parse(json)?)
    }

    /// Opens a parsed envelope.
    pub fn open_envelope(&self, envelope: &Envelope) -> Result<Opened, Error> {
        let header = &envelope.header;
        let key = self.key_for(header)?;
        let padded = open_padded(key, header, &envelope.enc, &envelope.ct)?;
        let fields = Fields::from_plaintext(header.version, padding::unpad(&padded)?)?;
        Ok(Opened {
            header: header.clone(),
            fields,
        })
    }
}

impl Opener<'_> {
    /// The private key an envelope names (`unknown_kid` if there is none).
    fn key_for(&self, header: &Header) -> Result<&PrivateKey, Error> {
        match self.keys {
            Keys::One(k) if k.key_id() == &header.kid => Some(k),
            Keys::One(_) => None,
            Keys::Ring(ring) => ring.get(header.kid.as_str()),
        }
        .ok_or_else(|| Error::UnknownKeyId(header.kid.to_string()))
    }

    /// The first step of an open whose ECDH and AES-GCM are done elsewhere
    /// (WebCrypto, in the back office), the mirror of [`Sealer::prepare_at`]:
    /// parses the envelope, finds its key (`unknown_kid`), and refuses an
    /// `enc` that is not a point on the curve (`open_failed`, as
    /// `DeserializePublicKey` does inside HPKE). Then the caller computes
    /// `dh` = x(skR · enc) with the key [`PreparedOpen::key_id`] names,
    /// [`PreparedOpen::finish`] runs the key schedule, the caller decrypts
    /// with AES-GCM, and [`KeyedOpen::into_opened`] unpads and parses.
    ///
    /// [`Opener::open`] does the same in one step; both give the same result
    /// for every envelope that opens. An AES-GCM that refuses the ciphertext
    /// is the caller's to report: `open_failed`.
    pub fn prepare_open(&self, json: &[u8]) -> Result<PreparedOpen, Error> {
        let Envelope { header, enc, ct } = Envelope::parse(json)?;
        let key = self.key_for(&header)?;
        let enc: [u8; ENC_LEN] = enc.try_into().map_err(|_| Error::OpenFailed)?;
        if PublicKey::from_sec1(&enc).is_err() {
            return Err(Error::OpenFailed);
        }
        Ok(PreparedOpen {
            aad: header.aad(),
            kid: key.key_id().clone(),
            pk_rm: key.public_key().to_sec1_uncompressed(),
            header,
            enc,
            ct,
        })
    }
}

/// An open in progress, before the ECDH ([`Opener::prepare_open`]).
pub struct PreparedOpen {
    header: Header,
    aad: Vec<u8>,
    kid: KeyId,
    pk_rm: [u8; ENC_LEN],
    enc: [u8; ENC_LEN],
    ct: Vec<u8>,
}

impl PreparedOpen {
    /// `enc`, the sender's ephemeral public key (65 bytes, uncompressed, on
    /// the curve), to compute `dh` with.
    pub fn enc(&self) -> &[u8; ENC_LEN] {
        &self.enc
    }

    /// The id of the private key to compute `dh` with.
    pub fn key_id(&self) -> &KeyId {
        &self.kid
    }

    /// The envelope's header (not authenticated until the AES-GCM succeeds).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// RFC 9180 `ExtractAndExpand` and base-mode `KeySchedule`
    /// ([`crate::schedule`]) from `dh`, the 32-byte x-coordinate of
    /// skR · enc. Refuses (`unavailable`: the platform's ECDH misbehaved)
    /// another length. A wrong `dh` gives a key that the AES-GCM refuses.
    pub fn finish(self, dh: &[u8]) -> Result<KeyedOpen, Error> {
        let dh: &[u8; schedule::DH_LEN] = dh.try_into().map_err(|_| {
            Error::Unavailable(
                "the platform's ECDH returned a shared secret that is not 32 bytes".into(),
            )
        })?;
        let h = &self.header;
        let key = schedule::key_from_dh(h.suite, dh, &self.enc, &self.pk_rm, h.version.info());
        Ok(KeyedOpen {
            header: self.header,
            aad: self.aad,
            ct: self.ct,
            key,
        })
    }
}

/// An open in progress, after the key schedule ([`PreparedOpen::finish`]):
/// the caller decrypts [`KeyedOpen::ciphertext`] with AES-GCM (key
/// [`KeyedOpen::expose_key`], nonce [`KeyedOpen::nonce`], additional data
/// [`KeyedOpen::aad`], 128-bit tag at the end) and passes the plaintext to
/// [`KeyedOpen::into_opened`].
pub struct KeyedOpen {
    header: Header,
    aad: Vec<u8>,
    ct: Vec<u8>,
    key: schedule::AeadKey,
}

impl KeyedOpen {
    /// The AES-GCM key (16 bytes for AES-128-GCM, 32 for AES-256-GCM).
    pub fn expose_key(&self) -> &[u8] {
        self.key.expose_key()
    }

    /// The 12-byte nonce (`base_nonce`: the single message has sequence
    /// number 0).
    pub fn nonce(&self) -> &[u8; schedule::NONCE_LEN] {
        self.key.base_nonce()
    }

    /// The AES-GCM additional data: the header's `aad`.
    pub fn aad(&self) -> &[u8] {
        &self.aad
    }

    /// The ciphertext with its 16-byte tag.
    pub fn ciphertext(&self) -> &[u8] {
        &self.ct
    }

    /// The opened envelope, from the AES-GCM plaintext (the padded
    /// plaintext): unpadded and parsed like [`Opener::open`] does
    /// (`plaintext_invalid`, `limit_exceeded`). Refuses (`unavailable`) a
    /// plaintext whose length does not match the ciphertext's.
    pub fn into_opened(self, padded: &[u8]) -> Result<Opened, Error> {
        if padded.len() + TAG_LEN != self.ct.len() {
            return Err(Error::Unavailable(
                "the platform's AES-GCM returned a plaintext of the wrong length".into(),
            ));
        }
        let fields = Fields::from_plaintext(self.header.version, padding::unpad(padded)?)?;
        Ok(Opened {
            header: self.header,
            fields,
        })
    }
}

/// `OpenBase(enc, skR, info, aad, ct)` with the header's `info` and `aad`:
/// natively on AWS-LC ([`crate::native_open`]), in wasm with the `hpke`
/// crate (there the browser build opens nothing in bulk, and AWS-LC does
/// not build).
fn open_padded(
    key: &PrivateKey,
    header: &Header,
    enc: &[u8],
    ct: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let (suite, info, aad) = (header.suite, header.version.info(), &header.aad());
    #[cfg(not(target_arch = "wasm32"))]
    return crate::native_open::open_base(key, suite, enc, info, aad, ct);
    #[cfg(target_arch = "wasm32")]
    return suite.open(&key.expose_secret(), enc, info, aad, ct);
}

/// RFC 9180 `OpenBase` with the `hpke` crate: the reference the native open
/// path ([`crate::native_open::open_base`]) is checked against, exposed so
/// that the RFC's own test vectors exercise it (`tests/rfc9180.rs`).
#[doc(hidden)]
pub fn open_base(
    suite: Suite,
    secret: &[u8; 32],
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    ct: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    suite.open(secret, enc, info, aad, ct)
}

/// RFC 9180 `SealBase` with the `hpke` crate, for tests and vectors that
/// need an envelope around a crafted plaintext (one no [`Sealer`] writes).
#[doc(hidden)]
pub fn seal_base(
    suite: Suite,
    recipient: &PublicKey,
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    suite.seal(&recipient.to_sec1_uncompressed(), info, aad, plaintext)
}
