// Errors of the orderseal package: plain `Error`s named `OrderSealError`
// with a stable `code`.
//
// The core's codes are made in one place, Rust's `Error::code()`; the wasm
// module attaches them to every error it throws. `CODES` below is the same
// list for code that runs before the module is loaded and for TypeScript;
// tests/node/package.test.mjs checks that it equals the module's
// `errorCodes()` and the union type in index.d.ts.

/** `error.name` of every error orderseal throws or reports. */
export const ERROR_NAME = 'OrderSealError';

// `@__PURE__`: a bundle that never reads these lists leaves them out (a
// call to Object.freeze is otherwise kept for its possible side effects).

/** The core's error codes (docs/FORMAT.md §8), in that order. */
export const CODES = /* @__PURE__ */ Object.freeze([
  'envelope_malformed',
  'unsupported_version',
  'unsupported_suite',
  'unknown_kid',
  'open_failed',
  'key_malformed',
  'key_wrong_curve',
  'key_unsupported',
  'key_not_on_curve',
  'key_identity',
  'key_mismatch',
  'passphrase_required',
  'wrong_passphrase',
  'kid_mismatch',
  'limit_exceeded',
  'plaintext_invalid',
  'unavailable',
]);

/**
 * Codes that only the form binding (`attach`) reports, for what happens
 * around sealing: the browser's validation, the network, the server, the
 * page's markup.
 */
export const ATTACH_CODES = /* @__PURE__ */ Object.freeze([
  'invalid_input',
  'network_error',
  'server_rejected',
  'misconfigured',
]);

/**
 * A new `OrderSealError`: `new Error(message)` with `name`, `code` and any
 * `extra` properties (`limit`, `status`, `cause`, ...).
 */
export function orderSealError(code, message, extra = {}) {
  const { cause, ...props } = extra;
  const error = cause === undefined ? new Error(message) : new Error(message, { cause });
  error.name = ERROR_NAME;
  error.code = code;
  Object.assign(error, props);
  return error;
}

/** Whether `value` is an orderseal error (with `code`, if given). */
export function isOrderSealError(value, code) {
  return (
    value instanceof Error &&
    value.name === ERROR_NAME &&
    typeof value.code === 'string' &&
    (code === undefined || value.code === code)
  );
}
