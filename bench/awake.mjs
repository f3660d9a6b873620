// Keeps every core busy at idle priority while the sealing rounds run, as
// benchmark tuning (pyperf's `system tune`, a `performance` governor) keeps
// cores out of their idle states. On these shared virtual cores each
// candidate's batch of seals ran in a fast state or one about 1.5 times
// slower, and a median over all seals landed in whichever state held most
// of a candidate's rounds; keeping the cores from idling mostly removed
// the slow one (docs/PERFORMANCE.md, 2026-12-07 afternoon). A spinner at
// SCHED_IDLE never takes a core from a runnable task of normal priority,
// so it only fills time the cores would have spent idle. Holding
// /dev/cpu_dma_latency at 0 instead (the idle loop polls rather than
// halts) did not remove the slow batches there.
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';

// Exits on its own when its parent is gone, so that a harness killed
// mid-run cannot leave cores spinning: checks about every 10 ms.
const SPIN = `const p = process.ppid;
for (;;) {
  for (let i = 0; i < 1e7; i++);
  if (process.ppid !== p) process.exit(0);
}`;

const has = (cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * Starts one idle-priority spinner per core. Returns { info, stop() }:
 * `info` is what the report records, { how, pinned, cores } (`how`:
 * 'SCHED_IDLE' by chrt, or 'nice 19' where chrt is missing); `stop()`
 * ends them (idempotent; also run when this process exits).
 */
export function keepAwake() {
  const cores = os.availableParallelism();
  const chrt = has('chrt');
  const taskset = has('taskset');
  const children = [];
  for (let core = 0; core < cores; core++) {
    const node = [process.execPath, '-e', SPIN];
    const pinned = taskset ? ['taskset', '-c', String(core), ...node] : node;
    const argv = chrt ? ['chrt', '--idle', '0', ...pinned] : pinned;
    const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
    if (!chrt) {
      try {
        os.setPriority(child.pid, 19);
      } catch {
        // Not allowed: it still only competes at the default priority's share.
      }
    }
    children.push(child);
  }
  const stop = () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  };
  process.once('exit', stop);
  return { info: { how: chrt ? 'SCHED_IDLE' : 'nice 19', pinned: taskset, cores }, stop };
}
