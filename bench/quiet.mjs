// Waiting, before a timed step, until the machine's cores are quiet.
//
// Opening a fresh browser context (Playwright's `newContext()`, a page, its
// renderer process) keeps Chromium busy for about half a second after the
// page has loaded: on these 2 cores, busy 95 % of the time. Measured at
// once, a time to ready is mostly that contention, and more so for a
// candidate that does more work on more threads (orderseal's wasm is
// validated on V8's worker threads): in a probe of 20 fresh contexts each
// (2026-12-06), orderseal's time to ready above the empty control's was
// 11.7 ms measured at once and 7.1 ms after waiting for quiet, the
// control's own 9.5 and 4.9; waiting a second *before* opening the context
// changed nothing (12.9). A customer's browser does not create a profile
// per page, so the harness's churn is not what the figure is about.

import { readFileSync } from 'node:fs';

/** Quiet: the cores busy less than `busy` of the last `windowMs`; never longer than `maxMs`. */
export const QUIET = { busy: 0.25, windowMs: 100, stepMs: 20, maxMs: 2000 };

/** All cores' CPU time counters (Linux `/proc/stat`): { busy, total } in ticks, or null. */
function cpuTicks() {
  let line;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  } catch {
    return null;
  }
  // cpu  user nice system idle iowait irq softirq steal …
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** The share of the time between two `cpuTicks()` the cores were busy. */
const busyShare = (a, b) => (b.busy - a.busy) / Math.max(1, b.total - a.total);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once the cores were busy less than `QUIET.busy` of the last
 * `QUIET.windowMs`, or after `QUIET.maxMs`, to { ms: how long it waited,
 * quiet: whether it got there }. Without `/proc/stat` it waits `maxMs / 2`
 * and `quiet` is null.
 */
export async function untilQuiet({ busy, windowMs, stepMs, maxMs } = QUIET) {
  const start = Date.now();
  const first = cpuTicks();
  if (!first) {
    await sleep(maxMs / 2);
    return { ms: Date.now() - start, quiet: null };
  }
  const samples = [first];
  const span = Math.round(windowMs / stepMs);
  for (;;) {
    await sleep(stepMs);
    samples.push(cpuTicks());
    if (samples.length > span + 1) samples.shift();
    if (samples.length === span + 1 && busyShare(samples[0], samples[span]) < busy) {
      return { ms: Date.now() - start, quiet: true };
    }
    if (Date.now() - start >= maxMs) return { ms: Date.now() - start, quiet: false };
  }
}
