import fs from 'node:fs';

/** Kernel clock ticks per second (USER_HZ): 100 on Linux on every common architecture. */
const TICKS_PER_S = 100;

/** CPU time (user + system, ms) the processes have used so far; a process that is gone counts 0. */
export function processCpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process has exited
    }
  }
  return (ticks * 1000) / TICKS_PER_S;
}
