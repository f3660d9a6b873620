//! Core errors as JavaScript `Error`s with a stable `code`.
//!
//! The code is always [`Error::code`]: the one exhaustive `match` in the
//! core, never a mapping made here. Limit errors also carry `limit` (the
//! [`crate::Limit::name`]), `actual` and `max`.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::Error;

/// The `name` of every error this module throws.
pub const ERROR_NAME: &str = "OrderSealError";

/// Converts a core error into a JavaScript `Error`:
/// `{ name: "OrderSealError", message, code, limit?, actual?, max? }`.
pub fn to_js(err: Error) -> JsValue {
    let js = js_sys::Error::new(&err.message());
    js.set_name(ERROR_NAME);
    set(&js, "code", &JsValue::from_str(err.code()));
    if let Error::LimitExceeded { limit, actual, max } = err {
        set(&js, "limit", &JsValue::from_str(limit.name()));
        set(&js, "actual", &size(actual));
        set(&js, "max", &size(max));
    }
    js.into()
}

fn size(n: usize) -> JsValue {
    // usize is 32 bits on wasm32: exact as a JS number.
    JsValue::from_f64(n as f64)
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}
