// orderseal for Node.js (>= 20): the wasm-bindgen `nodejs` build, loaded
// synchronously when this module is imported, self-test included. init()
// is there for symmetry with the browser entry: it resolves at once, or
// rejects with the `unavailable` error every call would throw.
//
//   import { Sealer } from 'orderseal';
//   const sealer = new Sealer(readFileSync('company.pub.pem', 'utf8'));
//   const { json } = await sealer.seal({ product: 'Pen' }, { formId: 'order' });

import { createRequire } from 'node:module';
import { createApi } from './api.js';
import { createOpener } from './opener.js';

const require = createRequire(import.meta.url);
const api = createApi({ full: () => require('./node/orderseal.js') });
api.initSync();

export const { init, Sealer, version, build } = api;
// Pure: a bundle that never uses the Opener leaves it (and js/opener.js) out.
export const Opener = /* @__PURE__ */ createOpener(api);
export default init;
export { CODES, ATTACH_CODES, ERROR_NAME, isOrderSealError } from './errors.js';
