// A small static server for the bench pages, on 127.0.0.1 only. Every answer
// carries COOP/COEP (and CORP), so that the pages are cross-origin isolated
// and performance.now() has its fine resolution (5 µs instead of 100 µs),
// and `no-store`, so that every fresh browser context fetches everything.
//
//   / -> bench/page.html; /page.js, /workload.mjs; /dist/<candidate>/<file>
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

const HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

// URL path -> file under bench/, or null. Only these files and bench/dist/.
function fileFor(pathname) {
  if (pathname === '/' || pathname === '/page.html') return join(here, 'page.html');
  if (pathname === '/page.js') return join(here, 'page.js');
  if (pathname === '/workload.mjs') return join(here, 'workload.mjs');
  if (pathname.startsWith('/dist/')) {
    const path = normalize(join(here, pathname));
    return path.startsWith(join(here, 'dist') + sep) ? path : null;
  }
  return null;
}

/** Starts the server on 127.0.0.1 (port 0: any free one). Resolves to { origin, close() }. */
export function startServer(port = 0) {
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    const path = fileFor(decodeURIComponent(pathname));
    if (req.method !== 'GET' || !path) {
      res.writeHead(404, HEADERS).end();
      return;
    }
    try {
      const body = await readFile(path);
      res.writeHead(200, {
        ...HEADERS,
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
        'content-length': body.length,
      });
      res.end(body);
    } catch {
      res.writeHead(404, HEADERS).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({
        origin: `http://127.0.0.1:${actual}`,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { origin } = await startServer(Number(process.argv[2] ?? 8090));
  console.log(`bench server: ${origin}/`);
}
