// Shortens the names the seal build's .wasm and its wasm-bindgen glue use
// for each other: the import module "./orderseal_seal_bg.js", its imports
// (`__wbg_isArray_bcf1376d0d732d08`, …: a hash each, which gzip cannot
// compress) and the exports (`sealer_new`, `memory`, …): 1.1 KB less gzipped
// in the bundle of an order page; nothing else changes. (The glue is
// internal: js/index.js and js/api.js are the package's API.)
//
// usage: node scripts/minify-names.mjs <module_bg.wasm> <glue.js> [wasm-opt flags…]
//
// wasm-opt (npm `binaryen`) renames them and prints the mapping
// (`--minify-imports-and-exports-and-modules`); this script then renames
// them in the glue and in the two .d.ts files next to it, and fails if any
// name the .wasm no longer has is left in the glue.
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WASM_OPT = join(ROOT, 'node_modules', '.bin', 'wasm-opt');

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Renames the imports, their module and the exports of the .wasm `input`
 * into `output`; returns the renaming: `{ module: [old, new], imports, exports }`
 * (Maps of old name to new). The same imports and exports in the same
 * order (any wasm-opt flags before this) give the same renaming.
 */
export function minifyWasm(input, output, flags = []) {
  const mapping = JSON.parse(
    execFileSync(WASM_OPT, [...flags, '--minify-imports-and-exports-and-modules', input, '-o', output], {
      encoding: 'utf8',
      maxBuffer: 16 << 20,
    }),
  );
  // wasm-opt prints the imports' new names, not the module's: read that
  // from the output.
  const oldModules = [...new Set(mapping.imports.map(([module]) => module))];
  const newModules = [
    ...new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(output))).map((i) => i.module)),
  ];
  if (oldModules.length !== 1 || newModules.length !== 1) {
    throw new Error(`expected one import module, got ${oldModules} -> ${newModules}`);
  }
  return {
    module: [oldModules[0], newModules[0]],
    imports: new Map(mapping.imports.map(([, name, short]) => [name, short])),
    exports: new Map(mapping.exports),
  };
}

/**
 * wasm-bindgen's glue with the .wasm's new names, checked: every import
 * the .wasm has is in its imports object, and every `wasm.name` it uses is
 * an export.
 */
export function renameInGlue(text, { module, imports, exports }) {
  // The imports object: `"./orderseal_seal_bg.js": import0`, whose members
  // are `name: function(…)`.
  text = text.replace(JSON.stringify(module[0]), JSON.stringify(module[1]));
  for (const [name, short] of imports) {
    text = text.replace(new RegExp(`^(\\s*)${escape(name)}(?=:)`, 'm'), `$1${short}`);
  }
  // The exports, each used as `wasm.name`.
  text = text.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (all, name) =>
    exports.has(name) ? `wasm.${exports.get(name)}` : all,
  );
  const exported = new Set(exports.values());
  const unknown = [...text.matchAll(/\bwasm\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1]).filter((n) => !exported.has(n));
  const missing = [...imports.values()].filter((short) => !new RegExp(`^\\s*${escape(short)}:`, 'm').test(text));
  if (unknown.length || missing.length || text.includes(module[0])) {
    throw new Error(`glue out of step with the .wasm: uses ${unknown}, lacks ${missing}`);
  }
  return text;
}

/** `export const name:` (the .wasm's .d.ts) and InitOutput's `readonly name:` (the glue's). */
function renameInTypes(text, { exports }) {
  const rename = (all, head, name) => (exports.has(name) ? `${head}${exports.get(name)}` : all);
  return text
    .replace(/^(export const )([A-Za-z_$][\w$]*)(?=:)/gm, rename)
    .replace(/(export interface InitOutput \{)([\s\S]*?)(\n\})/, (all, open, members, close) =>
      open + members.replace(/^(\s*readonly )([A-Za-z_$][\w$]*)(?=:)/gm, rename) + close,
    );
}

function rewrite(path, edit) {
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [wasmPath, gluePath, ...flags] = process.argv.slice(2);
  if (!wasmPath || !gluePath) {
    console.error('usage: node scripts/minify-names.mjs <module_bg.wasm> <glue.js> [wasm-opt flags…]');
    process.exit(2);
  }
  const renaming = minifyWasm(wasmPath, `${wasmPath}.min`, flags);
  rewrite(gluePath, (text) => renameInGlue(text, renaming));
  rewrite(gluePath.replace(/\.js$/, '.d.ts'), (text) => renameInTypes(text, renaming));
  rewrite(wasmPath.replace(/\.wasm$/, '.wasm.d.ts'), (text) => renameInTypes(text, renaming));
  renameSync(`${wasmPath}.min`, wasmPath);
}
