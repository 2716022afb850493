/** The access log's line formats; the `log-format` option offers these. */
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function accessLogLine(format: LogFormat, worker: number, method: string, path: string, status: number, rtUs: number): string {
  const ms = rtUs / 1000;
  if (format === 'json') return JSON.stringify({ at: new Date().toISOString(), worker, pid: process.pid, method, path, status, ms: Number(ms.toFixed(3)) });
  return `${new Date().toISOString()} worker ${worker} (pid ${process.pid}) ${method} ${path.slice(0, 200)} ${status} ${ms.toFixed(2)} ms`;
}
