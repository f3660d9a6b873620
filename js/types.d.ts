// Types shared by the browser entry (index.d.ts) and the Node entry
// (node.d.ts). Hand-written: the public API is the JavaScript layer's
// (Promises, File/Blob, DOM events), which no Rust-side generator describes.
// tests/node/package.test.mjs checks the code unions against the module.

/** The core's error codes (Rust `Error::code()`, docs/FORMAT.md §8). */
export type CoreErrorCode =
  | 'envelope_malformed'
  | 'unsupported_version'
  | 'unsupported_suite'
  | 'unknown_kid'
  | 'open_failed'
  | 'key_malformed'
  | 'key_wrong_curve'
  | 'key_unsupported'
  | 'key_not_on_curve'
  | 'key_identity'
  | 'key_mismatch'
  | 'passphrase_required'
  | 'wrong_passphrase'
  | 'kid_mismatch'
  | 'limit_exceeded'
  | 'plaintext_invalid'
  | 'unavailable';

/** Codes only the form binding `attach()` reports. */
export type AttachErrorCode =
  /** The browser's constraint validation failed; messages are by the fields. */
  | 'invalid_input'
  /** The key manifest or the form's action could not be reached (after retries). */
  | 'network_error'
  /** The form's action answered with a status other than 2xx. */
  | 'server_rejected'
  /** The page's markup is unsafe (a data-orderseal control has a name). */
  | 'misconfigured';

export type ErrorCode = CoreErrorCode | AttachErrorCode;

/** `error.limit` of a `limit_exceeded` error (Rust `Limit::name()`). */
export type LimitName =
  | 'envelope size'
  | 'plaintext size'
  | 'field count'
  | 'field name length'
  | 'field value length'
  | 'values per field'
  | 'file name or type length'
  | 'form id length';

/** Every error orderseal throws, rejects with or reports is one of these. */
export interface OrderSealError extends Error {
  name: 'OrderSealError';
  /** Stable: match on it. The message is for people and may change. */
  code: ErrorCode;
  /** `limit_exceeded`: which limit (docs/FORMAT.md §6). */
  limit?: LimitName;
  /** `limit_exceeded`: the size found. */
  actual?: number;
  /** `limit_exceeded`: the largest size allowed. */
  max?: number;
  /** `server_rejected` (and a failed key manifest fetch): the HTTP status. */
  status?: number;
  /** `server_rejected`: the server's JSON body, if it sent one. */
  response?: unknown;
}

/** The core's codes, in docs/FORMAT.md order. */
export const CODES: readonly CoreErrorCode[];
/** The codes only `attach()` reports. */
export const ATTACH_CODES: readonly AttachErrorCode[];
/** `'OrderSealError'`, the `name` of every orderseal error. */
export const ERROR_NAME: 'OrderSealError';
/** Whether `value` is an orderseal error (with that `code`, if given). */
export function isOrderSealError(value: unknown, code?: ErrorCode): value is OrderSealError;

/** The crate version of the wasm module. Throws `unavailable` before init(). */
export function version(): string;

/**
 * Which build init() loaded: `'seal'` (browsers with WebCrypto: the seal
 * steps only, WebCrypto does the ECDH and AES-GCM) or `'full'` (also the
 * pure-Rust engine and the Opener). Throws `unavailable` before init().
 */
export function build(): 'seal' | 'full';

/** A P-256 public key as a JSON Web Key (what WebCrypto `exportKey('jwk')` gives). */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  [member: string]: unknown;
}

/**
 * The company's public key: a JWK object, text (JWK JSON, SPKI PEM, or the
 * SEC1 point in hex or base64url), or bytes (SPKI DER or the SEC1 point).
 * The seal build reads the point uncompressed only (as JWK, `orderseal key
 * public`, OpenSSL and WebCrypto write it); the full build reads both forms.
 */
export type PublicKeyInput = PublicJwk | string | Uint8Array | ArrayBuffer;

export interface SealerOptions {
  /**
   * Pin: the key id (16 lowercase hex characters) the key must have;
   * another key is refused with `kid_mismatch`.
   */
  expectedKeyId?: string;
  /**
   * The HPKE suite to seal with (docs/FORMAT.md §2): AES-128-GCM by default,
   * or AES-256-GCM if the company chose it. Both engines support both;
   * another name is refused with `unsupported_suite`.
   */
  suite?: 'P256-SHA256-A128GCM' | 'P256-SHA256-A256GCM';
  /**
   * How `seal()` does the cryptography. Both engines write the same envelope
   * format (docs/FORMAT.md), which opens the same way.
   *
   * - `'webcrypto'`: WebCrypto (`crypto.subtle`) does the P-256 ECDH and the
   *   AES-GCM; the wasm core checks and pads the fields, runs the RFC 9180
   *   key schedule and writes the envelope. Many times faster. The
   *   constructor throws `unavailable` without WebCrypto (an insecure
   *   context, http:// other than localhost); a WebCrypto failure during a
   *   seal rejects with `unavailable`.
   * - `'wasm'`: everything in the wasm core (the `hpke` crate): the
   *   reference implementation.
   * - `'auto'` (default): `'webcrypto'` where it is available, else
   *   `'wasm'`. If WebCrypto fails during a seal, that seal is done again
   *   with `'wasm'` (a new submission id; nothing was returned or sent
   *   before), and so are the later ones.
   *
   * Any other value throws a `TypeError`.
   */
  engine?: 'auto' | 'webcrypto' | 'wasm';
}

/** A file as a plain object. `data` as text is unpadded base64url. */
export interface FileInput {
  name: string;
  /** Media type; may be empty. */
  type: string;
  data: Uint8Array | ArrayBuffer | string;
}

/**
 * One field's value: text; repeated text (multi-select, checkbox group);
 * one file; several files. `File`/`Blob` and `FileList` are read for you.
 */
export type FieldInput =
  | string
  | readonly string[]
  | FileInput
  | readonly FileInput[]
  | Blob
  | ArrayLike<Blob>;

/** The form's fields by name, in form order (a Map keeps any order). */
export type FieldsInput = Record<string, FieldInput> | Map<string, FieldInput>;

export interface SealOptions {
  /** The form's id: 1–64 characters of `A-Z a-z 0-9 . _ - : /`. */
  formId: string;
}

/** An envelope (docs/FORMAT.md §3). */
export interface Envelope {
  /** The format version: 2 for what a Sealer writes; 1 for older envelopes. */
  v: 1 | 2;
  suite: 'P256-SHA256-A128GCM' | 'P256-SHA256-A256GCM';
  /** The recipient key's id. */
  kid: string;
  form: string;
  /** Submission id: 16 random bytes, base64url. */
  sid: string;
  /** Sealing time, Unix seconds (the customer's clock). */
  ts: number;
  enc: string;
  ct: string;
}

export interface Sealed {
  envelope: Envelope;
  /** The envelope as the exact JSON text to submit. */
  json: string;
  /** `envelope.sid`: make retries idempotent with it, show it as a receipt. */
  submissionId: string;
}

/** Seals forms to one public key. Build it once (after init() in browsers). */
export class Sealer {
  /** Throws `unavailable`, a `key_*` code, or `kid_mismatch`. */
  constructor(key: PublicKeyInput, options?: SealerOptions);
  /** The key id (16 hex characters), as envelopes name it. */
  readonly keyId: string;
  /** The full SHA-256 fingerprint in groups of four hex digits, for people. */
  readonly fingerprint: string;
  /** The engine the next `seal()` uses (see `SealerOptions.engine`). */
  readonly engine: 'webcrypto' | 'wasm';
  /**
   * Seals the fields. Rejects with `plaintext_invalid` (bad names, values or
   * form id), `limit_exceeded` or `unavailable`.
   */
  seal(fields: FieldsInput, options: SealOptions): Promise<Sealed>;
  /** Frees the wasm memory now rather than at garbage collection. */
  free(): void;
}

export interface OpenedFile {
  name: string;
  type: string;
  data: Uint8Array;
}

export type OpenedValue = string | string[] | OpenedFile | OpenedFile[];

/** An opened envelope: its authenticated header and the fields. */
export interface Opened {
  /** The envelope's format version (openers read 1 and 2). */
  v: 1 | 2;
  suite: Envelope['suite'];
  kid: string;
  form: string;
  sid: string;
  ts: number;
  /**
   * The fields by name. An object's keys do not keep the form's order when
   * names look like array indices ("2" comes first): `entries` does.
   */
  fields: Record<string, OpenedValue>;
  /** The fields as [name, value] pairs, in the form's order (the same values). */
  entries: [string, OpenedValue][];
}

/** Private key material: PEM / JWK text, a JWK object, or DER bytes. */
export type PrivateKeyInput = string | Uint8Array | ArrayBuffer | Record<string, unknown>;

/** Opens envelopes (the back office). Keys stay in wasm memory until clear(). */
export interface OpenerOptions {
  /**
   * How `openAll()` does the cryptography (`open()` is always the wasm
   * engine). Both give the same result for every envelope.
   *
   * - `'webcrypto'`: WebCrypto does the P-256 ECDH (each private key is
   *   imported into it once, non-extractable) and the AES-GCM; the wasm core
   *   parses and checks the envelope, runs the RFC 9180 key schedule, unpads
   *   and reads the fields. Several times faster. The constructor throws
   *   `unavailable` without WebCrypto; `openAll` rejects with `unavailable`
   *   if WebCrypto fails its known-answer test.
   * - `'wasm'`: everything in the wasm core (the `hpke` crate).
   * - `'auto'` (default): `'webcrypto'` where it is available and passes
   *   its known-answer test, else `'wasm'`.
   */
  engine?: 'auto' | 'webcrypto' | 'wasm';
}

/** One result of `Opener.openAll`: the opened envelope, or why not. */
export type OpenResult = { opened: Opened; error?: undefined } | { opened?: undefined; error: OrderSealError };

export class Opener {
  constructor(options?: OpenerOptions);
  /**
   * Adds a private key and returns its key id. Throws `passphrase_required`,
   * `wrong_passphrase`, or a `key_*` code.
   */
  addKey(key: PrivateKeyInput, passphrase?: string): string;
  /**
   * Opens an envelope. Throws `envelope_malformed`, `unsupported_version`,
   * `unsupported_suite`, `unknown_kid`, `open_failed`, `plaintext_invalid`
   * or `limit_exceeded`.
   */
  open(envelope: string | Uint8Array): Opened;
  /**
   * Opens many envelopes, several at a time with WebCrypto (see
   * `OpenerOptions.engine`): one result per envelope, in input order, each
   * the opened envelope or the `OrderSealError` `open()` would throw.
   * Rejects only with `unavailable`.
   */
  openAll(envelopes: Iterable<string | Uint8Array>): Promise<OpenResult[]>;
  /** `'webcrypto'` or `'wasm'`: how the next `openAll()` opens. */
  readonly engine: 'webcrypto' | 'wasm';
  /** Drops and zeroizes every key (lock). */
  clear(): void;
  /** The ids of the keys added, in order. */
  readonly keyIds: string[];
  free(): void;
}
