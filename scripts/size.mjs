#!/usr/bin/env node
// Sizes of the npm package as built by `npm run build`, raw and gzip -9,
// against a budget: exits 1 if anything is over.
//
//   node scripts/size.mjs [pkg-dir]            a table on stdout
//   node scripts/size.mjs --markdown [pkg-dir] the same as a Markdown table
//                                              (for js/README.md)
//
// What a browser with WebCrypto downloads for a form page is the seal
// build (inlined in web/orderseal_seal_inline.js; its .wasm file only
// where the browser cannot gunzip) and glue plus the JavaScript layer
// (index.js, api.js, attach.js, errors.js, opener.js, webcrypto-check.js);
// that total is the number that matters. The full build (the back office, and order pages without
// WebCrypto) has budgets of its own. The order page bundled and minified
// (what `npm run bench` measures) is held to the 40 KiB. Budgets are gzip -9 bytes and can
// be overridden for a trial: SIZE_BUDGET_WASM=200000 node scripts/size.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants } from 'node:zlib';

// gzip -9 budgets, in bytes. Set about 5% above what was measured when the
// seal build got its own glue (2026-12-06, js/README.md), so that growth
// is a decision, not an accident.
const budget = (name, bytes) => Number(process.env[`SIZE_BUDGET_${name}`] ?? bytes);
const BUDGETS = {
  seal: budget('SEAL', 36_900),
  sealInline: budget('SEAL_INLINE', 35_400),
  // Raised from 4,400 when the glue began to write strings' UTF-8 itself
  // (2 KB order's encoding 3x faster; +17 B in the minified bundle, its
  // comments the rest); to 5,200 when it began to keep its encoding buffer
  // between calls (a 2 KB seal 30 to 60 µs faster; +77 B minified); to
  // 5,400 when it began to draw random bytes 512 at a time (1.1 µs less a
  // seal; +56 B minified).
  sealGlue: budget('SEAL_GLUE', 5_400),
  layer: budget('LAYER', 21_300),
  total: budget('TOTAL', 61_000),
  full: budget('FULL', 178_000),
  // The goal for what an order page downloads (40 KiB), bundled and
  // minified as bench/bundle.mjs does it: the figure the goal is about.
  bundle: budget('BUNDLE', 40 * 1024),
  fullGlue: budget('FULL_GLUE', 7_900),
};

const args = process.argv.slice(2);
const markdown = args.includes('--markdown');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(args.find((a) => !a.startsWith('--')) ?? 'pkg');

const LAYER = ['index.js', 'api.js', 'attach.js', 'errors.js', 'opener.js', 'webcrypto-check.js'];

// `gzip -9` itself when installed (its output is what the numbers mean),
// else zlib at level 9 (a few hundred bytes apart on the .wasm).
const haveGzip = spawnSync('gzip', ['--version']).status === 0;
function gzip9(bytes) {
  if (haveGzip) {
    const out = spawnSync('gzip', ['-9', '-n', '-c'], { input: bytes, maxBuffer: 1 << 30 });
    if (out.status === 0) return out.stdout.length;
  }
  return gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length;
}

function measure(files) {
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) {
    console.error(`size: missing ${missing.map((f) => join(dir, f)).join(', ')}; run: npm run build`);
    process.exit(1);
  }
  // gzip -9 of each file on its own (as a server sends them), summed.
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = readFileSync(join(dir, f));
    raw += bytes.length;
    gzip += gzip9(bytes);
  }
  return { raw, gzip };
}

const rows = [
  {
    what: 'web: orderseal_seal_inline.js (seal build, inlined)',
    files: ['web/orderseal_seal_inline.js'],
    budget: BUDGETS.sealInline,
  },
  { what: 'seal.js (its glue)', files: ['seal.js'], budget: BUDGETS.sealGlue },
  { what: 'JS layer: ' + LAYER.join(', '), files: LAYER, budget: BUDGETS.layer },
  {
    what: 'browser total (the three above)',
    files: ['web/orderseal_seal_inline.js', 'seal.js', ...LAYER],
    budget: BUDGETS.total,
  },
  {
    what: 'web: orderseal_seal_bg.wasm (the seal build where the browser cannot gunzip)',
    files: ['web/orderseal_seal_bg.wasm'],
    budget: BUDGETS.seal,
  },
  { what: 'web: orderseal_bg.wasm (full build)', files: ['web/orderseal_bg.wasm'], budget: BUDGETS.full },
  { what: 'web: orderseal.js (its glue)', files: ['web/orderseal.js'], budget: BUDGETS.fullGlue },
  { what: 'node: orderseal_bg.wasm', files: ['node/orderseal_bg.wasm'] },
  { what: 'node: orderseal.js (glue)', files: ['node/orderseal.js'] },
  { what: 'bundler: orderseal_bg.wasm', files: ['bundler/orderseal_bg.wasm'] },
].map((row) => ({ ...row, ...measure(row.files) }));

// The order page as an application bundles it (bench/candidates/orderseal.js,
// esbuild, minified): what `npm run bench` measures against the goal. Only
// for this checkout's pkg/, which that entry imports.
if (dir === resolve(ROOT, 'pkg')) {
  const { bundleCandidate, sizesOf } = await import('../bench/bundle.mjs');
  const out = mkdtempSync(join(tmpdir(), 'orderseal-size-'));
  try {
    const { onDemand } = await bundleCandidate('orderseal', out);
    const { total } = sizesOf(out, onDemand);
    rows.splice(4, 0, {
      what: 'order page, bundled and minified (esbuild; the .wasm inlined)',
      raw: total.raw,
      gzip: total.gzip,
      budget: BUDGETS.bundle,
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const over = rows.filter((r) => r.budget !== undefined && r.gzip > r.budget);

if (markdown) {
  console.log('| file | raw | gzip -9 | budget (gzip) |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of rows) {
    const budget = r.budget === undefined ? '' : kib(r.budget);
    console.log(`| ${r.what} | ${kib(r.raw)} | ${kib(r.gzip)} | ${budget} |`);
  }
} else {
  const width = Math.max(...rows.map((r) => r.what.length));
  for (const r of rows) {
    const budget = r.budget === undefined ? '' : `  budget ${r.budget} ${r.gzip > r.budget ? 'OVER' : 'ok'}`;
    console.log(
      `${r.what.padEnd(width)}  ${String(r.raw).padStart(8)} B raw  ${String(r.gzip).padStart(8)} B gzip -9${budget}`,
    );
  }
}

console.error(`size: gzip -9 by ${haveGzip ? 'the gzip command' : "Node's zlib"}, each file on its own`);

if (over.length) {
  for (const r of over) {
    console.error(`size: ${r.what} is ${r.gzip} B gzipped, over its budget of ${r.budget} B`);
  }
  process.exit(1);
}
