// Native figures: the criterion bench (benches/seal_open.rs) with a short
// measurement time, and the CLI's batch decryption (scripts/bench-cli.sh)
// with a smaller batch. Both are run as they are; their output is parsed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function run(cmd, args, opts) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  return { status: res.status, out: `${res.stdout ?? ''}${res.stderr ?? ''}` };
}

/**
 * `cargo bench --bench seal_open` (both the 2 KB order and the 1 MiB file),
 * then criterion's estimates.json. Criterion runs one thread: per-core figures.
 */
export function criterionBench(root, { measurement = 3, warmup = 1, samples = 20 } = {}) {
  const args = [
    'bench', '--bench', 'seal_open', '--',
    '--warm-up-time', String(warmup),
    '--measurement-time', String(measurement),
    '--sample-size', String(samples),
  ];
  const t0 = Date.now();
  const { status, out } = run('cargo', args, { cwd: root });
  if (status !== 0) return { error: `cargo bench exited ${status}: ${out.split('\n').slice(-5).join(' | ')}` };
  const results = {};
  for (const op of ['seal', 'open']) {
    for (const input of ['order_2kb', 'file_1mib']) {
      const path = join(root, 'target', 'criterion', 'envelope', op, input, 'new', 'estimates.json');
      if (!existsSync(path)) continue;
      const est = JSON.parse(readFileSync(path, 'utf8'));
      const ns = est.median.point_estimate;
      results[`${op}_${input}`] = {
        median_us: ns / 1000,
        ci_us: [est.median.confidence_interval.lower_bound / 1000, est.median.confidence_interval.upper_bound / 1000],
        per_second: 1e9 / ns,
        mib_per_s: input === 'file_1mib' ? (1e9 / ns) : undefined,
      };
    }
  }
  return {
    command: `cargo ${args.join(' ')}`,
    seconds: (Date.now() - t0) / 1000,
    results,
  };
}

/** `bash scripts/bench-cli.sh COUNT`, parsed. */
export function cliBench(root, count = 20000) {
  const t0 = Date.now();
  const { status, out } = run('bash', ['scripts/bench-cli.sh', String(count)], { cwd: root });
  if (status !== 0) return { error: `bench-cli.sh exited ${status}: ${out.split('\n').slice(-5).join(' | ')}` };
  const num = (re) => {
    const m = out.match(re);
    return m ? Number(m[1]) : null;
  };
  return {
    command: `bash scripts/bench-cli.sh ${count}`,
    seconds: (Date.now() - t0) / 1000,
    count,
    cores: num(/on (\d+) cores/),
    wall_s: num(/wall time\s+([\d.]+) s/),
    cpu_percent: num(/\(CPU (\d+)%\)/),
    per_second: num(/throughput\s+(\d+) envelopes\/s/),
    per_cpu_second: num(/\((\d+) envelopes per CPU-second\)/),
    max_rss_mib: num(/max RSS\s+([\d.]+) MiB/),
    batch_size: (out.match(/envelopes \(([^)]+) of JSON Lines\)/) ?? [])[1] ?? null,
    output: out.split('\n').filter((l) => /^(orderseal decrypt|  )/.test(l)).join('\n'),
  };
}
