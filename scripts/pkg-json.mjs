#!/usr/bin/env node
// Write the npm package's package.json into a pkg/ folder that build.sh has
// filled with three wasm-pack builds (web/, bundler/, node/) and js/*.
//
//   node scripts/pkg-json.mjs <pkg-dir>
//
// Name, version, description, license and repository come from the
// package.json wasm-pack wrote (that is, from Cargo.toml); the nested
// package.json files are then replaced, since the package has one manifest.
// The js/ layer, once copied in, becomes the main entry point (`index.js`,
// `node.js`); to add entry points, extend `exports` below.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/pkg-json.mjs <pkg-dir>');
  process.exit(2);
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

// What wasm-pack generated, per output folder.
const builds = {};
for (const sub of ['web', 'bundler', 'node']) {
  const path = join(dir, sub, 'package.json');
  if (!existsSync(path)) {
    console.error(`pkg-json: ${path} is missing; did wasm-pack build ${sub}?`);
    process.exit(1);
  }
  builds[sub] = readJson(path);
}
const crate = builds.web;

// { types, default } for one build, with paths from the package root.
const entry = (sub) => ({
  types: `./${sub}/${builds[sub].types}`,
  default: `./${sub}/${builds[sub].main}`,
});

// Files that do something when imported: a bundler must keep them even if
// nothing they export is used. wasm-pack lists its own; paths are made
// relative to the package root.
const sideEffects = [];
for (const [sub, pkg] of Object.entries(builds)) {
  for (const path of pkg.sideEffects ?? []) {
    sideEffects.push(`./${sub}/${path.replace(/^\.\//, '')}`);
  }
}
// The Node glue instantiates the module when loaded (wasm-pack lists nothing
// for CommonJS output).
sideEffects.push(`./node/${builds.node.main}`);
// The layer's Node entry loads and self-tests the module on import.
if (existsSync(join(dir, 'node.js'))) sideEffects.push('./node.js');

// A file of the package as an export target: { types, default }, with the
// types only if build.sh put a .d.ts beside it.
const file = (js) => {
  const dts = js.replace(/\.js$/, '.d.ts');
  return existsSync(join(dir, dts)) ? { types: `./${dts}`, default: `./${js}` } : `./${js}`;
};

// The main entry point. Conditions are tried in order; the first match wins.
// With the JavaScript layer (js/, copied to the package root):
//   node     node.js: the Node build, loaded and self-tested on import
//   default  index.js: browsers and bundlers; the web builds (seal and
//            full), loaded by init()
// Without it, the raw wasm-bindgen builds:
//   node     the CommonJS build, ready on import
//   module   bundlers (webpack, Vite, Rollup, esbuild): the bundler build,
//            which imports the .wasm as an ES module
//   default  browsers (import maps, CDNs): the web build; call init() first
const layer = existsSync(join(dir, 'index.js'));
const main = layer
  ? {
      ...(existsSync(join(dir, 'node.js')) ? { node: file('node.js') } : {}),
      default: file('index.js'),
    }
  : { node: entry('node'), module: entry('bundler'), default: entry('web') };

const manifest = {
  name: 'orderseal',
  version: crate.version,
  description: crate.description,
  license: crate.license,
  repository: crate.repository,
  type: 'module',
  exports: {
    '.': main,
    // The wasm-bindgen builds themselves, for whoever wants them directly.
    './web': entry('web'),
    './bundler': entry('bundler'),
    './node': entry('node'),
    './web/orderseal_bg.wasm': './web/orderseal_bg.wasm',
    // The seal build (js/api.js), for pages that load the .wasm themselves.
    './web/orderseal_seal_bg.wasm': './web/orderseal_seal_bg.wasm',
    './package.json': './package.json',
  },
  // For tools that predate `exports`.
  ...(layer
    ? { main: './index.js', types: './index.d.ts' }
    : {
        main: `./node/${builds.node.main}`,
        module: `./bundler/${builds.bundler.main}`,
        types: `./bundler/${builds.bundler.types}`,
      }),
  sideEffects,
  // Everything build.sh put in pkg/ (package.json, README and LICENSE are
  // always included by npm).
  files: readdirSync(dir)
    .filter((name) => !['package.json', 'README.md', 'node_modules'].includes(name))
    .sort(),
  keywords: ['hpke', 'rfc9180', 'p-256', 'encryption', 'forms', 'wasm'],
};

writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

// One manifest for the package: the nested ones go. node/ keeps a one-line
// package.json only if its glue is CommonJS, which `"type": "module"` above
// would otherwise misread.
for (const sub of Object.keys(builds)) {
  rmSync(join(dir, sub, 'package.json'));
}
if (builds.node.type !== 'module') {
  writeFileSync(join(dir, 'node', 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');
}

console.error(`pkg-json: wrote ${join(dir, 'package.json')} (orderseal ${manifest.version})`);
