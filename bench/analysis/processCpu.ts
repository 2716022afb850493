import fs from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';

/** Kernel clock ticks per second (USER_HZ): 100 on Linux on every common architecture. */
const TICKS_PER_S = 100;

/** The resolution of every CPU time read here: one clock tick. */
export const CPU_TICK_MS = 1000 / TICKS_PER_S;

/** Fields of /proc/PID/stat after the command name: utime, stime, cutime, cstime (0-based). */
const UTIME = 11;
const CUTIME = 13;

/** The fields after the command name (which may hold spaces: they start after the last ')'); null when the process is gone. */
function statFields(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

function ticksToMs(ticks: number): number {
  return (ticks * 1000) / TICKS_PER_S;
}

/** CPU time (user + system, ms) the processes have used so far; a process that is gone counts 0. */
export function processCpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = statFields(pid);
    if (fields) ticks += Number(fields[UTIME]) + Number(fields[UTIME + 1]);
  }
  return ticksToMs(ticks);
}

/**
 * CPU time (user + system, ms) of the children of `pid` that have exited and been waited for:
 * how the bench reads what a wrk run cost, once node has reaped it.
 */
export function reapedChildrenCpuMs(pid = process.pid): number {
  const fields = statFields(pid);
  return fields ? ticksToMs(Number(fields[CUTIME]) + Number(fields[CUTIME + 1])) : 0;
}

/** What a stretch of load cost in CPU, each figure in ms over the same wall time. */
export interface CpuWindow {
  wallMs: number;
  /** This process: the bench, and its own load client when it drives the load. */
  benchMs: number;
  /** Children of the bench that exited during the window (a wrk run). */
  reapedChildrenMs: number;
  /** Every process of the server; null when its processes are not known. */
  serverMs: number | null;
}

/** Starts measuring; the returned function ends the window and says what it cost. */
export function startCpuWindow(serverPids: readonly number[] | null): () => CpuWindow {
  const wall = performance.now();
  const bench = processCpuMs([process.pid]);
  const children = reapedChildrenCpuMs();
  const server = serverPids ? processCpuMs(serverPids) : 0;
  return () => ({
    wallMs: performance.now() - wall,
    benchMs: processCpuMs([process.pid]) - bench,
    reapedChildrenMs: reapedChildrenCpuMs() - children,
    serverMs: serverPids ? processCpuMs(serverPids) - server : null,
  });
}

/** CPU over wall time as a share of the whole machine: 0.5 is one core of two. */
export function cpuShare(cpuMs: number, wallMs: number, cores = availableParallelism()): number | null {
  return wallMs > 0 ? cpuMs / wallMs / cores : null;
}
