//! The seal build's exports: a small C ABI for its hand-written glue,
//! `js/seal.js`, instead of wasm-bindgen's (whose generated glue and 46
//! imports made an order page's bundle 1.2 KB larger, gzipped, and its
//! instantiation slower).
//!
//! - Inputs: the glue copies them into memory it got from [`alloc`], and
//!   each export takes ownership of them (and zeroizes them when done):
//!   values in the encoding of [`super::values`].
//! - Outputs: an export returns a handle (> 0), a length, or 0, and points
//!   [`ret`] at its output bytes (a string, a key, …), valid until the next
//!   call; on failure it returns -1 and points `ret` at the error:
//!   `code NUL message`, and for `limit_exceeded` also
//!   `NUL limit NUL actual NUL max`.
//! - Objects (`Sealer`, a prepared seal, a keyed seal) live in tables here;
//!   the glue holds their handles. A stale or unknown handle is refused.
//! - Randomness: getrandom's `custom` backend, on the import
//!   `orderseal.random`, which the glue fills with `crypto.getRandomValues`.

use crate::prelude::*;

use core::cell::RefCell;

use super::rules;
use super::values::{self, Reader, Value};
use super::SingleThreaded;
use crate::text::decimal;
use crate::wipe::Wiped;
use crate::{Error, Keyed, Prepared, PublicKey, Sealer};

#[link(wasm_import_module = "orderseal")]
extern "C" {
    /// Fills `len` bytes at `ptr` with `crypto.getRandomValues`; 0 when it
    /// did, 1 when it threw.
    fn random(ptr: *mut u8, len: usize) -> u32;
}

/// getrandom's `custom` backend (`--cfg getrandom_backend="custom"`, set
/// by `scripts/build.sh` for this build).
///
/// # Safety
/// getrandom calls it with `len` writable bytes at `dest`.
#[no_mangle]
unsafe extern "Rust" fn __getrandom_v03_custom(
    dest: *mut u8,
    len: usize,
) -> Result<(), getrandom::Error> {
    // SAFETY: `dest` and `len` are getrandom's, passed on as they are.
    match unsafe { random(dest, len) } {
        0 => Ok(()),
        _ => Err(getrandom::Error::new_custom(1)),
    }
}

/// Objects of one kind, by handle (index + 1).
struct Table<T>(Vec<Option<T>>);

impl<T> Table<T> {
    const fn new() -> Self {
        Table(Vec::new())
    }

    fn insert(&mut self, value: T) -> i32 {
        let slot = match self.0.iter().position(Option::is_none) {
            Some(free) => free,
            None => {
                self.0.push(None);
                self.0.len() - 1
            }
        };
        self.0[slot] = Some(value);
        slot as i32 + 1
    }

    fn get(&self, handle: u32) -> Result<&T, Error> {
        (handle as usize)
            .checked_sub(1)
            .and_then(|i| self.0.get(i))
            .and_then(Option::as_ref)
            .ok_or_else(stale)
    }

    fn take(&mut self, handle: u32) -> Result<T, Error> {
        (handle as usize)
            .checked_sub(1)
            .and_then(|i| self.0.get_mut(i))
            .and_then(Option::take)
            .ok_or_else(stale)
    }
}

fn stale() -> Error {
    Error::Unavailable("this object was used up or freed".into())
}

struct State {
    sealers: Table<Sealer>,
    prepared: Table<Prepared>,
    keyed: Table<Keyed>,
    /// The last output that is not a view of an object (zeroized before reuse).
    out: Vec<u8>,
    /// Where the last output is: address and length.
    ret: [u32; 2],
}

static STATE: SingleThreaded<RefCell<State>> = SingleThreaded(RefCell::new(State {
    sealers: Table::new(),
    prepared: Table::new(),
    keyed: Table::new(),
    out: Vec::new(),
    ret: [0, 0],
}));

impl State {
    /// Copies `parts` into `out` and points `ret` at it.
    fn reply(&mut self, parts: &[&[u8]]) {
        crate::wipe::clear(&mut self.out);
        for part in parts {
            self.out.extend_from_slice(part);
        }
        self.ret = [self.out.as_ptr() as u32, self.out.len() as u32];
    }
}

/// Runs an export: its result, or -1 with the error at `ret`.
fn run(f: impl FnOnce(&mut State) -> Result<i32, Error>) -> i32 {
    let mut state = STATE.0.borrow_mut();
    let result = f(&mut state);
    result.unwrap_or_else(|error| state.fail(error))
}

impl State {
    /// Puts `error` at `ret`; -1. Not inlined: `run` is generic, and this
    /// would otherwise be copied into every export.
    #[inline(never)]
    fn fail(&mut self, error: Error) -> i32 {
        let code = error.code().as_bytes();
        let message = error.message();
        match error {
            Error::LimitExceeded { limit, actual, max } => self.reply(&[
                code,
                b"\0",
                message.as_bytes(),
                b"\0",
                limit.name().as_bytes(),
                b"\0",
                decimal(actual as u64).as_bytes(),
                b"\0",
                decimal(max as u64).as_bytes(),
            ]),
            _ => self.reply(&[code, b"\0", message.as_bytes()]),
        }
        -1
    }
}

/// Takes ownership of the `len` bytes at `ptr`, from [`alloc`].
///
/// # Safety
/// `ptr` and `len` are what `alloc(len)` returned and the length asked
/// for, and the glue uses them no more.
unsafe fn input(ptr: *mut u8, len: usize) -> Wiped {
    // SAFETY: `alloc` made a Vec<u8> of capacity `len` at `ptr` (see its
    // contract above), and the glue wrote all `len` bytes.
    Wiped::new(unsafe { Vec::from_raw_parts(ptr, len, len) })
}

/// `len` bytes for the glue to write an input into.
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut bytes = core::mem::ManuallyDrop::new(Vec::<u8>::with_capacity(len));
    bytes.as_mut_ptr()
}

/// Where the last output is: two u32, its address and length.
#[no_mangle]
pub extern "C" fn ret() -> *const u32 {
    // The cell stays where it is (a static): the address holds for good.
    STATE.0.borrow().ret.as_ptr()
}

/// The self-test ([`crate::selftest::run_seal_steps`]): 0, or -1.
#[no_mangle]
pub extern "C" fn self_test() -> i32 {
    run(|_| super::ready().map(|()| 0))
}

/// The crate's version, at `ret`.
#[no_mangle]
pub extern "C" fn version() -> i32 {
    run(|state| {
        state.reply(&[env!("CARGO_PKG_VERSION").as_bytes()]);
        Ok(0)
    })
}

/// Whether files of `total_bytes` in all fit in a plaintext: 0, or -1.
#[no_mangle]
pub extern "C" fn files_size(total_bytes: f64) -> i32 {
    run(|_| super::files_fit(total_bytes).map(|()| 0))
}

/// `new Sealer(key, options)`: the input is the key, what `JSON.parse`
/// made of it if it is text, and the options `{ expectedKeyId, suite }`.
/// Returns the Sealer's handle.
///
/// # Safety
/// [`input`]'s.
#[no_mangle]
pub unsafe extern "C" fn sealer_new(ptr: *mut u8, len: usize) -> i32 {
    // SAFETY: the caller's.
    let bytes = unsafe { input(ptr, len) };
    // No self-test here: a Sealer only reads and checks a public key, and
    // `sealer_prepare` runs the self-test before anything is sealed. The
    // glue runs it in a task of its own after init(), off the page's path
    // to ready (V8 compiles each function on its first call: the self-test
    // was a third of that path).
    run(|state| {
        let mut reader = Reader::new(&bytes);
        let (key, json, options) = (reader.value()?, reader.value()?, reader.value()?);
        reader.finish()?;
        // The seal build reads the encodings keys are published in
        // (`parse_published`: no DER decoder, no point decompression).
        let key = match values::jwk_object(&key) {
            Some(jwk) => PublicKey::parse_jwk_members(&jwk),
            None => values::key_bytes(&key).and_then(|bytes| {
                PublicKey::parse_published(bytes, &|_| values::parsed_jwk(&json))
            }),
        }?;
        let sealer = rules::sealer(
            &key,
            values::option_string(&options, "expectedKeyId"),
            values::option_string(&options, "suite"),
        )?;
        Ok(state.sealers.insert(sealer))
    })
}

/// Frees a Sealer.
#[no_mangle]
pub extern "C" fn sealer_free(handle: u32) {
    let _ = STATE.0.borrow_mut().sealers.take(handle);
}

/// What `f` makes of a Sealer's recipient key, at `ret`. (A function
/// pointer, not a generic: one body for the three exports below.)
fn reply_recipient(handle: u32, f: fn(&PublicKey) -> Vec<u8>) -> i32 {
    run(|state| {
        let out = f(state.sealers.get(handle)?.recipient());
        state.reply(&[&out]);
        Ok(0)
    })
}

/// The recipient key's id (16 hex digits), at `ret`.
#[no_mangle]
pub extern "C" fn sealer_key_id(handle: u32) -> i32 {
    reply_recipient(handle, |key| key.key_id().as_str().as_bytes().to_vec())
}

/// The recipient key's fingerprint, in groups of four hex digits, at `ret`.
#[no_mangle]
pub extern "C" fn sealer_fingerprint(handle: u32) -> i32 {
    reply_recipient(handle, |key| key.fingerprint().grouped().into_bytes())
}

/// The recipient key as a 65-byte uncompressed point, at `ret`.
#[no_mangle]
pub extern "C" fn sealer_recipient(handle: u32) -> i32 {
    reply_recipient(handle, |key| key.to_sec1_uncompressed().to_vec())
}

/// `prepare(fields, { formId })` at `now_ms` (`Date.now()`): the input is
/// the fields and the options. Returns the prepared seal's handle.
///
/// # Safety
/// [`input`]'s.
#[no_mangle]
pub unsafe extern "C" fn sealer_prepare(handle: u32, ptr: *mut u8, len: usize, now_ms: f64) -> i32 {
    // SAFETY: the caller's.
    let bytes = unsafe { input(ptr, len) };
    run(|state| {
        super::ready()?;
        let mut reader = Reader::new(&bytes);
        let (fields, options) = (reader.value()?, reader.value()?);
        reader.finish()?;
        let form = rules::form_id(values::option_string(&options, "formId"))?;
        let fields = values::fields(fields)?;
        let ts = rules::seal_time(now_ms);
        let prepared = state.sealers.get(handle)?.prepare_at(&form, &fields, ts)?;
        Ok(state.prepared.insert(prepared))
    })
}

/// Frees a prepared seal.
#[no_mangle]
pub extern "C" fn prepared_free(handle: u32) {
    let _ = STATE.0.borrow_mut().prepared.take(handle);
}

/// `finish(enc, dh)`: the input is `enc` then `dh`, as bytes. Uses up the
/// prepared seal; returns the keyed seal's handle.
///
/// # Safety
/// [`input`]'s.
#[no_mangle]
pub unsafe extern "C" fn prepared_finish(handle: u32, ptr: *mut u8, len: usize) -> i32 {
    // SAFETY: the caller's.
    let bytes = unsafe { input(ptr, len) };
    run(|state| {
        let prepared = state.prepared.take(handle)?;
        let mut reader = Reader::new(&bytes);
        let (enc, dh) = (reader.value()?, reader.value()?);
        reader.finish()?;
        let (Value::Bytes(enc), Value::Bytes(dh)) = (enc, dh) else {
            return Err(Error::Unavailable("finish takes two byte arrays".into()));
        };
        let keyed = prepared.finish(enc, dh)?;
        Ok(state.keyed.insert(keyed))
    })
}

/// Frees a keyed seal (its key and padded plaintext are zeroized).
#[no_mangle]
pub extern "C" fn keyed_free(handle: u32) {
    let _ = STATE.0.borrow_mut().keyed.take(handle);
}

/// A view of a keyed seal's bytes: `part` 0 the AES-GCM key, 1 the nonce,
/// 2 the additional data, 3 the padded plaintext. Valid until the next
/// call: the glue copies the key, nonce and AAD at once, and hands the
/// plaintext view to `encrypt`, which copies it before it returns.
#[no_mangle]
pub extern "C" fn keyed_view(handle: u32, part: u32) -> i32 {
    run(|state| {
        let keyed = state.keyed.get(handle)?;
        let bytes = match part {
            0 => keyed.expose_key(),
            1 => &keyed.nonce()[..],
            2 => keyed.aad(),
            _ => keyed.plaintext(),
        };
        let (ptr, len) = (bytes.as_ptr() as u32, bytes.len() as u32);
        state.ret = [ptr, len];
        Ok(0)
    })
}

/// `intoEnvelopeHead(ctLength)`: the envelope's JSON up to its `ct`
/// ([`Keyed::into_json_head`]), at `ret`. Uses up the keyed seal.
#[no_mangle]
pub extern "C" fn keyed_into_head(handle: u32, ct_len: usize) -> i32 {
    run(|state| {
        let (_, _, head) = state.keyed.take(handle)?.into_json_head(ct_len)?;
        state.reply(&[head.as_bytes()]);
        Ok(0)
    })
}
