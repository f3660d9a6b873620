// Where orderseal's time to ready goes: the steps of init() and the first
// `new Sealer`, timed one by one in fresh browser contexts, with V8's
// default lazy compilation of wasm functions and with it off (every
// function compiled up front). Not a candidate: the comparison tables and
// targets use bench/candidates/orderseal.js, which calls the package's
// init() and Sealer as an application does.
//
// The probe (bench/candidates/phases.js) calls the seal build's glue
// directly, because init() runs these steps as one: the inlined .wasm
// decoded, gunzipped and compiled, instantiated, and two `new Sealer` (the
// second shows what is left once every function it runs is compiled); then
// the self-test, which init() runs in a task of its own once it has
// resolved (the first seal waits for it).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

import { DIST, ROOT } from './bundle.mjs';

/** The steps, in order, as the probe reports them (ms). */
export const PHASES = [
  ['decode', 'base64 of the inlined .wasm to bytes (`Uint8Array.fromBase64`)'],
  ['gunzip', 'gunzip (`DecompressionStream`)'],
  ['compile', 'compile (`new WebAssembly.Module`, on the main thread)'],
  ['instantiate', 'instantiate (the glue, js/seal.js)'],
  ['sealer', 'first `new Sealer(jwk)`: parse, validate, key id'],
  ['sealerAgain', 'second `new Sealer(jwk)`'],
  ['selfTest', 'self-test (`run_seal_steps`), after `init()` has resolved: not part of time to ready'],
];

/** The steps that are part of time to ready. */
export const READY_PHASES = ['decode', 'gunzip', 'compile', 'instantiate', 'sealer'];

/** Bundles the probe into bench/dist/phases/. */
export async function buildPhases() {
  const outdir = join(DIST, 'phases');
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: { index: join(ROOT, 'bench', 'candidates', 'phases.js') },
    outdir,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  });
}

/**
 * Runs the probe in `rounds` fresh contexts (plus a warm-up) of `browser`,
 * each once `settle()` has resolved (if given) after its page loaded;
 * returns { phase: [ms, …] }.
 */
export async function measurePhases(browser, origin, key, rounds, settle = null) {
  const out = Object.fromEntries(PHASES.map(([id]) => [id, []]));
  for (let r = 0; r <= rounds; r++) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      await settle?.();
      const t = await page.evaluate(
        async (k) => (await import('/dist/phases/index.js')).phases(k),
        key,
      );
      if (r > 0) for (const [id] of PHASES) out[id].push(t[id]);
    } finally {
      await context.close();
    }
  }
  return out;
}
