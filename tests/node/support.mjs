// Shared by the Node tests that build the browser API themselves (not a
// test file: `node --test` runs only *.test.mjs here).
import { join } from 'node:path';

/** pkg/, as `npm run build` writes it. */
const pkg = join(new URL('.', import.meta.url).pathname, '..', '..', 'pkg');

const { createApi: createCore } = await import(join(pkg, 'api.js'));
const { createOpener } = await import(join(pkg, 'opener.js'));

/** What index.js and node.js export: the API and its Opener (js/opener.js). */
export function createApi(builds) {
  const api = createCore(builds);
  return { ...api, Opener: createOpener(api) };
}
