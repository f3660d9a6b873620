// orderseal for browsers: init(), Sealer, Opener, and attach() for forms.
import type {
  Envelope,
  ErrorCode,
  LimitName,
  OrderSealError,
  PublicKeyInput,
  Sealer,
} from './types.js';

export * from './types.js';

/** Where a .wasm comes from. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Where each build comes from. By default, `seal` is the .wasm inlined in
 * ./web/orderseal_seal_inline.js, which index.js imports (no request of its
 * own; ./web/orderseal_seal_bg.wasm where the browser has no
 * DecompressionStream), and `full` is ./web/orderseal_bg.wasm, next to the
 * package's index.js. A function is called only if that build is needed.
 * `{ full }` without a `seal` member loads the full build alone (the back
 * office); an order page that gives `full` keeps the inlined seal build
 * with `{ seal: undefined, full }`.
 */
export interface InitSources {
  seal?: InitInput | Promise<InitInput> | (() => InitInput | Promise<InitInput>) | undefined;
  full?: InitInput | Promise<InitInput> | (() => InitInput | Promise<InitInput>);
}

/**
 * Loads a build and runs its known-answer self-test, once (later calls
 * return the same Promise; the seal build's self-tests run just after it
 * resolves, in a task of their own, and the first seal waits for them):
 * the seal build where WebCrypto is there and
 * passes its own known-answer test (RFC 9180 A.3), the full build
 * otherwise, or when given only a full build (`{ full }` without a `seal`
 * member, or one full .wasm: the back office's Opener needs it). One `input` (not `{ seal, full }`) may be either build: it is
 * compiled and told apart by its exports. Rejects with `unavailable` if
 * WebAssembly or crypto.getRandomValues is missing, the module does not
 * load, or the full build's self-test fails; then every call throws
 * `unavailable` too. A seal build that fails its self-test makes the
 * first seal reject with `unavailable`, and every later call throw it.
 */
export function init(input?: InitInput | Promise<InitInput> | InitSources): Promise<void>;
export default init;

/** The manifest attach() reads when given no key: the newest key is used. */
export interface KeyManifest {
  keys: { kid: string; jwk: PublicKeyInput; created: string | number }[];
}

/** Texts attach() shows in the status element, by error code or state. */
export type AttachMessages = Partial<
  Record<
    | ErrorCode
    /** Any key_* code and kid_mismatch without a text of its own. */
    | 'key'
    /** Any other code without a text of its own. */
    | 'default'
    /** While sealing and sending (mode 'fetch'). */
    | 'sending'
    /** After a 2xx answer. */
    | 'sent'
    /** While sealing (mode 'native'). */
    | 'native',
    string | ((error: OrderSealError) => string)
  >
>;

export interface AttachOptions {
  /** The public key. Without it, the manifest at `keyUrl` is used. */
  key?: PublicKeyInput;
  /** A key manifest (KeyManifest); default '/.well-known/orderseal/keys.json'. */
  keyUrl?: string | URL;
  /** Pin: refuse (`kid_mismatch`) any key whose id is not this one. */
  expectedKeyId?: string;
  /** The envelope's form id; default the form's data-orderseal-form, else 'order'. */
  formId?: string;
  /**
   * 'fetch' (default): POST the envelope as JSON to `action`, retry the same
   * envelope on network failure, clear the fields on a 2xx answer.
   * 'native': put the envelope in a hidden input `fieldName` and submit the
   * form natively (method and action as the form says).
   */
  mode?: 'fetch' | 'native';
  /** Where to POST (mode 'fetch'); default the form's action. */
  action?: string | URL;
  /** The hidden input's name in mode 'native'; default 'orderseal'. */
  fieldName?: string;
  /**
   * Element (or selector) for messages; default the form's
   * [data-orderseal-status] element, created at the form's end if absent.
   */
  status?: Element | string;
  /** Retries after a network failure or a 502/503/504 answer; default 2. */
  retries?: number;
  /** First retry delay in ms, doubled each time; default 500. */
  retryDelay?: number;
  /** Replacement texts (for other languages). */
  messages?: AttachMessages;
  /** Passed to init(). */
  wasm?: InitInput | Promise<InitInput> | InitSources;
}

export interface AttachController {
  form: HTMLFormElement;
  /** The sealer once the module and key are loaded; rejects with the error every submit shows. */
  ready: Promise<Sealer>;
  /** Removes the listeners (the form then submits natively again). */
  detach(): void;
}

export interface SealedEventDetail {
  submissionId: string;
  envelope: Envelope;
  keyId: string;
}

export interface SentEventDetail {
  submissionId: string;
  /** The HTTP status (2xx). */
  status: number;
  /** The server's JSON answer, or null if it sent no JSON. */
  response: unknown;
}

export interface ErrorEventDetail {
  code: ErrorCode;
  message: string;
  error: OrderSealError;
  limit?: LimitName;
  status?: number;
}

/**
 * Binds a form whose sensitive controls carry data-orderseal="field" and no
 * name. Every submit is cancelled; the fields are validated, sealed and sent
 * as one envelope, or nothing is sent and a message shows (role=alert).
 */
export function attach(form: HTMLFormElement, options?: AttachOptions): AttachController;

/** Where attach() looks for the key manifest by default. */
export const DEFAULT_KEY_URL: '/.well-known/orderseal/keys.json';

declare global {
  interface HTMLElementEventMap {
    'orderseal:sealed': CustomEvent<SealedEventDetail>;
    'orderseal:sent': CustomEvent<SentEventDetail>;
    'orderseal:error': CustomEvent<ErrorEventDetail>;
  }
}
