export function accessLogLine(format: 'text' | 'json', worker: number, method: string, path: string, status: number, rtUs: number): string {
  const ms = rtUs / 1000;
  if (format === 'json') return JSON.stringify({ at: new Date().toISOString(), worker, pid: process.pid, method, path, status, ms: Number(ms.toFixed(3)) });
  return `${new Date().toISOString()} worker ${worker} (pid ${process.pid}) ${method} ${path.slice(0, 200)} ${status} ${ms.toFixed(2)} ms`;
}
