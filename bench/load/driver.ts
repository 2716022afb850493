import fs from 'node:fs';
import path from 'node:path';

/** What drives the closed-loop load of compare and throughput. */
export const DRIVER_REQUESTS = ['auto', 'wrk', 'bench'] as const;
export type DriverRequest = (typeof DRIVER_REQUESTS)[number];

export interface Driver {
  name: 'wrk' | 'bench';
  /** For the report: which client, and why that one. */
  detail: string;
  /** The wrk executable, when name is wrk. */
  wrkPath?: string;
}

/** $WRK when set, else the first executable `wrk` on the PATH; null when there is none. */
export function findWrk(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.WRK) return env.WRK;
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, 'wrk');
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/**
 * wrk when installed (auto), because it is light: in C, one thread, it leaves the cores to the
 * server, where a Node client spends about as much CPU as the server it loads and flattens every
 * ratio. Otherwise the bench's own raw-socket client, which is lighter than autocannon.
 */
export function chooseDriver(request: DriverRequest, wrkPath: string | null): Driver {
  if (request === 'bench') return { name: 'bench', detail: "the bench's own closed-loop client (--driver bench)" };
  if (wrkPath !== null) return { name: 'wrk', detail: `wrk -t1 (${wrkPath})`, wrkPath };
  if (request === 'wrk') throw new Error('--driver wrk: wrk is not installed (apt-get install wrk, or set WRK=/path/to/wrk)');
  return { name: 'bench', detail: "the bench's own closed-loop client (wrk not found; install it for a lighter client)" };
}
