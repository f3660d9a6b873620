// The in-page half of the harness (bench/run.mjs drives it through
// Playwright). One candidate per page: `ready()` imports its bundle, inits
// it and imports the key, timed; `order(n)` and `file(n)` seal the workload
// n times, timing each seal alone; `warm(ms)` seals the order back to back
// for that long, untimed. The same code runs for every candidate,
// the empty control included, so its cost cancels out.
import { file1mib, order2kb } from '/workload.mjs';

let sealer = null;
const last = { order: null, file: null };
let fields = null;
let file = null;

function toTransfer(out) {
  if (typeof out === 'string') return { text: out };
  const bytes = out instanceof Uint8Array ? out : new Uint8Array(out);
  if (typeof bytes.toBase64 === 'function') return { base64: bytes.toBase64() };
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return { base64: btoa(s) };
}

globalThis.bench = {
  info() {
    return {
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      visibilityState: document.visibilityState,
      userAgent: navigator.userAgent,
      hardwareConcurrency: navigator.hardwareConcurrency,
      // The smallest step performance.now() takes (ms).
      timerStep: (() => {
        let step = Infinity;
        let prev = performance.now();
        for (let i = 0; i < 20000 && step > 0.001; i++) {
          const t = performance.now();
          if (t > prev) step = Math.min(step, t - prev);
          prev = t;
        }
        return step;
      })(),
    };
  },

  /** import + init + key import, in ms. */
  async ready(id, key) {
    const t0 = performance.now();
    const module = await import(`/dist/${id}/index.js`);
    sealer = await module.ready(key);
    return performance.now() - t0;
  },

  /** Seals the 2 KB order n times; the time of each seal, in ms. */
  async order(n) {
    fields ??= order2kb();
    const times = new Array(n);
    let out;
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      out = await sealer.sealOrder(fields);
      times[i] = performance.now() - t0;
    }
    last.order = out;
    return times;
  },

  /**
   * Seals the 2 KB order back to back for `ms` ms, untimed, before the
   * measured rounds: the JIT's work on each candidate's code (V8 optimises
   * a function after many calls) is done before them, not during. Returns
   * how many seals that took.
   */
  async warm(ms) {
    fields ??= order2kb();
    const t0 = performance.now();
    let n = 0;
    do {
      await sealer.sealOrder(fields);
      n++;
    } while (performance.now() - t0 < ms);
    return n;
  },

  /** Seals the 1 MiB file n times; the time of each seal, in ms. */
  async file(n) {
    file ??= file1mib();
    const times = new Array(n);
    let out;
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      out = await sealer.sealFile(file);
      times[i] = performance.now() - t0;
    }
    last.file = out;
    return times;
  },

  /** The last ciphertexts, for bench/verify.mjs to open in Node. */
  outputs() {
    return { order: toTransfer(last.order), file: toTransfer(last.file) };
  },
};
