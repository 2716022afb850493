/**
 * A bounded load for tests: `clients` loops, each sending one request at a time until stopped
 * (or until `maxMs`), like nginx in front of an app: a new connection per request.
 */
export interface LoadResult {
  ok: number;
  failed: string[];
  latenciesMs: number[];
}

export function runLoad(send: (i: number) => Promise<number>, clients: number, maxMs = 60000): { stop(): Promise<LoadResult>; ok(): number } {
  let stopping = false;
  const result: LoadResult = { ok: 0, failed: [], latenciesMs: [] };
  const deadline = Date.now() + maxMs;
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; !stopping && Date.now() < deadline; i++) {
      const t = Date.now();
      try {
        const status = await send(c * 100000 + i);
        if (status === 200) result.ok++;
        else result.failed.push(`status ${status}`);
      } catch (e) {
        result.failed.push((e as Error).message);
      }
      result.latenciesMs.push(Date.now() - t);
    }
  });
  return {
    /** requests answered 200 so far */
    ok: () => result.ok,
    async stop() {
      stopping = true;
      await Promise.all(loops);
      return result;
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
