#!/usr/bin/env node
// Prints the SHA-256 and SRI (sha384) hashes of every .wasm and .js file of
// the built npm package, so that anyone can compare what a site serves with
// what was released (docs/SECURITY.md). Usage: node scripts/release-hashes.mjs [pkg]
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.argv[2] ?? 'pkg';

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (/\.(wasm|m?js)$/.test(name)) yield path;
  }
}

let count = 0;
try {
  for (const path of walk(root)) {
    const bytes = readFileSync(path);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const sri = 'sha384-' + createHash('sha384').update(bytes).digest('base64');
    console.log(`${sha256}  ${sri}  ${relative(root, path)}`);
    count += 1;
  }
} catch (err) {
  console.error(`error: cannot read ${root}: ${err.message}\nhint: run npm run build first`);
  process.exit(1);
}
if (count === 0) {
  console.error(`error: no .wasm or .js files under ${root}\nhint: run npm run build first`);
  process.exit(1);
}
