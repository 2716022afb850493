/** Number formats shared by the summary and the progress display. */

/** 0.8 ms, 12.3 ms, 456 ms, 3.02 s, 24.1 s */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'n/a';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Seconds after an origin: "0.10 s", or `never` for null. */
export function formatSeconds(s: number | null | undefined, never = 'n/a'): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return never;
  return s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`;
}

export function formatRate(rps: number): string {
  return rps >= 100 ? rps.toFixed(0) : rps >= 10 ? rps.toFixed(1) : rps.toFixed(2);
}
