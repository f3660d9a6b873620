// `npm run bench` (bench/run.mjs): its statistics and goals held to their
// definitions, and one quick run end to end: every candidate bundled,
// loaded in Chromium and sealing, each one's ciphertexts opened in Node,
// and the native figures. A change to a peer, the package or the harness
// that breaks the bench then fails the tests, not the next measurement.
//
//   npm run build && node --test tests/node/bench.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { evaluateTargets } from '../../bench/report.mjs';
import { pairedRatio, rotate, summary } from '../../bench/stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('summary: the median of an odd and of an even count, nearest-rank p10 and p90', () => {
  assert.deepEqual(summary([3, 1, 2]), { n: 3, median: 2, p10: 1, p90: 3, min: 1, max: 3 });
  const tenth = summary([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  assert.equal(tenth.median, 5.5);
  // Nearest rank: the smallest value with at least p of the values at or below it.
  assert.equal(tenth.p10, 1);
  assert.equal(tenth.p90, 9);
  assert.equal(summary([]).n, 0);
  assert.ok(Number.isNaN(summary([]).median));
});

test('rotate: each round starts at the next candidate, and visits all of them once', () => {
  const ids = ['a', 'b', 'c'];
  assert.deepEqual(rotate(ids, 0), ['a', 'b', 'c']);
  assert.deepEqual(rotate(ids, 1), ['b', 'c', 'a']);
  assert.deepEqual(rotate(ids, 5), ['c', 'a', 'b']);
});

test('pairedRatio: the median of round-by-round ratios; rounds that do not pair are a bug', () => {
  // A slow spell (round 2) slows both alike and leaves the ratio alone.
  assert.equal(pairedRatio([0.2, 0.3, 0.2], [0.25, 0.375, 0.25]), 0.8);
  assert.throws(() => pairedRatio([0.2, 0.2], [0.25], 'libsodium'), /libsodium: 1 rounds against 2/);
});

// What evaluateTargets reads of a run, each figure at its goal's edge.
function run({ seal = 0.25, hpke = 0.3, sodium = 0.26, mib = 250, gzip = 40 * 1024, ready = 10, open = 10000 } = {}) {
  const peer = (median) => ({ order_ms: { median }, orderseal_order_ratio_paired: 0.9 });
  return {
    candidates: [
      { id: 'hpke-core', label: '@hpke/core' },
      { id: 'libsodium', label: 'libsodium-wrappers' },
    ],
    figures: {
      orderseal: { order_ms: { median: seal }, file_mib_per_s: mib, ready_over_control_ms: ready },
      'hpke-core': hpke === null ? undefined : peer(hpke),
      libsodium: peer(sodium),
      webcrypto: { order_ms: { median: 0.14 }, file_mib_per_s: 300, order_round_medians_ms: [0.14, 0.2, 0.15] },
    },
    sizes: { orderseal: { wasm: { gzip: 0 }, js: { gzip }, total: { gzip } } },
    native: open === null ? null : { results: { open_order_2kb: { per_second: open } } },
  };
}
const passes = (data) => Object.fromEntries(evaluateTargets(data).map((t) => [t.id, t.pass]));

test('evaluateTargets: every goal met at its edge', () => {
  assert.deepEqual(passes(run()), {
    seal_2kb: true,
    seal_2kb_ahead: true,
    seal_1mib: true,
    size: true,
    ready: true,
    native_open: true,
  });
  const [seal] = evaluateTargets(run());
  // The floor's state is reported beside the figure: fast rounds are those within 1.2 times its fastest.
  assert.match(seal.actual, /^0\.250 ms \(the floor: 0\.140 ms; the floor fast in 2 of 3 rounds\)$/);
});

test('evaluateTargets: the timer\'s float noise does not move a figure across its edge', () => {
  assert.equal(passes(run({ seal: 0.25000000018626451 })).seal_2kb, true);
  assert.equal(passes(run({ seal: 0.2149999998, sodium: 0.2150000002, hpke: 0.3 })).seal_2kb_ahead, false);
  assert.equal(passes(run({ seal: 0.2149999998, sodium: 0.2200000002, hpke: 0.3 })).seal_2kb_ahead, true);
  // The time to ready is a difference of two medians (ready minus the
  // control's), and the 1 MiB figure 1 MiB over a median time.
  assert.equal(passes(run({ ready: 10.000000000931323 })).ready, true);
  assert.equal(passes(run({ mib: 1000 / (4 + 1e-9) })).seal_1mib, true);
});

test('evaluateTargets: each goal missed just past its edge', () => {
  const miss = (over, id) => assert.equal(passes(run(over))[id], false, id);
  miss({ seal: 0.2501 }, 'seal_2kb');
  // Ahead means faster: a tie with either peer is a miss, also when the
  // timer's float noise puts one of two equal medians a hair lower.
  miss({ seal: 0.2, sodium: 0.2 }, 'seal_2kb_ahead');
  miss({ seal: 0.21999999970197678, sodium: 0.22000000018626451 }, 'seal_2kb_ahead');
  miss({ seal: 0.2, hpke: 0.19 }, 'seal_2kb_ahead');
  miss({ mib: 249.9 }, 'seal_1mib');
  miss({ mib: 1000 / 4.0001 }, 'seal_1mib');
  miss({ gzip: 40 * 1024 + 1 }, 'size');
  miss({ ready: 10.01 }, 'ready');
  miss({ ready: 10.0001 }, 'ready');
  miss({ open: 9999 }, 'native_open');
});

test('evaluateTargets: a goal whose figures were not measured is neither met nor missed', () => {
  const targets = passes(run({ hpke: null, open: null }));
  assert.equal(targets.seal_2kb_ahead, null);
  assert.equal(targets.native_open, null);
  assert.equal(targets.seal_2kb, true);
});

test('a quick bench run: every candidate seals in Chromium and its ciphertexts open, and docs/ is left alone', () => {
  const out = join(root, 'target', 'bench-quick');
  rmSync(out, { recursive: true, force: true });
  const docs = readFileSync(join(root, 'docs', 'benchmarks.json'));
  // The package is the one `npm run build` made before the tests. It takes
  // 3 to 4 minutes on 2 cores; a harness that hangs is stopped at 15.
  const res = spawnSync(process.execPath, ['bench/run.mjs', '--quick', '--no-build'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
    timeout: 15 * 60_000,
  });
  const how = res.signal ? `stopped by ${res.signal}` : `exit ${res.status}`;
  assert.equal(res.status, 0, `bench/run.mjs --quick failed (${how}):\n${res.stderr.slice(-4000)}`);
  assert.match(res.stdout, /targets \(goals, not tests\):/);

  const data = JSON.parse(readFileSync(join(out, 'benchmarks.json'), 'utf8'));
  assert.equal(data.quick, true);
  const { readyRounds, orderRounds, orderBatch, fileRounds } = data.settings;
  for (const { id } of data.candidates) {
    const f = data.figures[id];
    // One first seal per fresh context, and at least one untimed seal before the rounds.
    assert.equal(f.first_order_ms.n, readyRounds, `${id}: first seals`);
    assert.ok(f.order_warm_seals >= 1, `${id}: warm-up seals`);
    assert.equal(f.order_ms.n, orderRounds * orderBatch, `${id}: 2 KB seals`);
    assert.equal(f.order_round_medians_ms.length, orderRounds, `${id}: 2 KB rounds`);
    assert.equal(f.file_ms.n, fileRounds, `${id}: 1 MiB seals`);
    // The empty control can take less than the timer's step.
    if (id !== 'control') {
      assert.ok(f.order_ms.median > 0 && f.first_order_ms.median > 0 && f.file_mib_per_s > 0, `${id}: times`);
    }
    assert.match(f.verified, id === 'control' ? /^n\/a/ : /^opened /, `${id}: its ciphertexts were opened`);
    assert.ok(data.sizes[id].total.gzip > 0, `${id}: size`);
  }
  assert.deepEqual(
    data.targets.map((t) => [t.id, typeof t.pass]),
    [
      ['seal_2kb', 'boolean'],
      ['seal_2kb_ahead', 'boolean'],
      ['seal_1mib', 'boolean'],
      ['size', 'boolean'],
      ['ready', 'boolean'],
      ['native_open', 'boolean'],
    ],
  );
  // The native figures: criterion's estimates and the CLI's batch, parsed.
  assert.ok(!data.native.error, `cargo bench: ${data.native.error}`);
  for (const figure of ['seal_order_2kb', 'open_order_2kb', 'seal_file_1mib', 'open_file_1mib']) {
    assert.ok(data.native.results[figure]?.per_second > 0, `native ${figure}`);
  }
  assert.ok(!data.cli.error, `bench-cli.sh: ${data.cli.error}`);
  assert.equal(data.cli.count, data.settings.cliCount);
  assert.ok(data.cli.per_second > 0 && data.cli.max_rss_mib > 0, 'the CLI batch figures');
  // The size goal does not depend on the machine: it holds in any run.
  assert.equal(data.targets.find((t) => t.id === 'size').pass, true, 'the bundle is over 40 KiB');
  assert.ok(!data.levers.error, `levers: ${data.levers.error}`);
  assert.equal(data.levers.variants.length, 3);

  const md = readFileSync(join(out, 'BENCHMARKS.md'), 'utf8');
  assert.match(md, /Quick run \(`--quick`\): too few rounds to quote/);
  assert.match(md, /Each candidate first seals for 100 ms, untimed \(orderseal \d[\d,]* seals/);
  assert.match(md, /- A fresh page's first 2 KB seal: orderseal \d+\.\d\d ms/);
  assert.ok(existsSync(join(out, 'benchmarks.svg')));
  assert.ok(readFileSync(join(root, 'docs', 'benchmarks.json')).equals(docs), 'a quick run rewrote docs/');
});
