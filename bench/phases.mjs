// Where orderseal's time to ready goes: the steps of init() and the first
// `new Sealer`, timed one by one in fresh browser contexts, with V8's
// default lazy compilation of wasm functions and with it off (every
// function compiled up front). Not a candidate: the comparison tables and
// targets use bench/candidates/orderseal.js, which calls the package's
// init() and Sealer as an application does.
//
// The probe (bench/candidates/phases.js) calls the seal build's glue
// directly, because init() runs these steps as one: the inlined .wasm
// decoded and gunzipped, compiled, instantiated, the self-test, and two
// `new Sealer` (the second shows what is left once every function it runs
// is compiled).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

import { DIST, ROOT } from './bundle.mjs';

/** The steps, in order, as the probe reports them (ms). */
export const PHASES = [
  ['decode', 'base64 of the inlined .wasm to bytes (`Uint8Array.fromBase64`)'],
  ['gunzip', 'gunzip (`DecompressionStream`)'],
  ['compile', '`WebAssembly.compile` of the bytes'],
  ['instantiate', 'instantiate (the glue, js/seal.js)'],
  ['selfTest', 'self-test (`run_seal_steps`)'],
  ['sealer', 'first `new Sealer(jwk)`: parse, validate, key id'],
  ['sealerAgain', 'second `new Sealer(jwk)`'],
];

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
 * Runs the probe in `rounds` fresh contexts (plus a warm-up) of `browser`;
 * returns { phase: [ms, …] }.
 */
export async function measurePhases(browser, origin, key, rounds) {
  const out = Object.fromEntries(PHASES.map(([id]) => [id, []]));
  for (let r = 0; r <= rounds; r++) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/`);
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
