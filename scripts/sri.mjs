#!/usr/bin/env node
// Builds the site the inbox server serves: www/ + the browser part of pkg/
// into target/site/, with Subresource Integrity (sha384) computed now, at
// build time:
//
//   - integrity="..." on every <script type="module" src> and same-origin
//     <link rel="stylesheet">;
//   - one <link rel="modulepreload" integrity="..."> per module each page
//     script imports, statically or dynamically, however deep: Chromium
//     checks a module's preload integrity when the import graph loads it,
//     so a changed module file (a tampered CDN or disk) is refused;
//   - assets/integrity.js gets the hashes of the two .wasm builds (seal and
//     full), which the pages pass to fetch(), itself pinned by its
//     modulepreload.
//
// Pages must have no inline script (the server's CSP forbids it anyway).
//
//   node scripts/sri.mjs [--www DIR] [--pkg DIR] [--out DIR]
//
// Defaults: www, pkg, target/site, relative to the repository root.
// `orderseal serve` serves target/site by default when it exists.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { www: 'www', pkg: 'pkg', out: 'target/site' };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in opts) || i + 1 >= argv.length) {
      throw new Error(`usage: node scripts/sri.mjs [--www DIR] [--pkg DIR] [--out DIR] (got ${argv[i]})`);
    }
    opts[name] = argv[++i];
  }
  for (const k of Object.keys(opts)) opts[k] = path.resolve(ROOT, opts[k]);
  return opts;
}

const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

// --- copying -------------------------------------------------------------------

function copySite({ www, pkg, out }) {
  if (!fs.existsSync(path.join(www, 'index.html'))) {
    throw new Error(`${www}/index.html is missing`);
  }
  if (!fs.existsSync(path.join(pkg, 'web'))) {
    throw new Error(`${pkg}/web is missing: build the package first (npm run build)`);
  }
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  fs.cpSync(www, out, { recursive: true });
  // The package's browser part: its top-level modules and the web build
  // (bundler/ and node/ are for other targets).
  const pkgOut = path.join(out, 'pkg');
  fs.mkdirSync(pkgOut, { recursive: true });
  for (const entry of fs.readdirSync(pkg, { withFileTypes: true })) {
    if (entry.isFile()) fs.copyFileSync(path.join(pkg, entry.name), path.join(pkgOut, entry.name));
  }
  fs.cpSync(path.join(pkg, 'web'), path.join(pkgOut, 'web'), { recursive: true });
}

// --- the module graph ----------------------------------------------------------

const BASE = 'https://site.invalid/';

function fileOf(out, url) {
  const u = new URL(url);
  if (u.origin !== new URL(BASE).origin) return null;
  const file = path.join(out, decodeURIComponent(u.pathname));
  if (!file.startsWith(out + path.sep)) throw new Error(`${url} is outside the site`);
  return file;
}

// Specifiers of import/export-from statements and import() calls, after
// removing comments. Bare specifiers cannot load without an import map,
// which would have to be inline: refuse them.
export function importsOf(source) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = new Set();
  const statement = /(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?(['"])([^'"\n]+)\1/g;
  const dynamic = /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;
  for (const re of [statement, dynamic]) {
    for (const m of code.matchAll(re)) found.add(m[2]);
  }
  return [...found];
}

function moduleGraph(out, entryUrl) {
  const seen = new Map(); // url -> file
  const queue = [entryUrl];
  while (queue.length) {
    const url = queue.shift();
    if (seen.has(url)) continue;
    const file = fileOf(out, url);
    if (!file || !fs.existsSync(file)) throw new Error(`module ${url} not found in the site (${file})`);
    seen.set(url, file);
    for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
      if (!/^(\.{1,2}\/|\/)/.test(spec)) {
        throw new Error(`${url} imports the bare specifier '${spec}': use a relative path`);
      }
      queue.push(new URL(spec, url).href);
    }
  }
  return seen;
}

// --- the pages -----------------------------------------------------------------

const attr = (tag, name) => {
  const m = tag.match(new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
  return m ? (m[1] ?? m[2] ?? m[3]) : null;
};
const withIntegrity = (tag, integrity) =>
  tag.replace(/\s+integrity\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/i, '').replace(/\s*\/?>$/, (end) => ` integrity="${integrity}"${end.trim() === '/>' ? ' />' : '>'}`);

function stampPage(out, htmlFile) {
  let html = fs.readFileSync(htmlFile, 'utf8');
  const pageUrl = new URL(path.relative(out, htmlFile).split(path.sep).join('/'), BASE).href;
  const hashes = new Map();
  const hashOf = (url) => {
    if (!hashes.has(url)) {
      const file = fileOf(out, url);
      if (!file || !fs.existsSync(file)) throw new Error(`${pageUrl}: ${url} not found`);
      hashes.set(url, sri(fs.readFileSync(file)));
    }
    return hashes.get(url);
  };

  const entries = [];
  let inline = 0;
  html = html.replace(/<script\b[^>]*>/gi, (tag) => {
    const src = attr(tag, 'src');
    if (src === null) {
      inline++;
      return tag;
    }
    const url = new URL(src, pageUrl).href;
    if (!fileOf(out, url)) return tag; // another origin: not ours to pin
    if ((attr(tag, 'type') ?? '').toLowerCase() === 'module') entries.push(url);
    return withIntegrity(tag, hashOf(url));
  });
  if (inline > 0) throw new Error(`${pageUrl}: ${inline} inline <script>(s); the CSP forbids them`);

  // Every module the page's modules load, entries excluded.
  const deps = new Map();
  for (const entry of entries) {
    for (const [url] of moduleGraph(out, entry)) {
      if (!entries.includes(url)) deps.set(url, true);
    }
  }
  // Existing modulepreload and stylesheet links get their integrity. (Not
  // a `preload as=fetch`, such as the order page's .wasm: Chromium ignores
  // integrity there and says so in the console, crbug.com/981419; the
  // fetch that uses the preloaded response checks its hash.)
  html = html.replace(/<link\b[^>]*>/gi, (tag) => {
    const rel = (attr(tag, 'rel') ?? '').toLowerCase().split(/\s+/);
    const href = attr(tag, 'href');
    if (!href || !(rel.includes('modulepreload') || rel.includes('stylesheet'))) return tag;
    const url = new URL(href, pageUrl).href;
    if (!fileOf(out, url)) return tag;
    if (rel.includes('modulepreload')) deps.delete(url);
    return withIntegrity(tag, hashOf(url));
  });
  // New preloads go right before the first module script.
  const first = html.search(/<script\b[^>]*type\s*=\s*["']?module/i);
  if (deps.size > 0 && first >= 0) {
    const lineStart = html.lastIndexOf('\n', first) + 1;
    const indent = html.slice(lineStart, first).match(/^\s*/)[0];
    const links = [...deps.keys()]
      .map((url) => `<link rel="modulepreload" href="${new URL(url).pathname}" integrity="${hashOf(url)}">`)
      .join(`\n${indent}`);
    html = `${html.slice(0, first)}${links}\n${indent}${html.slice(first)}`;
  }
  fs.writeFileSync(htmlFile, html);
  return { page: new URL(pageUrl).pathname, modules: entries.length + deps.size };
}

function htmlFiles(dir, out) {
  const files = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && full !== path.join(out, 'pkg')) files.push(...htmlFiles(full, out));
    else if (entry.isFile() && entry.name.endsWith('.html')) files.push(full);
  }
  return files;
}

// --- main ----------------------------------------------------------------------

function main() {
  const opts = parseArgs(process.argv.slice(2));
  copySite(opts);
  const { out } = opts;
  // The .wasm hashes, for the pages (before hashing the modules: this file is one).
  const hash = (name) => JSON.stringify(sri(fs.readFileSync(path.join(out, 'pkg/web', name))));
  const integrityJs = path.join(out, 'assets/integrity.js');
  if (fs.existsSync(integrityJs)) {
    fs.writeFileSync(
      integrityJs,
      '// Written by scripts/sri.mjs: the Subresource Integrity of the .wasm builds in pkg/web.\n' +
        `export const WASM_INTEGRITY = ${hash('orderseal_bg.wasm')};\n` +
        `export const SEAL_WASM_INTEGRITY = ${hash('orderseal_seal_bg.wasm')};\n`,
    );
  }
  for (const file of htmlFiles(out, out)) {
    const { page, modules } = stampPage(out, file);
    console.error(`sri: ${page}: ${modules} module(s) pinned`);
  }
  console.error(`sri: site written to ${path.relative(ROOT, out) || out}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    console.error(`sri: error: ${error.message}`);
    process.exit(1);
  }
}
