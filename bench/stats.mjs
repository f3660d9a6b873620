// The statistics of a bench run (bench/run.mjs), apart from the harness so
// that tests/node/bench.test.mjs can hold them to their definitions.

const sorted = (xs) => [...xs].sort((a, b) => a - b);

/** Nearest-rank quantile (p in 0..1) of a sorted array. */
const quantile = (s, p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];

/** { n, median, p10, p90, min, max } of `xs` (NaN and undefined when empty). */
export function summary(xs) {
  const s = sorted(xs);
  return {
    n: s.length,
    median: s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2,
    p10: quantile(s, 0.1),
    p90: quantile(s, 0.9),
    min: s[0],
    max: s[s.length - 1],
  };
}

/** Round r visits the candidates starting at a different one each time. */
export const rotate = (xs, r) => xs.map((_, i) => xs[(i + r) % xs.length]);

/**
 * `ours` against `theirs`, round by round: the median over rounds of the
 * ratio of the two rounds' figures, which cancels the machine's speed
 * changing between rounds. Every candidate runs in every round, so the
 * rounds pair one to one; a mismatch is a bug in the harness, and throws.
 */
export function pairedRatio(ours, theirs, what = 'theirs') {
  if (theirs.length !== ours.length) {
    throw new Error(`${what}: ${theirs.length} rounds against ${ours.length}: the rounds do not pair`);
  }
  return summary(ours.map((x, i) => x / theirs[i])).median;
}
