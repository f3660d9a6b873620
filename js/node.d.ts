// orderseal for Node.js: the module is loaded and self-tested on import.
export * from './types.js';

/** Resolves at once, or rejects with the `unavailable` error every call throws. */
export function init(): Promise<void>;
export default init;
