import type { LoadRun } from '../run/loadRun.js';
import type { BenchSession } from '../run/session.js';
import type { Phase, SecondSample } from '../run/types.js';
import { formatMs, formatRate } from '../report/format.js';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

function describePhase(phase: Phase): string {
  switch (phase.kind) {
    case 'closed':
      return `${phase.label} (closed loop, ${phase.durationMs / 1000} s)`;
    case 'open':
      return `${phase.label} (open loop, ${phase.durationMs / 1000} s)`;
    case 'burst':
      return phase.label;
    case 'quiet':
      return `${phase.label} (no load, ${phase.durationMs / 1000} s)`;
  }
}

/** One line for one second: what the clients saw and what the pool did. */
export function tickLine(s: SecondSample, phase: Phase | undefined): string {
  const latency = s.latency
    ? `p50 ${formatMs(s.latency.p50).padStart(7)} p99 ${formatMs(s.latency.p99).padStart(7)}`
    : `p50 ${'-'.padStart(7)} p99 ${'-'.padStart(7)}`;
  const parts = [`${String(s.t + 1).padStart(3)}s`, (phase?.label ?? '').padEnd(12).slice(0, 12), `${formatRate(s.requests).padStart(5)} req/s`, latency];
  if (s.workers) parts.push(`| run ${s.workers.running} ready ${s.workers.ready} busy ${s.workers.busy} queue ${s.queue ?? 0}`);
  if (s.spawns) parts.push(`+${s.spawns} spawn`);
  if (s.cheaps) parts.push(`-${s.cheaps} cheap`);
  if (s.errors || s.non2xx) parts.push(`${s.errors + s.non2xx} failed`);
  return parts.join(' ');
}

/**
 * The live display on stderr: on a terminal one line rewritten every second, otherwise one
 * plain line per second. Burst answers are listed one by one. Returns a function that detaches.
 */
export function attachProgress(session: BenchSession, out: ProgressStream): () => void {
  const tty = out.isTTY === true;
  let statusShown = false;
  const clearStatus = () => {
    if (statusShown) out.write('\r\x1b[K');
    statusShown = false;
  };
  const line = (text: string) => {
    clearStatus();
    out.write(text + '\n');
  };
  const status = (text: string) => {
    if (!tty) return line(text);
    const width = (out.columns ?? 120) - 1;
    out.write('\r\x1b[K' + (text.length > width ? text.slice(0, width - 1) + '…' : text));
    statusShown = true;
  };

  const followRun = (run: LoadRun) => {
    const phases = run.spec.phases;
    let current = 0;
    const isBurst = phases.some((p) => p.kind === 'burst');
    run.on('start', ({ name }) => line(`  run ${name}`));
    run.on('phase', ({ index, phase }) => {
      current = index;
      line(`    phase ${index + 1}/${phases.length}: ${describePhase(phase)}`);
    });
    let answered = 0;
    run.on('response', (r) => {
      if (isBurst && r.phase === 0)
        line(`    #${String(++answered).padStart(2)}  ${r.status}  ${formatMs(r.latencyMs).padStart(8)}  worker ${r.worker ?? '?'}`);
    });
    run.on('failure', (f) => {
      if (isBurst) line(`    failed: ${f.message}`);
    });
    run.on('tick', (s) => {
      if (!isBurst) status('    ' + tickLine(s, phases[current]));
    });
    run.on('done', (r) => {
      const failed = r.failures.length + r.responses.filter((x) => x.status < 200 || x.status >= 300).length;
      line(
        `    done: ${r.responses.length} responses, ${failed} failed, ${r.events.filter((e) => e.type === 'spawn').length} spawns in ${(r.durationMs / 1000).toFixed(1)} s${r.aborted ? ' (interrupted)' : ''}`,
      );
    });
  };

  const onScenario = ({ title }: { title: string }) => line(`\n== ${title}`);
  const onServer = ({ state, args, url }: { state: string; args: readonly string[]; url?: string }) => {
    if (state === 'starting') line(`  starting tidepool serve ${args.join(' ')}`);
    else if (state === 'ready') line(`  server ready at ${url}`);
  };
  const onNote = (text: string) => line(`  ${text}`);
  session.on('scenario', onScenario);
  session.on('server', onServer);
  session.on('note', onNote);
  session.on('run', followRun);
  return () => {
    clearStatus();
    session.off('scenario', onScenario);
    session.off('server', onServer);
    session.off('note', onNote);
    session.off('run', followRun);
  };
}
