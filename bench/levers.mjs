// Levers, measured only (nothing here changes the build): the same seal
// build optimised by wasm-opt with other flags, bundled like orderseal (same
// JS, other .wasm inlined), so that the browser run measures them side by
// side; and `twiggy top` of the release .wasm.
//
// The input is what scripts/build.sh feeds wasm-opt for the seal build (the
// .wasm the bench page loads):
// target/seal/wasm32-unknown-unknown/wasm-release/orderseal.wasm (the
// artifact `npm run build` just made). With build.sh's flags the output
// must equal pkg/web/orderseal_seal_bg.wasm byte for byte; that is
// checked, so the variants differ from the release only by the flags.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleCandidate, DIST, gzip9 } from './bundle.mjs';

// build.sh's WASM_FEATURES and WASM_STRIP.
const FEATURES = [
  '--enable-bulk-memory',
  '--enable-nontrapping-float-to-int',
  '--enable-sign-ext',
  '--enable-mutable-globals',
  '--enable-reference-types',
  '--enable-multivalue',
];
const STRIP = ['--strip-debug', '--strip-producers', '--strip-target-features'];
// build.sh's default SEAL_WASM_OPT_FLAGS, read from build.sh itself (a copy
// here went stale once), or what the environment set for this build.
function releaseFlags() {
  if (process.env.SEAL_WASM_OPT_FLAGS) return process.env.SEAL_WASM_OPT_FLAGS.trim().split(/\s+/);
  const script = readFileSync(new URL('../scripts/build.sh', import.meta.url), 'utf8');
  const found = /^SEAL_WASM_OPT_FLAGS="\$\{SEAL_WASM_OPT_FLAGS:-([^}"]*)\}"$/m.exec(script);
  if (!found) throw new Error('levers: no default SEAL_WASM_OPT_FLAGS in scripts/build.sh');
  return found[1].trim().split(/\s+/);
}
const RELEASE = releaseFlags();

/** The variants; `flags: []` is cargo's output, stripped, no optimisation. */
export const VARIANTS = [
  { id: 'orderseal-Oz', label: 'orderseal, wasm-opt -Oz (binaryen\'s own inlining)', flags: ['-Oz'] },
  { id: 'orderseal-O3', label: 'orderseal, wasm-opt -O3', flags: ['-O3'] },
  { id: 'orderseal-noopt', label: 'orderseal, no wasm-opt', flags: [] },
];

function run(cmd, args) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')}: exit ${res.status}: ${(res.stderr || res.error?.message || '').trim().slice(-500)}`);
  }
  return res.stdout;
}

/**
 * Writes bench/dist/<variant>/ for each variant (next to dist/orderseal,
 * which bench/bundle.mjs made) and runs twiggy. Never throws: a failure is
 * recorded in the result and the variants are left out.
 */
export async function buildLevers(root) {
  const out = { variants: [], twiggy: null, notes: [] };
  const tmp = mkdtempSync(join(tmpdir(), 'orderseal-levers-'));
  try {
    const artifact = join(root, 'target', 'seal', 'wasm32-unknown-unknown', 'wasm-release', 'orderseal.wasm');
    const wasmOpt = join(root, 'node_modules', '.bin', 'wasm-opt');
    if (!existsSync(artifact)) throw new Error(`${artifact} is missing (npm run build makes it)`);
    const input = artifact;
    const optimise = (flags, dest, extra = STRIP) => {
      const t0 = Date.now();
      run(wasmOpt, [...flags, ...FEATURES, ...extra, input, '-o', dest]);
      return (Date.now() - t0) / 1000;
    };
    // The release, again, to prove the inputs are the same.
    const oz = join(tmp, 'oz.wasm');
    const ozSeconds = optimise(RELEASE, oz);
    const release = readFileSync(join(root, 'pkg', 'web', 'orderseal_seal_bg.wasm'));
    const same = readFileSync(oz).equals(release);
    out.notes.push(
      same
        ? `wasm-opt ${RELEASE.join(' ')} on the same input reproduces pkg/web/orderseal_seal_bg.wasm byte for byte.`
        : `WARNING: wasm-opt ${RELEASE.join(' ')} on this input does not reproduce pkg/web/orderseal_seal_bg.wasm.`,
    );
    out.release = { id: 'orderseal', label: `orderseal, wasm-opt ${RELEASE.join(' ')} (release)`, flags: RELEASE, raw: release.length, gzip: gzip9(release), optSeconds: ozSeconds };
    for (const v of VARIANTS) {
      const dest = join(tmp, `${v.id}.wasm`);
      const seconds = optimise(v.flags, dest);
      const bytes = readFileSync(dest);
      const dir = join(DIST, v.id);
      rmSync(dir, { recursive: true, force: true });
      // The same bundle and full build; only the seal .wasm (inlined) differs.
      await bundleCandidate('orderseal', dir, { sealWasm: bytes });
      out.variants.push({ ...v, raw: bytes.length, gzip: gzip9(bytes), optSeconds: seconds });
    }
    out.twiggy = twiggyTop(wasmOpt, input, tmp, optimise);
  } catch (error) {
    out.error = error.message;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

// twiggy reads names from the name section, which wasm-opt drops unless
// given -g; with -g (and no --strip-debug) the code is the same size item by
// item, and the name section itself is left out of the report.
function twiggyTop(wasmOpt, input, tmp, optimise) {
  const version = spawnSync('twiggy', ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) {
    return { error: 'twiggy is not installed (cargo install twiggy); skipped' };
  }
  const named = join(tmp, 'named.wasm');
  optimise([...RELEASE, '-g'], named, ['--strip-producers']);
  const items = JSON.parse(run('twiggy', ['top', '-n', '100000', '-f', 'json', named])).filter(
    (i) => !/names" subsection$|^name section|"function names"/.test(i.name),
  );
  const total = items.reduce((n, i) => n + i.shallow_size, 0);
  // Crate of an item, roughly: the first path segment of its name; for
  // `<T as Trait>` with T a primitive or generic, the trait's crate. Shallow
  // sizes after inlining: a function counts what was inlined into it.
  const crateOf = (name) => {
    if (/^data segment|^data\[/.test(name)) return '(data segments)';
    if (/shim/.test(name) && !name.includes('::')) return '(multivalue shims)';
    if (/^code\[/.test(name)) return '(unnamed functions)';
    let n = name;
    const asTrait = n.match(/^<+(?:&mut |&|\*const |\*mut |dyn )?([A-Za-z0-9_]+) as ([^>]+)>/);
    if (asTrait) n = asTrait[2];
    else n = n.replace(/^<+(&mut |&|\*const |\*mut |dyn )?/, '');
    const m = n.match(/^([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/);
    if (m) return m[1];
    if (/^(char|str|u\d+|i\d+|f\d+|usize|isize|bool)>/.test(n)) return 'core';
    return '(other: tables, types, imports, exports, …)';
  };
  const crates = {};
  for (const i of items) crates[crateOf(i.name)] = (crates[crateOf(i.name)] ?? 0) + i.shallow_size;
  return {
    version: version.stdout.trim(),
    total,
    top: items.slice(0, 25).map((i) => ({ name: i.name, bytes: i.shallow_size })),
    crates: Object.entries(crates)
      .sort((a, b) => b[1] - a[1])
      .map(([crate, bytes]) => ({ crate, bytes })),
  };
}
