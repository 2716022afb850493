import fs from 'node:fs';

const PAGE = 4096;

/** rss and vsz in bytes from /proc (Linux); zeros where /proc cannot tell. */
export function procMemory(pid: number): { rss: number; vsz: number } {
  try {
    const [size, resident] = fs.readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ');
    return { rss: Number(resident) * PAGE, vsz: Number(size) * PAGE };
  } catch {
    return { rss: 0, vsz: 0 };
  }
}
