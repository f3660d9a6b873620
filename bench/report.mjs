// The report of a bench run (bench/run.mjs): the targets, and
// docs/BENCHMARKS.md, docs/benchmarks.json, docs/benchmarks.svg.
import { PHASES, READY_PHASES } from './phases.mjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { file1mib, order2kb, orderDocument, paddedLen } from './workload.mjs';

const KiB = 1024;
/** The peers the 2 KB goal names orderseal ahead of. */
const PEERS = ['hpke-core', 'libsodium'];

// A time as the goals compare it, in tenths of a microsecond. The page's
// timer steps by 5 µs, and a difference of two of its readings carries
// float noise (0.21999999970 against 0.22000000018 ms): compared as they
// are, two equal medians would be "ahead" or "behind" by that noise.
const tenthsOfUs = (ms) => Math.round(ms * 1e4);
// A throughput as the 1 MiB goal compares it, in hundredths of a MiB/s: it
// is 1 MiB over a median time of the same timer (a step of 5 µs is about
// 0.3 MiB/s at 4 ms), so the float noise of that time is far below this.
const hundredthsOfMiBs = (mibPerS) => Math.round(mibPerS * 100);

/** The issue's goals, each { name, goal, actual, pass } (pass null: not measured). */
export function evaluateTargets(data) {
  const f = data.figures.orderseal;
  const floor = data.figures.webcrypto;
  const size = data.sizes.orderseal;
  const open = data.native?.results?.open_order_2kb;
  // The floor's figure of the same run beside the browser's seal figures:
  // on shared cores every WebCrypto candidate slows down together, and a
  // miss reads differently when the bare WebCrypto calls took half as long
  // again as usual.
  const withFloor = (figure, more = '') => (floor ? `${figure(f)} (the floor: ${figure(floor)}${more})` : figure(f));
  const order = (c) => `${c.order_ms.median.toFixed(3)} ms`;
  // How many rounds found the cores in their fast state: these shared
  // cores switch between a fast and a slow one from one second to the
  // next, and a median over all seals lands in the one that held most
  // rounds (docs/PERFORMANCE.md). A round of the floor within 1.2 times
  // its fastest round counts as fast.
  const rounds = floor?.order_round_medians_ms ?? [];
  const fastest = Math.min(...rounds);
  const fastRounds = rounds.filter((m) => m <= 1.2 * fastest).length;
  const state = rounds.length ? `; the floor fast in ${fastRounds} of ${rounds.length} rounds` : '';
  const file = (c) => `${c.file_mib_per_s.toFixed(1)} MiB/s`;
  return [
    {
      id: 'seal_2kb',
      name: '2 KB order, seal median (browser)',
      goal: '≤ 0.25 ms',
      actual: withFloor(order, state),
      pass: tenthsOfUs(f.order_ms.median) <= tenthsOfUs(0.25),
    },
    {
      id: 'seal_2kb_ahead',
      name: '2 KB order, seal median ahead of @hpke/core and libsodium (browser)',
      goal: 'faster than both',
      actual: PEERS.map((id) => {
        const peer = data.figures[id];
        const label = data.candidates.find((c) => c.id === id)?.label ?? id;
        if (!peer) return `${label} not measured`;
        const paired = peer.orderseal_order_ratio_paired;
        const ratio = Number.isFinite(paired) ? `; round by round ${paired.toFixed(2)}×` : '';
        return `${label} ${order(peer)} (${(f.order_ms.median / peer.order_ms.median).toFixed(2)}×${ratio})`;
      }).join(', '),
      pass: PEERS.every((id) => data.figures[id])
        ? PEERS.every((id) => tenthsOfUs(f.order_ms.median) < tenthsOfUs(data.figures[id].order_ms.median))
        : null,
    },
    {
      id: 'seal_1mib',
      name: '1 MiB file, seal throughput (browser)',
      goal: '≥ 250 MiB/s',
      actual: withFloor(file),
      pass: hundredthsOfMiBs(f.file_mib_per_s) >= hundredthsOfMiBs(250),
    },
    {
      id: 'size',
      name: '.wasm + JS (glue and API layer, bundled), gzip -9',
      goal: '≤ 40 KiB',
      actual: size.wasm.gzip
        ? `${(size.total.gzip / KiB).toFixed(1)} KiB (.wasm ${(size.wasm.gzip / KiB).toFixed(1)} + JS ${(size.js.gzip / KiB).toFixed(1)})`
        : `${(size.total.gzip / KiB).toFixed(1)} KiB (JS, the .wasm inlined)`,
      pass: size.total.gzip <= 40 * KiB,
    },
    {
      id: 'ready',
      name: 'time to ready above the control (browser)',
      goal: '≤ 10 ms',
      actual: `${f.ready_over_control_ms.toFixed(1)} ms`,
      pass: tenthsOfUs(f.ready_over_control_ms) <= tenthsOfUs(10),
    },
    {
      id: 'native_open',
      name: 'native open of a 2 KB order, one core',
      goal: '≥ 10,000/s',
      actual: open ? `${Math.round(open.per_second).toLocaleString('en-US')}/s` : 'not measured',
      pass: open ? open.per_second >= 10000 : null,
    },
  ];
}

// --- formatting -----------------------------------------------------------------
const kib = (n) => `${(n / KiB).toFixed(1)} KiB`;
const ms = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '—');
const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const row = (cells) => `| ${cells.join(' | ')} |`;
const us = (n) => (n >= 1000 ? `${(n / 1000).toFixed(2)} ms` : `${n.toFixed(1)} µs`);
const times = (a, b, d = 1) => (Number.isFinite(a / b) ? `${(a / b).toFixed(d)}×` : '?');

/** The untimed sealing before the 2 KB rounds: a sentence and a space. */
function warmText(data) {
  const ms = data.settings.orderWarmMs;
  const seals = (id) => int(data.figures[id]?.order_warm_seals);
  return `Each candidate first seals for ${int(ms)} ms, untimed (orderseal ${seals('orderseal')} seals, libsodium ${seals('libsodium')}, @hpke/core ${seals('hpke-core')}): V8 optimises a function after many calls, and orderseal's seals kept getting faster over their first thousand or so (docs/PERFORMANCE.md), @hpke/core's a little, libsodium's and the floor's not after the first few; the rounds measure what is left. Then `;
}

/** What orderseal's bundle loads only where WebCrypto cannot seal. */
function onDemand(data) {
  const files = Object.entries(data.sizes.orderseal.onDemand ?? {});
  if (!files.length) return 'nothing';
  return files.map(([f, z]) => `\`${f}\` (${kib(z.gzip)} gzip)`).join(' and ') + ', the full build';
}

/** Whether the sealing rounds ran with the cores kept awake (bench/awake.mjs): a sentence after a space, or ''. */
function awakeText(data) {
  // Runs from before bench/awake.mjs did not record it.
  if (data.awake === undefined) return '';
  if (!data.awake) {
    return ' These rounds ran without spinners (`--no-awake`): batches may run in the slow state, which keeping the cores from idling mostly removes.';
  }
  const { cores, how, pinned } = data.awake;
  return ` During these rounds and the 1 MiB ones, ${cores} spinners (${how}${pinned ? ', one pinned to each core' : ''}; \`bench/awake.mjs\`) kept the cores from going idle, as benchmark tuning keeps cores out of their idle states: they only take time no other task wants, and with them the slow batches of a calm machine mostly went away for every candidate (docs/PERFORMANCE.md). A machine that is slow as a whole stays slow.`;
}

/** How the fresh contexts waited for quiet cores before being timed (bench/quiet.mjs). */
function settleText(data) {
  const w = data.settle;
  if (!w) {
    return 'Each was timed as soon as its page had loaded (`--no-settle`), while Chromium was still busy opening the context.';
  }
  const how =
    w.unknown > 0
      ? `a fixed ${int(w.maxMs / 2)} ms (no \`/proc/stat\` here)`
      : `${int(w.waited_ms.median)} ms (median; at most ${int(w.waited_ms.max)}), ${w.cut_off} of ${w.waited_ms.n} cut off at ${int(w.maxMs)} ms before the cores were quiet`;
  return `Each was timed once its page had loaded and the cores were quiet again (\`bench/quiet.mjs\`: busy less than ${Math.round(w.busy * 100)} % of the last ${w.windowMs} ms), because opening a fresh context keeps Chromium busy for about half a second, which is the harness's own work and not what a customer's page waits for; the wait took ${how}. The same wait comes before the sealing rounds and each step-by-step probe.`;
}

/** Ratios computed from this run's figures (no judgement: arithmetic). */
function glance(data) {
  const f = data.figures;
  const s = data.sizes;
  const o = f.orderseal;
  const out = [
    `- 2 KB order: orderseal's median seal takes ${times(o.order_ms.median, f['hpke-core'].order_ms.median)} @hpke/core's (same suite on WebCrypto) and ${times(o.order_ms.median, f.webcrypto.order_ms.median)} the bare-WebCrypto floor's.`,
    `- A fresh page's first 2 KB seal: orderseal ${ms(o.first_order_ms.median, 2)} ms, @hpke/core ${ms(f['hpke-core'].first_order_ms.median, 2)}, libsodium ${ms(f.libsodium.first_order_ms.median, 2)}, the floor ${ms(f.webcrypto.first_order_ms.median, 2)} (medians; ${times(o.first_order_ms.median, o.order_ms.median)} orderseal's median seal in the rounds).`,
    `- 1 MiB file: @hpke/core seals ${times(f['hpke-core'].file_mib_per_s, o.file_mib_per_s)} and the floor ${times(f.webcrypto.file_mib_per_s, o.file_mib_per_s)} as many MiB/s as orderseal (which seals the file's bytes after its JSON document, format version 2, and base64url-encodes the sealed result into the envelope: ${int(o.output_bytes?.file)} bytes of output for 1 MiB).`,
    `- Download: orderseal is ${times(s.orderseal.total.gzip, s['hpke-core'].total.gzip)} @hpke/core's gzip size; ${
      s.orderseal.wasm.gzip > 0
        ? `its .wasm is ${((100 * s.orderseal.wasm.gzip) / s.orderseal.total.gzip).toFixed(0)} % of it.`
        : 'its .wasm comes inlined in its JavaScript (one file).'
    }`,
  ];
  const n = data.native?.results;
  if (n?.seal_order_2kb) {
    out.push(
      `- Wasm in Chromium against the same Rust natively (one core): the 2 KB seal takes ${times(o.order_ms.median * 1000, n.seal_order_2kb.median_us)} the native time; the 1 MiB seal ${times(n.seal_file_1mib?.per_second, o.file_mib_per_s)}.`,
    );
  }
  const L = data.levers;
  if (L && !L.error) {
    for (const v of L.variants) {
      const fv = f[v.id];
      if (!fv) continue;
      out.push(
        `- ${v.label}: .wasm ${v.gzip >= L.release.gzip ? '+' : '−'}${kib(Math.abs(v.gzip - L.release.gzip))} gzip against the release; 2 KB seal median ${times(fv.order_ms.median, o.order_ms.median, 2)} the release's; 1 MiB throughput ${times(fv.file_mib_per_s, o.file_mib_per_s, 2)} the release's; time to ready ${times(fv.ready_ms.median, o.ready_ms.median, 2)} the release's.`,
      );
    }
  }
  return out.join('\n');
}

const WHAT = {
  orderseal: 'HPKE P-256/HKDF-SHA256/AES-128-GCM: the seal build of the Rust core in wasm (checks, padding, RFC 9180 key schedule, envelope) with WebCrypto doing the ECDH and AES-GCM; output: the padded, base64url JSON envelope',
  'hpke-core': 'HPKE, same suite, on WebCrypto; output: enc ‖ ct (binary)',
  libsodium: 'crypto_box_seal (X25519, XSalsa20-Poly1305), wasm inlined in the JS; binary',
  openpgp: 'encrypt to an ECC NIST P-256 key, defaults (SEIPD v1, AES-256); binary message',
  eciesjs: 'ECIES defaults (secp256k1, HKDF-SHA256, AES-256-GCM) in JS (@noble); binary',
  webcrypto: 'ECDH P-256 + HKDF-SHA256 + AES-128-GCM, bare WebCrypto calls (not HPKE); binary',
  control: 'an empty module: the harness alone',
};

function browserTable(data) {
  const lines = [
    row([
      'candidate',
      'bundle, raw (JS + wasm)',
      'bundle, gzip -9',
      'time to ready, median (min)',
      'ready − control (medians)',
      'ready − control, paired (median of per-round differences)',
      '2 KB seal, p10',
      '2 KB seal, median',
      '2 KB seal, p90',
      "2 KB, a fresh page's first seal, median",
      '1 MiB seal, median',
      '1 MiB throughput',
      'output, 2 KB order',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const c of data.candidates) {
    const s = data.sizes[c.id];
    const f = data.figures[c.id];
    const isControl = c.id === 'control';
    const raw = s.wasm.raw ? `${kib(s.total.raw)} (${kib(s.js.raw)} + ${kib(s.wasm.raw)})` : kib(s.total.raw);
    const gz = s.wasm.gzip ? `${kib(s.total.gzip)} (${kib(s.js.gzip)} + ${kib(s.wasm.gzip)})` : kib(s.total.gzip);
    const name = c.id === 'orderseal' ? '**orderseal**' : c.label;
    lines.push(
      row([
        name,
        raw,
        gz,
        `${ms(f.ready_ms.median, 1)} ms (min ${ms(f.ready_ms.min, 1)})`,
        isControl ? '(0)' : `${ms(f.ready_over_control_ms, 1)} ms`,
        isControl ? '(0)' : `${ms(f.ready_over_control_paired_ms, 1)} ms`,
        `${ms(f.order_ms.p10, 3)} ms`,
        `${ms(f.order_ms.median, 3)} ms`,
        `${ms(f.order_ms.p90, 3)} ms`,
        `${ms(f.first_order_ms.median, 3)} ms`,
        isControl ? '—' : `${ms(f.file_ms.median, 1)} ms`,
        isControl ? '—' : `${ms(f.file_mib_per_s, 1)} MiB/s`,
        f.output_bytes ? `${int(f.output_bytes.order)} B` : '—',
      ]),
    );
  }
  return lines.join('\n');
}

function leversSection(data) {
  const L = data.levers;
  const out = ['## Levers (measured, not applied)', ''];
  if (!L || L.error) {
    out.push(`Not measured: ${L?.error ?? 'no data'}.`, '');
    return out.join('\n');
  }
  out.push(
    'The same seal build (`target/seal/wasm32-unknown-unknown/wasm-release/orderseal.wasm`,',
    'what `scripts/build.sh` feeds wasm-opt) optimised with other wasm-opt flags,',
    "build.sh's feature and strip flags unchanged, bundled with the same JS and",
    'measured in the same browser rounds as the table above. Nothing in',
    'build.sh or the crate was changed.',
    '',
    ...L.notes.map((n) => `- ${n}`),
    '',
    row(['variant', '.wasm raw', '.wasm gzip -9', 'wasm-opt time', 'time to ready, median', '2 KB seal, median', '2 KB seal, p90', '1 MiB throughput']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  );
  const lever = (v) => {
    const f = data.figures[v.id];
    return row([
      v.label,
      kib(v.raw),
      kib(v.gzip),
      `${ms(v.optSeconds, 1)} s`,
      f ? `${ms(f.ready_ms.median, 1)} ms` : '—',
      f ? `${ms(f.order_ms.median, 3)} ms` : '—',
      f ? `${ms(f.order_ms.p90, 3)} ms` : '—',
      f ? `${ms(f.file_mib_per_s, 1)} MiB/s` : '—',
    ]);
  };
  out.push(lever(L.release), ...L.variants.map(lever), '');
  const t = L.twiggy;
  if (!t || t.error) {
    out.push(`twiggy: ${t?.error ?? 'not run'}.`, '');
    return out.join('\n');
  }
  out.push(
    `### twiggy top (${t.version}) of the release seal .wasm`,
    '',
    'Shallow sizes of the release build (wasm-opt run again with `-g` to keep',
    'the function names; the items have the same sizes as in the release,',
    `the name section is left out; ${kib(t.total)} in all). A function's size`,
    'includes whatever was inlined into it.',
    '',
    row(['bytes', '%', 'item']),
    row(['---:', '---:', '---']),
    ...t.top.map((i) => row([int(i.bytes), `${((100 * i.bytes) / t.total).toFixed(1)} %`, `\`${i.name.replace(/\|/g, '\\|')}\``])),
    '',
    'By crate (first path segment of each item, the trait\'s crate for',
    '`<T as Trait>`; rough):',
    '',
    row(['crate', 'bytes', '%']),
    row(['---', '---:', '---:']),
    ...t.crates.slice(0, 20).map((c) => row([c.crate, int(c.bytes), `${((100 * c.bytes) / t.total).toFixed(1)} %`])),
    '',
  );
  return out.join('\n');
}

/** Where orderseal's time to ready goes (bench/phases.mjs). */
function phasesSection(data) {
  const P = data.phases;
  if (!P?.lazy) return '';
  const modes = [
    ['lazy', "V8's default: each wasm function compiled on its first call"],
    ['eager', 'every function compiled up front (`--no-wasm-lazy-compilation`)'],
  ].filter(([m]) => P[m]);
  const med = (m, id) => P[m][id]?.median;
  const total = (m) => READY_PHASES.reduce((n, id) => n + (med(m, id) ?? 0), 0);
  const out = [
    "### Where orderseal's time to ready goes",
    '',
    'The steps of `init()` and the first `new Sealer`, one at a time',
    '(`bench/phases.mjs`: the seal build\'s glue called directly, on the',
    '.wasm inlined in `web/orderseal_seal_inline.js`, as `init()` reads it),',
    `medians of ${data.settings.phaseRounds} fresh contexts in each mode${data.settle ? ', each timed once the cores were quiet' : ''}:`,
    '',
    row(['step', ...modes.map(([, what]) => what)]),
    row(['---', ...modes.map(() => '---:')]),
    ...PHASES.map(([id, what]) => row([what, ...modes.map(([m]) => `${ms(med(m, id), 2)} ms`)])),
    row(['**sum** of the steps of time to ready (all but the second `new Sealer` and the self-test)', ...modes.map(([m]) => `**${ms(total(m), 2)} ms**`)]),
    '',
    'There is no request for the .wasm: it comes inlined in the bundle, so',
    'the import above the control includes its download and the parsing of',
    'its base64 text. The first `new Sealer` takes longer than the',
    'second mostly because of first use: V8 compiles each wasm function',
    '(and wrapper for a JavaScript import) the first time it is called;',
    'compare the eager column, which moves that compilation into',
    '`WebAssembly.compile`. The self-test is timed after `init()` has',
    'resolved, as the package runs it (in a task of its own; the first',
    'seal waits for it), so most of what it calls is compiled by then.',
    '',
  ];
  return out.join('\n');
}

function nativeSection(data) {
  const out = ['## Native', ''];
  const n = data.native;
  if (!n) {
    out.push('Not run (`--no-native`).', '');
    return out.join('\n');
  }
  if (n.error) out.push(`criterion: ${n.error}`, '');
  else {
    const r = n.results;
    out.push(
      `\`${n.command}\` (benches/seal_open.rs, one thread, the same 2 KB order and`,
      '1 MiB file as the browser workload; criterion median and its 95 % interval).',
      'Seal is the reference path (the `hpke` crate on RustCrypto p256 and',
      'aes-gcm); open is the native Opener (AWS-LC\'s P-256 ECDH and AES-GCM',
      'around the RFC 9180 key schedule of src/schedule.rs; tests/native_open.rs',
      'checks it against the hpke reference):',
      '',
      row(['operation', 'median', '95 % interval', 'per second (one core)']),
      row(['---', '---:', '---:', '---:']),
    );
    const line = (key, label, unit) => {
      const x = r[key];
      if (!x) return;
      out.push(
        row([
          label,
          us(x.median_us),
          `${us(x.ci_us[0])} – ${us(x.ci_us[1])}`,
          unit === 'mib' ? `${ms(x.per_second, 1)} MiB/s` : `${int(x.per_second)}/s`,
        ]),
      );
    };
    line('seal_order_2kb', 'seal, 2 KB order');
    line('open_order_2kb', 'open, 2 KB order');
    line('seal_file_1mib', 'seal, 1 MiB file', 'mib');
    line('open_file_1mib', 'open, 1 MiB file', 'mib');
    out.push('');
  }
  const c = data.cli;
  if (c?.error) out.push(`CLI batch: ${c.error}`, '');
  else if (c) {
    out.push(
      `\`${c.command}\`: \`orderseal decrypt --format jsonl\` of a batch of`,
      `${int(c.count)} envelopes (${c.batch_size}; the small orders of \`cli/examples/gen_batch.rs\`,`,
      `padded to 1 KiB) on ${c.cores} cores:`,
      '',
      row(['wall time', 'CPU', 'envelopes/s', 'per CPU-second', 'max RSS']),
      row(['---:', '---:', '---:', '---:', '---:']),
      row([`${c.wall_s} s`, `${c.cpu_percent} %`, int(c.per_second), int(c.per_cpu_second), `${c.max_rss_mib} MiB`]),
      '',
      'CPU well under 200 % means other processes took the rest: then the',
      'per-CPU-second figure is the better guide.',
      '',
    );
  }
  return out.join('\n');
}

/** docs/BENCHMARKS.md */
function markdown(data) {
  const m = data.machine;
  const v = data.versions;
  const during = data.load.during_1min;
  const targets = [
    row(['target', 'goal', 'measured', '']),
    row(['---', '---', '---', '---']),
    ...data.targets.map((t) => row([t.name, t.goal, t.actual, t.pass === null ? 'n/a' : t.pass ? 'pass' : '**miss**'])),
  ].join('\n');
  const docBytes = Buffer.byteLength(orderDocument(order2kb()));
  const file = file1mib();
  // docs/FORMAT.md §4.1, version 2: u32be(len(doc)) || doc || the file's bytes.
  const fileDocBytes =
    4 +
    Buffer.byteLength(orderDocument({ purchase_order: { name: file.name, type: file.type, size: file.data.length } })) +
    file.data.length;
  const verified = data.candidates
    .filter((c) => c.id !== 'control')
    .map((c) => `${c.label}: ${data.figures[c.id].verified}`)
    .join('; ');
  return `# Benchmarks

Written by \`npm run bench\` (\`bench/run.mjs\`) on ${data.date.slice(0, 10)}
(${data.date}, commit ${data.commit}${data.dirty ? ' with uncommitted changes' : ''}, ${data.duration_s} s).
Do not edit by hand: run it again.${data.quick ? '\n\n**Quick run (`--quick`): too few rounds to quote.**' : ''}

**Machine:** ${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB, ${m.kernel}. The cores
are shared with other developers' builds and tests: load average (1, 5,
15 min) **${data.load.start.join(' / ')}** at the start, **${data.load.end.join(' / ')}** at the
end${during ? ` (1-min load during the run: median ${during.median.toFixed(2)}, max ${during.max.toFixed(2)})` : ''}${
    data.awake
      ? `; that counts the sealing rounds' ${data.awake.cores} idle-priority spinners, which add about ${data.awake.cores} to it while they run but take only time no other task wants`
      : ''
  }. With
a load near or above the core count every figure here is pessimistic and
noisy; compare candidates within one run, not runs with each other.

## Targets

Goals from the issue "Benchmarks and speed", for orderseal. They are not
tests: a miss is reported, not a failure.

${targets}

At a glance (ratios from the figures below):

${glance(data)}

## In the browser

Headless Chromium ${v.chromium} (Debian), one session; pages served from
127.0.0.1 with COOP/COEP (\`crossOriginIsolated\`: ${data.page?.crossOriginIsolated}; smallest
\`performance.now()\` step seen: ${data.page ? ms(data.page.timerStep * 1000, 1) : '?'} µs).

${browserTable(data)}

![Side by side: download size, time to ready, 2 KB seal, 1 MiB throughput](benchmarks.svg)

${phasesSection(data)}
What each candidate does (\`bench/candidates/*.js\`; each bundled alone by
esbuild ${v.esbuild}, minified ESM, orderseal with its .wasm files and
code splitting):

${data.candidates.map((c) => `- **${c.label}**: ${WHAT[c.id]}.`).join('\n')}

How it is measured:

- **Bundle**: every file the page downloads for the candidate, raw and
  \`gzip -9\` (each file on its own). orderseal's JS is the seal build's
  glue (\`js/seal.js\`) and the API layer (\`init\`, \`Sealer\`, errors, the
  WebCrypto known-answer test; \`attach()\` is tree-shaken away), its .wasm
  the seal build. Not counted, because a page with WebCrypto never loads
  them: ${onDemand(data)}.
- **Time to ready**: \`import()\` of the bundle + init (orderseal: gunzip
  and compile of its inlined .wasm, whose self-tests run in a task of their
  own once \`init()\` has resolved, before the first seal, which is not
  part of it; libsodium: its inlined wasm) + key
  import (JWK, base64, armored key or hex), timed in the page, each in a
  fresh browser context (nothing cached), ${data.settings.readyRounds} per candidate after a
  warm-up round; rounds alternate the candidates, each round in another
  order. ${settleText(data)} "ready − control" subtracts the empty module's median (the
  target's figure); "paired" is the median over rounds of each round's
  difference to the control's figure of that round, which cancels the
  machine's load changing between rounds.
- **A fresh page's first seal**: in each of those fresh contexts, once the
  cores are quiet again after ready (the page idle, as when a customer
  submits an order page a while after it loaded), one 2 KB seal, timed:
  what one customer's one order costs, each function it calls run once
  (orderseal: in its self-test) or never before, the JIT's work still to
  come.
- **2 KB order**: the order of \`benches/seal_open.rs\` (\`order_2kb\`, 14
  fields; ${int(docBytes)} bytes as orderseal's JSON document). orderseal seals the fields object with
  \`sealer.seal(fields, { formId })\`; the others encrypt
  \`JSON.stringify({ fields })\` as UTF-8. Every seal timed alone;
  ${warmText(data)}${data.settings.orderRounds} rounds of ${data.settings.orderBatch} seals per candidate (${data.settings.orderRounds * data.settings.orderBatch} seals) after a warm-up round,
  rounds alternating the candidates, one page per candidate. "Round by
  round" (the goal of being ahead of @hpke/core and libsodium) is the
  median over rounds of orderseal's median seal in a round over the
  peer's in the same round: the machine's speed changing between rounds
  cancels out of it, as it does not out of the medians over all seals.
  The goals compare the medians over all seals, to a tenth of a
  microsecond (the timer steps by 5 µs): equal medians are a tie, and a
  tie is not ahead.
  "The floor fast in N of M rounds" counts the floor's rounds within 1.2
  times its fastest: these shared cores switch between a fast and a slow
  state from one second to the next, and a median over all seals lands in
  the state that held most of a candidate's rounds (docs/PERFORMANCE.md);
  the p10 column is closer to the fast state's figure.${awakeText(data)}
- **1 MiB file**: \`file_1mib\` of \`benches/seal_open.rs\` (1 MiB of
  pseudo-random bytes). orderseal seals it as a file field (\`{ name,
  type, data }\`; format version 2: its bytes after the JSON document,
  padded and sealed, the ciphertext base64url in the envelope); the others
  encrypt the bytes. ${data.settings.fileRounds} seals per candidate after a warm-up round; throughput is
  1 MiB over the median time.
- **Proof of work**: each candidate's last order and last file were
  decrypted in Node and compared with the input: ${verified}.
- orderseal does more than the others for the same input: it checks every
  field, writes the JSON document, pads it (the order's ${int(docBytes)} bytes become
  ${int(paddedLen(docBytes))}; the file's plaintext of ${int(fileDocBytes)} bytes, document and bytes,
  becomes ${int(paddedLen(fileDocBytes))}), and returns a base64url JSON envelope ready to POST
  (${int(data.figures.orderseal.output_bytes?.order)} bytes for the order, ${int(data.figures.orderseal.output_bytes?.file)} for the file); the others
  encrypt the bytes they are given and return raw binary. Of the others only @hpke/core runs the same
  cryptography; the WebCrypto baseline is the floor (the same primitives
  without HPKE's key schedule).

${nativeSection(data)}
${leversSection(data)}
## Versions

| component | version |
| --- | --- |
${Object.entries(v)
  .map(([k, x]) => `| ${k} | ${x ?? '?'} |`)
  .join('\n')}

Machine: ${m.cpu}; ${m.cores} cores (\`nproc\`); Chromium's
\`navigator.hardwareConcurrency\`: ${data.page?.hardwareConcurrency ?? '?'}.

## Running it

\`\`\`sh
npm run bench                     # build, measure, write these docs (about ${Math.max(1, Math.round(data.duration_s / 60))} min here)
node bench/run.mjs --no-build     # measure the pkg/ already built
node bench/run.mjs --quick        # a smoke test (writes target/bench-quick/; npm test runs it)
\`\`\`

Raw figures: [benchmarks.json](benchmarks.json). The harness: \`bench/\`
(\`run.mjs\` drives, \`page.js\` runs in the page, \`server.mjs\` serves,
\`keys.mjs\` makes keys and opens the ciphertexts, \`stats.mjs\`,
\`native.mjs\`, \`levers.mjs\`, \`report.mjs\`).
`;
}

/** docs/benchmarks.svg: four panels of horizontal bars, the goal as a dashed line. */
function svg(data) {
  const cands = data.candidates.filter((c) => c.id !== 'control');
  const f = data.figures;
  const panels = [
    {
      title: 'Download, gzip -9 (KiB) — lower is better',
      value: (id) => data.sizes[id].total.gzip / KiB,
      fmt: (x) => `${x.toFixed(1)}`,
      goal: 40,
    },
    {
      title: 'Time to ready above control (ms) — lower is better',
      value: (id) => f[id].ready_over_control_ms,
      fmt: (x) => `${x.toFixed(1)}`,
      goal: 10,
    },
    {
      title: '2 KB order seal, median (ms) — lower is better',
      value: (id) => f[id].order_ms.median,
      fmt: (x) => (x < 1 ? x.toFixed(3) : x.toFixed(2)),
      goal: 0.25,
    },
    {
      title: '1 MiB file seal (MiB/s) — higher is better',
      value: (id) => f[id].file_mib_per_s,
      fmt: (x) => `${x.toFixed(1)}`,
      goal: 250,
    },
  ];
  const W = 920;
  const panelW = 450;
  const labelW = 132;
  const barMax = 230;
  const rowH = 22;
  const panelH = 44 + cands.length * rowH + 18;
  const H = 40 + 2 * panelH + 36;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="10" y="24" font-size="15" font-weight="bold">orderseal and peers in Chromium ${esc(data.versions.chromium)}, ${esc(data.date.slice(0, 10))} (${esc(data.machine.cores)} shared cores, load ${esc(data.load.start[0])}→${esc(data.load.end[0])})</text>`,
  ];
  panels.forEach((p, i) => {
    const x0 = 10 + (i % 2) * (panelW + 10);
    const y0 = 40 + Math.floor(i / 2) * panelH;
    const values = cands.map((c) => p.value(c.id));
    const max = Math.max(p.goal, ...values.filter(Number.isFinite)) * 1.05;
    const scale = (x) => (barMax * x) / max;
    parts.push(`<text x="${x0}" y="${y0 + 16}" font-weight="bold">${esc(p.title)}</text>`);
    // The goal first, so that bars and values are drawn over it.
    const gx = x0 + labelW + scale(p.goal);
    const gy0 = y0 + 24;
    const gy1 = y0 + 28 + cands.length * rowH;
    parts.push(
      `<line x1="${gx.toFixed(1)}" y1="${gy0}" x2="${gx.toFixed(1)}" y2="${gy1}" stroke="#111827" stroke-dasharray="4 3"/>`,
      `<text x="${gx.toFixed(1)}" y="${gy1 + 12}" text-anchor="middle" font-size="10" fill="#111827">goal ${esc(p.goal)}</text>`,
    );
    cands.forEach((c, j) => {
      const y = y0 + 28 + j * rowH;
      const v = values[j];
      const w = Number.isFinite(v) ? Math.max(1, scale(Math.max(0, v))) : 0;
      const color = c.id === 'orderseal' ? '#c2410c' : c.id === 'webcrypto' ? '#6b7280' : '#2563eb';
      parts.push(
        `<text x="${x0 + labelW - 6}" y="${y + 14}" text-anchor="end"${c.id === 'orderseal' ? ' font-weight="bold"' : ''}>${esc(c.label)}</text>`,
        `<rect x="${x0 + labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 7}" fill="${color}"/>`,
        `<text x="${(x0 + labelW + w + 4).toFixed(1)}" y="${y + 14}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${Number.isFinite(v) ? esc(p.fmt(v)) : '—'}</text>`,
      );
    });
  });
  parts.push(
    `<text x="10" y="${H - 22}" font-size="10" fill="#4b5563">Orange: orderseal; grey: bare WebCrypto (the floor); dashed line: orderseal's goal. Medians. Time to ready has the control (an empty module) subtracted;</text>`,
    `<text x="10" y="${H - 9}" font-size="10" fill="#4b5563">a negative value means the candidate was within the noise of the control. Method, caveats and raw figures: docs/BENCHMARKS.md, docs/benchmarks.json.</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

/** The docs a run writes, by name. */
export const REPORT_FILES = ['BENCHMARKS.md', 'benchmarks.json', 'benchmarks.svg'];

/** Writes the three docs into `dir` (relative to root); returns their paths. */
export function writeReport(data, root, dir = 'docs') {
  mkdirSync(join(root, dir), { recursive: true });
  const [md, json, chart] = REPORT_FILES.map((name) => `${dir}/${name}`);
  const files = {
    [md]: markdown(data),
    [json]: `${JSON.stringify(data, null, 2)}\n`,
    [chart]: svg(data),
  };
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  return Object.keys(files);
}
