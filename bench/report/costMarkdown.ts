import type { LoadAverage } from '../analysis/loadAverage.js';
import { CONNECTION_KINDS, type ConnectionKind, type ModelCell, type ScaleModel } from '../analysis/scaleModel.js';
import type { CostResult, CostRow } from '../scenarios/results.js';
import { formatMs, formatRate } from './format.js';
import type { ChartFile } from './runCharts.js';

const row = (...cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

const us = (value: number | null) => (value === null ? 'n/a' : value < 10 ? `${value.toFixed(1)} µs` : `${Math.round(value)} µs`);

/** 12,345/s: the model's rates are far apart, separators help. */
const rate = (rps: number | null) => (rps === null ? 'unbounded' : `${Math.round(rps).toLocaleString('en-US')}/s`);

const loadText = (l: LoadAverage | null) => (l === null ? 'n/a' : `${l.one.toFixed(2)} ${l.five.toFixed(2)} ${l.fifteen.toFixed(2)}`);

const LOAD_WORDS: Record<CostRow['load'], string> = {
  'one-shot': 'one-shot',
  'keep-alive': 'kept alive',
  queued: 'one-shot, queued',
};

const KIND_WORDS: Record<ConnectionKind, string> = { oneShot: 'one-shot connections', keepAlive: 'kept-alive requests' };

function measuredTable(r: CostResult): string[] {
  const lines = [
    row(
      'accept',
      'workers',
      'load',
      'connections',
      'req/s',
      'p99',
      'master CPU / request',
      'worker CPU / request',
      'resolution',
      'waiting',
      'client CPU',
      'errors',
    ),
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const x of r.rows) {
    const client = x.clientCpuShare === null ? 'n/a' : `${Math.round(x.clientCpuShare * 100)} %`;
    lines.push(
      row(
        x.accept,
        x.poolWorkers,
        LOAD_WORDS[x.load],
        x.connections,
        formatRate(x.rps),
        formatMs(x.latency?.p99),
        us(x.masterCpuUsPerRequest),
        us(x.workerCpuUsPerRequest),
        `± ${us(x.resolutionUs)}`,
        x.waitingHalfway ?? 'n/a',
        client,
        x.requests === 0 ? '**no answers**' : x.errors + x.non2xx,
      ),
    );
  }
  return lines;
}

function cellsOf(cell: ModelCell): string[] {
  return [rate(cell.workersRps), rate(cell.masterRps), `${rate(cell.servedRps)} (${cell.bound})`];
}

function modelTable(model: ScaleModel, kind: ConnectionKind): string[] {
  const modes = model.costs.map((c) => c.mode);
  const head = modes.flatMap((m) => [`${m}: workers could serve`, `${m}: master saturates at`, `${m}: predicted`]);
  const lines = [row('cores', ...head), `|---:|${head.map(() => '---:').join('|')}|`];
  for (const r of model.rows) lines.push(row(r.cores, ...r.modes.flatMap((m) => cellsOf(m[kind]))));
  return lines;
}

function bottleneckLine(model: ScaleModel, mode: string): string {
  const b = model.bottlenecks.find((x) => x.mode === mode)!;
  const c = model.costs.find((x) => x.mode === mode)!;
  const at = (cores: number | null) => (cores === null ? 'never (the master cost nothing measurable)' : `from ${cores} cores on`);
  const from = (kind: ConnectionKind) => `${KIND_WORDS[kind]} ${at(kind === 'oneShot' ? b.oneShotCores : b.keepAliveCores)}`;
  const inputs = CONNECTION_KINDS.map((k) => `${KIND_WORDS[k]}: master ${us(c[k].masterUs)}, workers ${us(c[k].workerUs)}`).join('; ');
  return `- accept=${mode}: the master is the bottleneck for ${from('oneShot')}, for ${from('keepAlive')} (from ${inputs}).`;
}

export function costSection(r: CostResult, charts: readonly ChartFile[] = []): string[] {
  const lines = ["## Cost: the master's CPU against the workers', per request", ''];
  lines.push(
    `Load: ${r.driver.detail}, closed loop. Accept modes: ${r.acceptModes.join(', ')}, each load measured on every mode in turn (their servers all run during every row). ` +
      `Load average (1, 5, 15 min) before: ${loadText(r.loadAverage.before)}, after: ${loadText(r.loadAverage.after)}.`,
    '',
    ...measuredTable(r),
    '',
    'Master CPU / request: user + system time of the master pid (/proc/PID/stat) over the row, divided by its answers; one-shot, that is per connection. ' +
      "Worker CPU / request: the same for every worker pid of the stats socket, summed. Resolution: one clock tick (10 ms) over the row's answers. " +
      "Queued: one worker, one-shot, at batch-max-size connections (what a batching worker takes at once) plus the other rows' most, so that requests wait in the master's queue. " +
      "Waiting: requests waiting for a worker halfway through the row, from one read of the stats socket (with accept=workers, the kernel's accept queue included).",
    '',
  );
  // The bench's own client keeps every response: its latency charts (wrk keeps none).
  const latencyCharts = charts.filter((c) => r.runs.some((run) => run.name === c.run) && c.file.endsWith('-latency.svg'));
  if (latencyCharts.length > 0) lines.push(...latencyCharts.map((c) => `![${c.title}](${c.file})`), '');
  const idle = r.servers.map(
    (s) =>
      `accept=${s.accept}, ${s.poolWorkers} worker${s.poolWorkers === 1 ? '' : 's'}: ${s.masterIdleCpuMsPerS === null ? 'n/a' : `${s.masterIdleCpuMsPerS.toFixed(1)} ms/s`}`,
  );
  lines.push(`Idle master (its timers, no load): ${idle.join('; ')}.`, '');
  lines.push('### Scale model: the served rate on N cores', '');
  if (r.model === null) {
    lines.push(`Not computed: ${r.modelNotes.join('; ')}.`, '');
    return lines;
  }
  const pool = `${r.modelPool} worker${r.modelPool === 1 ? '' : 's'}`;
  lines.push(`From the one-shot and kept-alive rows with ${pool} (on this machine, a core for the master and one per worker). ${r.model.assumption}`, '');
  for (const kind of CONNECTION_KINDS) lines.push(`${KIND_WORDS[kind][0]!.toUpperCase()}${KIND_WORDS[kind].slice(1)}:`, '', ...modelTable(r.model, kind), '');
  lines.push(...r.model.costs.map((c) => bottleneckLine(r.model!, c.mode)));
  for (const note of r.modelNotes) lines.push(`- Note: ${note}.`);
  lines.push('');
  return lines;
}
