// What `npm publish` would upload from pkg/: exactly the package's
// JavaScript, wasm, type declarations, README, license and manifest; no
// keys (the published test key included), no source maps, Rust sources,
// tests or data.
//
//   npm run build && node --test tests/node/package-contents.test.mjs
//
// The file list is npm's own (`npm pack --dry-run --json` in pkg/), and
// every file on it is read and searched. Skips, saying so, only when pkg/
// has not been built (scripts/test.sh builds it first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkgDir = join(root, 'pkg');
const noPkg = existsSync(join(pkgDir, 'package.json'))
  ? false
  : 'pkg/ is missing: run `npm run build` first (scripts/test.sh does)';

// The files of the package: the JS layer (js/), three wasm-bindgen builds
// of the full build, the seal build, and what npm always adds.
const EXPECTED = [
  'README.md',
  'package.json',
  'api.js',
  'attach.js',
  'errors.js',
  'index.d.ts',
  'index.js',
  'node.d.ts',
  'node.js',
  'opener.js',
  'seal.js', // the seal build's glue
  'types.d.ts',
  'webcrypto-check.js',
  // The seal build (web only): see js/api.js.
  'web/orderseal_seal_bg.wasm',
  // The same .wasm, gzipped in base64 in a module (scripts/inline-wasm.mjs).
  'web/orderseal_seal_inline.d.ts',
  'web/orderseal_seal_inline.js',
  ...['web', 'bundler', 'node'].flatMap((dir) => [
    `${dir}/orderseal.d.ts`,
    `${dir}/orderseal.js`,
    `${dir}/orderseal_bg.wasm`,
    `${dir}/orderseal_bg.wasm.d.ts`,
  ]),
  'bundler/orderseal_bg.js', // the bundler build's glue
  'node/package.json', // {"type":"commonjs"} for the CommonJS glue
].sort();
// Allowed if present: license texts, and wasm-bindgen's inline JS snippets.
const OPTIONAL = [
  /^LICENSE(?:-[A-Z0-9]+)?(?:\.(?:md|txt))?$/,
  /^(?:web|bundler|node)\/snippets\/[\w./-]+\.js$/,
];
// Never in the package, whatever the list above says.
const FORBIDDEN = [
  [/\.map$/, 'a source map'],
  [/\.rs$/, 'Rust source'],
  [/(?:^|\/)(?:Cargo\.(?:toml|lock))$/, 'a Cargo manifest'],
  [
    /(?:^|\/)(?:tests?|__tests__|fuzz|benches|examples|data|target|src)\//,
    'a source, test or data folder',
  ],
  [/\.(?:test|spec)\.[cm]?[jt]s$/, 'a test'],
  [
    /\.(?:pem|der|key|p8|p12|pfx|jwk|db|sqlite|sqlite3|env|tgz)$|-wal$|-shm$/,
    'a key, database or archive',
  ],
  [/(?:^|\/)\.[^/]+$/, 'a dotfile'],
  [/\.ts$(?<!\.d\.ts$)/, 'TypeScript source'],
];

let pack = null;
let manifest = null;
if (!noPkg) {
  const run = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: pkgDir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(run.status, 0, `npm pack --dry-run failed:\n${run.stderr}`);
  [pack] = JSON.parse(run.stdout);
  manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
}
const packed = () => pack.files.map((f) => f.path).sort();
const read = (path) => readFileSync(join(pkgDir, path));

test('pkg/package.json: name, version, exports, types, files, sideEffects', { skip: noPkg }, () => {
  assert.equal(manifest.name, 'orderseal');
  assert.equal(pack.name, 'orderseal');
  const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
  assert.equal(manifest.version, /^version = "([^"]+)"/m.exec(cargo)[1], 'the crate version');
  assert.notEqual(manifest.private, true, 'publishable');
  assert.equal(manifest.type, 'module');
  assert.ok(manifest.license, 'a license');

  assert.ok(manifest.exports && typeof manifest.exports === 'object', 'exports');
  const main = manifest.exports['.'];
  assert.deepEqual(main.node, { types: './node.d.ts', default: './node.js' }, 'the Node entry');
  assert.deepEqual(
    main.default,
    { types: './index.d.ts', default: './index.js' },
    'the browser entry',
  );
  assert.equal(manifest.exports['./package.json'], './package.json');
  assert.equal(manifest.types, './index.d.ts');
  assert.equal(manifest.main, './index.js');

  assert.ok(Array.isArray(manifest.files) && manifest.files.length > 0, 'files');
  for (const entry of manifest.files)
    assert.ok(existsSync(join(pkgDir, entry)), `files: ${entry} exists`);
  // Files whose import does something: a bundler must keep them.
  assert.ok(Array.isArray(manifest.sideEffects), 'sideEffects lists the files that run on import');
  for (const entry of ['./node.js', './node/orderseal.js']) {
    assert.ok(manifest.sideEffects.includes(entry), `sideEffects: ${entry}`);
  }
  for (const entry of ['./index.js', './api.js', './errors.js', './attach.js', './opener.js']) {
    assert.ok(!manifest.sideEffects.includes(entry), `${entry} has no side effects: tree-shakable`);
  }

  // Nothing runs at install time.
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
    assert.equal(manifest.scripts?.[hook], undefined, `no ${hook} script`);
  }
  assert.equal(manifest.dependencies, undefined, 'no runtime dependencies');
  assert.deepEqual(JSON.parse(read('node/package.json')), { type: 'commonjs' });
});

test('npm pack lists exactly the package files', { skip: noPkg }, () => {
  const files = packed();
  const extra = files.filter((f) => !EXPECTED.includes(f) && !OPTIONAL.some((re) => re.test(f)));
  const missing = EXPECTED.filter((f) => !files.includes(f));
  assert.deepEqual({ extra, missing }, { extra: [], missing: [] });
  assert.equal(pack.entryCount, files.length);
});

test('every file the manifest points to is packed', { skip: noPkg }, () => {
  const files = packed();
  const targets = [];
  const walk = (v) => {
    if (typeof v === 'string') targets.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(manifest.exports);
  targets.push(manifest.main, manifest.types);
  for (const path of manifest.sideEffects.filter((p) => !p.includes('*'))) targets.push(path);
  for (const target of targets) {
    assert.ok(files.includes(target.replace(/^\.\//, '')), `${target} is in the package`);
  }
});

test('no source maps, Rust sources, tests, keys or data files are packed', { skip: noPkg }, () => {
  for (const f of packed()) {
    for (const [re, what] of FORBIDDEN) assert.doesNotMatch(f, re, `${f}: ${what}`);
  }
  // And no packed file points to a source map that would be fetched.
  for (const f of packed().filter((p) => /\.[cm]?js$/.test(p))) {
    assert.doesNotMatch(
      read(f).toString('utf8'),
      /[#@] sourceMappingURL=/,
      `${f} names a source map`,
    );
  }
});

// The published test key of tests/vectors/key.json in every form it could
// leak in, and the private keys of tests/keys/ and data/ (if present).
const key = JSON.parse(readFileSync(join(root, 'tests', 'vectors', 'key.json'), 'utf8'));
const pemBody = (pem) =>
  pem
    .split('\n')
    .filter((line) => line && !line.startsWith('-----'))
    .map((line) => line.trim());

function privateKeyFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...privateKeyFiles(path));
    else if (/\.(?:pem|key)$/.test(name) && statSync(path).size < 64 * 1024) {
      const text = readFileSync(path, 'utf8');
      if (text.includes('PRIVATE KEY')) out.push([relative(root, path), text]);
    } else if (/\.jwk(?:\.json)?$/.test(name)) {
      const jwk = JSON.parse(readFileSync(path, 'utf8'));
      if (jwk.d) out.push([relative(root, path), jwk.d]);
    }
  }
  return out;
}

test('no packed file holds a private key, the test key included', { skip: noPkg }, () => {
  const scalar = Buffer.from(key.private_scalar_hex, 'hex');
  // [what, needle]; text needles are searched case-sensitively in the bytes.
  const needles = [
    ['"PRIVATE KEY" (a PEM private key)', 'PRIVATE KEY'],
    ['the test key scalar in hex', key.private_scalar_hex],
    ['the test key scalar in upper-case hex', key.private_scalar_hex.toUpperCase()],
    ['the test key scalar in base64url (JWK "d")', scalar.toString('base64url')],
    ['the test key scalar in base64', scalar.toString('base64')],
    ['the test key PEM body', pemBody(key.private_pkcs8_pem).join('')],
    ...pemBody(key.private_pkcs8_pem).map((line, i) => [
      `line ${i + 1} of the test key PEM body`,
      line,
    ]),
  ];
  // Other private keys: each line of a PEM body (a whole line is 48 random
  // bytes), or a JWK's "d". Their content is never printed.
  const others = [
    ...privateKeyFiles(join(root, 'tests', 'keys')),
    ...privateKeyFiles(join(root, 'data')),
  ];
  assert.ok(others.length >= 5, 'the key fixtures of tests/keys are found');
  for (const [path, text] of others) {
    const lines = text.includes('-----') ? pemBody(text).filter((l) => l.length >= 40) : [text];
    lines.forEach((line, i) => needles.push([`${path} (line ${i + 1})`, line]));
  }

  for (const f of packed()) {
    const bytes = read(f);
    for (const [what, needle] of needles) {
      assert.equal(bytes.indexOf(needle), -1, `${f} contains ${what}`);
    }
    // The raw scalar ("orderseaf test vector key -- no!") is in the wasm on
    // purpose: the load-time self-test opens a known-answer envelope sealed
    // to the published test key (src/selftest.rs). Nowhere else.
    if (!f.endsWith('/orderseal_bg.wasm')) {
      assert.equal(bytes.indexOf(scalar), -1, `${f} contains the raw test key scalar`);
    }
  }
});

test(
  'the package ships its license text',
  { skip: noPkg },
  () => {
    assert.ok(
      packed().some((f) => OPTIONAL[0].test(f)),
      'a LICENSE file',
    );
  },
);

test(
  'the wasm holds no paths of the machine that built it',
  { skip: noPkg },
  () => {
    for (const f of packed().filter((p) => p.endsWith('.wasm'))) {
      const text = read(f).toString('latin1');
      assert.doesNotMatch(text, /\/(?:root|home\/[^/]+)\/\.cargo\/|\/work\//, f);
    }
  },
);
