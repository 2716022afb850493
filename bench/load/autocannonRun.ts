import { createRequire } from 'node:module';

/** What the cross-check reads of an autocannon run. */
export interface AutocannonResult {
  requests: number;
  durationS: number;
  rps: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  latencyP99Ms: number;
}

// autocannon 8 ships no types: the documented parts of its options and results the bench uses.
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
}
interface Histogram {
  total: number;
  p99: number;
}
interface Results {
  requests: Histogram;
  latency: Histogram;
  duration: number;
  non2xx: number;
  errors: number;
}
interface Instance {
  stop(): void;
}
type Autocannon = (opts: AutocannonOptions, cb: (err: Error | null, results: Results) => void) => Instance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/**
 * A closed-loop run by autocannon through its documented API only, as a third opinion in the
 * cross-check. It is right on kept-alive connections with Content-Length; behind
 * `Connection: close` and on responses ended by the close it is not, which is why the bench
 * measures with its own client (load/closedLoop.ts) and no longer patches autocannon's.
 */
export interface AutocannonRunOptions {
  url: string;
  connections: number;
  durationS: number;
  timeoutS: number;
  signal?: AbortSignal;
}

export function runAutocannon(options: AutocannonRunOptions): Promise<AutocannonResult> {
  const { url, connections, durationS: duration, timeoutS: timeout } = options;
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, duration, timeout }, (err, results) => {
      options.signal?.removeEventListener('abort', stop);
      if (err) return reject(err);
      resolve({
        requests: results.requests.total,
        durationS: results.duration,
        rps: results.duration > 0 ? results.requests.total / results.duration : 0,
        non2xx: results.non2xx,
        errors: results.errors,
        latencyP99Ms: results.latency.p99,
      });
    });
    const stop = () => instance.stop();
    options.signal?.addEventListener('abort', stop, { once: true });
  });
}
