// Bundles each candidate alone, as a web developer's build would: esbuild,
// minified, ES module, for browsers. orderseal's .wasm files are copied next
// to its bundle. Sizes: every file a page downloads for the candidate, raw
// and gzip -9 (each file on its own, as a server sends them). orderseal is
// bundled with code splitting, as Vite or webpack do: its full build (glue
// chunk and .wasm) is loaded only where WebCrypto cannot seal, and its seal
// build comes inlined in the bundle (web/orderseal_seal_inline.js), the
// .wasm file only for browsers without DecompressionStream, so those are
// listed apart (`onDemand`), not counted in what the bench page downloads.
//
//   node bench/bundle.mjs        writes bench/dist/<candidate>/, prints sizes
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { inlineModule } from '../scripts/inline-wasm.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..');
export const DIST = join(here, 'dist');

/** The candidates, in report order; `file` is bench/candidates/<file>.js. */
export const CANDIDATES = [
  { id: 'orderseal', label: 'orderseal', pkg: null },
  { id: 'hpke-core', label: '@hpke/core', pkg: '@hpke/core' },
  { id: 'libsodium', label: 'libsodium-wrappers', pkg: 'libsodium-wrappers' },
  { id: 'openpgp', label: 'openpgp', pkg: 'openpgp' },
  { id: 'eciesjs', label: 'eciesjs', pkg: 'eciesjs' },
  { id: 'webcrypto', label: 'WebCrypto (floor)', pkg: null },
  { id: 'control', label: 'control (empty)', pkg: null },
];

const haveGzip = spawnSync('gzip', ['--version']).status === 0;
export function gzip9(bytes) {
  if (haveGzip) {
    const out = spawnSync('gzip', ['-9', '-n', '-c'], { input: bytes, maxBuffer: 1 << 30 });
    if (out.status === 0) return out.stdout.length;
  }
  return gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length;
}

/** Sizes of the files in `dir` a page downloads (all but `onDemand`), raw and gzip -9. */
export function sizesOf(dir, onDemand = []) {
  const files = readdirSync(dir).filter((f) => !f.endsWith('.json'));
  const out = { js: { raw: 0, gzip: 0 }, wasm: { raw: 0, gzip: 0 }, files: {}, onDemand: {} };
  for (const f of files) {
    if (onDemand.includes(f)) {
      const bytes = readFileSync(join(dir, f));
      out.onDemand[f] = { raw: bytes.length, gzip: gzip9(bytes) };
      continue;
    }
    const bytes = readFileSync(join(dir, f));
    const kind = f.endsWith('.wasm') ? 'wasm' : 'js';
    const g = gzip9(bytes);
    out[kind].raw += bytes.length;
    out[kind].gzip += g;
    out.files[f] = { raw: bytes.length, gzip: g };
  }
  out.total = { raw: out.js.raw + out.wasm.raw, gzip: out.js.gzip + out.wasm.gzip };
  return out;
}

/** Output files reached from the entry only through import() (file names). */
function dynamicOnly(metafile, outdir) {
  const outputs = metafile.outputs;
  const name = (p) => p.slice(p.lastIndexOf('/') + 1);
  const entry = Object.keys(outputs).find((p) => name(p) === 'index.js');
  const eager = new Set();
  const visit = (p) => {
    if (eager.has(p)) return;
    eager.add(p);
    for (const i of outputs[p]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  const written = new Set(readdirSync(outdir));
  return Object.keys(outputs)
    .filter((p) => p.endsWith('.js') && !eager.has(p))
    .map(name)
    .filter((f) => written.has(f));
}

/** Builds every bundle into bench/dist; returns { id: sizes }. */
/**
 * Bundles candidate `id` into `outdir`. orderseal is split (the full
 * build's glue is a chunk of its own) and gets both .wasm files next to it;
 * `sealWasm` (bytes) replaces the seal build, in the module that inlines it
 * and in its fallback file (bench/levers.mjs); `split` bundles another
 * candidate that imports orderseal (an ad-hoc variant) as orderseal is. Returns the files fetched
 * only on demand (the full build; the seal .wasm file, which only a browser
 * without DecompressionStream fetches).
 */
export async function bundleCandidate(id, outdir, { sealWasm, split = id === 'orderseal' } = {}) {
  mkdirSync(outdir, { recursive: true });
  const plugins = [];
  if (sealWasm) {
    const inline = join(outdir, '..', `${basename(outdir)}-seal-inline.js`);
    writeFileSync(inline, await inlineModule(sealWasm));
    plugins.push({
      name: 'seal-inline',
      setup(build) {
        build.onResolve({ filter: /orderseal_seal_inline\.js$/ }, () => ({ path: inline }));
      },
    });
  }
  const result = await esbuild.build({
    entryPoints: { index: join(here, 'candidates', `${id}.js`) },
    outdir,
    splitting: split,
    chunkNames: 'chunk-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
    plugins,
  });
  if (!split) return { result, onDemand: [] };
  const sealFile = join(outdir, 'orderseal_seal_bg.wasm');
  if (sealWasm) writeFileSync(sealFile, sealWasm);
  else copyFileSync(join(ROOT, 'pkg', 'web', 'orderseal_seal_bg.wasm'), sealFile);
  copyFileSync(join(ROOT, 'pkg', 'web', 'orderseal_bg.wasm'), join(outdir, 'orderseal_bg.wasm'));
  return {
    result,
    onDemand: ['orderseal_bg.wasm', 'orderseal_seal_bg.wasm', ...dynamicOnly(result.metafile, outdir)],
  };
}

export async function bundleAll() {
  rmSync(DIST, { recursive: true, force: true });
  const sizes = {};
  for (const c of CANDIDATES) {
    const outdir = join(DIST, c.id);
    const { result, onDemand } = await bundleCandidate(c.id, outdir);
    sizes[c.id] = sizesOf(outdir, onDemand);
    sizes[c.id].inputs = Object.keys(result.metafile.inputs).length;
  }
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await bundleAll();
  for (const [id, s] of Object.entries(sizes)) {
    console.log(
      `${id.padEnd(10)} js ${String(s.js.raw).padStart(8)} raw ${String(s.js.gzip).padStart(7)} gz   wasm ${String(s.wasm.raw).padStart(7)} raw ${String(s.wasm.gzip).padStart(7)} gz   (${s.inputs} inputs)`,
    );
  }
}
