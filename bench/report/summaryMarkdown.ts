import type { GoalCheck } from '../analysis/compareGoals.js';
import type { LatencyStats } from '../analysis/percentiles.js';
import type { RowCost } from '../run/closedRow.js';
import type {
  BurstResult,
  CompareResult,
  CrossCheckResult,
  ProfileResult,
  ScaleResult,
  ScaleVariant,
  ServerInfo,
  ThroughputResult,
} from '../scenarios/results.js';
import type { WrkResult } from '../wrkCrossCheck.js';
import type { BenchReport } from './benchReport.js';
import { costSection } from './costMarkdown.js';
import { formatMs, formatRate, formatSeconds } from './format.js';
import type { ChartFile } from './runCharts.js';

/** The report's summary.md, also printed at the end of a run without --json. */
export function summaryMarkdown(report: BenchReport, charts: readonly ChartFile[]): string {
  const lines: string[] = [];
  lines.push(`# tidepool bench, ${report.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`, '');
  lines.push(
    `- Scenarios: ${report.scenarios.join(', ')}${report.quick ? ' (--quick: shortened)' : ''}; ${report.durationS.toFixed(0)} s in all${report.aborted ? '; INTERRUPTED (Ctrl-C)' : ''}`,
  );
  lines.push(`- Machine: ${report.machine.cores} cores, Node ${report.machine.node}, ${report.machine.platform}`);
  lines.push(
    report.url
      ? `- Server: ${report.url} (already running; the bench changed nothing in it)`
      : '- Servers: started by the bench for each scenario (`tidepool serve` on 127.0.0.1, a port from the OS, a private stats socket, no access log)',
  );
  lines.push(
    "- Load: the bench's own HTTP client on raw sockets; the closed-loop rows of throughput, compare and cost say what drove them (wrk when installed)",
  );
  lines.push("- Raw data: `timeline.json` (every response, stats sample and pool event of the bench's own client, per run)", '');
  const chartsOf = (runName: string) => charts.filter((c) => c.run === runName);
  for (const result of report.results) {
    switch (result.kind) {
      case 'burst':
        lines.push(...burstSection(result, chartsOf(result.run.name)));
        break;
      case 'scale':
        lines.push(...scaleSection(result, charts));
        break;
      case 'throughput':
        lines.push(...throughputSection(result, charts));
        break;
      case 'profile':
        lines.push(...profileSection(result, charts));
        break;
      case 'crosscheck':
        lines.push(...crossCheckSection(result));
        break;
      case 'compare':
        lines.push(...compareSection(result));
        break;
      case 'cost':
        lines.push(...costSection(result, charts));
        break;
    }
  }
  if (report.errors.length > 0) {
    lines.push('## Errors', '');
    for (const e of report.errors) lines.push(`- ${e.scenario}: ${e.message.split('\n').join('\n  ')}`);
    lines.push('');
  }
  return lines.join('\n');
}

function serverLine(server: ServerInfo): string {
  if (!server.started) return `Server: ${server.url} as it runs.`;
  const service = server.serviceTimeMs !== null ? ` Service time: ${server.serviceTimeMs} ms per request (--simulate-latency).` : '';
  return `Server: \`tidepool serve ${server.args.join(' ')}\`.${service}`;
}

function chartLines(charts: readonly ChartFile[]): string[] {
  return charts.length === 0 ? [] : [...charts.map((c) => `![${c.title}](${c.file})`), ''];
}

/** One row of a Markdown table. */
function tableRow(...cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

function latencyCells(l: Pick<LatencyStats, 'p50' | 'p90' | 'p99'> | null | undefined): string {
  return l ? `${formatMs(l.p50)} | ${formatMs(l.p90)} | ${formatMs(l.p99)}` : 'n/a | n/a | n/a';
}

function burstSection(r: BurstResult, charts: readonly ChartFile[]): string[] {
  const lines = [`## Burst: ${r.requests} requests at once`, '', serverLine(r.server), '', '| # | status | latency | worker |', '|---:|---:|---:|---:|'];
  for (const a of r.answers) lines.push(`| ${a.n} | ${a.status} | ${formatMs(a.latencyMs)} | ${a.worker ?? '?'} |`);
  lines.push('');
  const l = r.latency;
  lines.push(
    `${r.answers.length} of ${r.requests} answered ` +
      (r.workersUsed.length > 0
        ? `by ${r.workersUsed.length} worker${r.workersUsed.length === 1 ? '' : 's'} (${r.workersUsed.join(', ')}); `
        : `(the server names no worker: no X-Tidepool-Worker header); `) +
      (l ? `latency min ${formatMs(l.min)}, p50 ${formatMs(l.p50)}, max ${formatMs(l.max)}.` : 'no answers.'),
  );
  if (r.failures.length > 0) lines.push(`Failed: ${r.failures.length} (${[...new Set(r.failures)].slice(0, 3).join('; ')}).`);
  const u = r.usage;
  if (u.runningAtStart !== null) {
    lines.push(
      `Pool: ${u.runningAtStart} running at the start, first spawn ${u.firstSpawnS === null ? 'never (no spawn)' : `at +${formatSeconds(u.firstSpawnS)}`}, ${u.spawns} spawn${u.spawns === 1 ? '' : 's'}, peak ${u.peakRunning} running.`,
    );
  }
  lines.push('', ...chartLines(charts));
  return lines;
}

function scaleRows(variants: readonly ScaleVariant[]): [string, ...string[]][] {
  const m = variants.map((v) => v.metrics);
  const row = (label: string, cell: (x: ScaleVariant['metrics']) => string): [string, ...string[]] => [label, ...m.map(cell)];
  const ratio = (ms: number | undefined, x: ScaleVariant['metrics']) => (ms !== undefined && x.serviceTimeMs ? ` (${(ms / x.serviceTimeMs).toFixed(1)}x)` : '');
  return [
    row('time to first spawn', (x) => formatSeconds(x.firstSpawnS, x.peakRunning === null ? 'n/a (no stats)' : 'no spawn')),
    row('first new worker ready', (x) => formatSeconds(x.firstNewReadyS, x.peakRunning === null ? 'n/a (no stats)' : 'none')),
    row('time to enough capacity', (x) =>
      x.peakReadyInStep === null
        ? 'n/a (no stats)'
        : x.enoughCapacityS !== null
          ? `${formatSeconds(x.enoughCapacityS)} (${x.capacityNeeded} ready)`
          : `not during the step (at most ${x.peakReadyInStep} of ${x.capacityNeeded} ready)`,
    ),
    row('workers running: start -> peak', (x) => (x.peakRunning === null ? 'n/a' : `${x.runningAtStart} -> ${x.peakRunning}`)),
    row('longest queue', (x) => (x.peakQueue === null ? 'n/a' : String(x.peakQueue))),
    row('latency p50', (x) => `${formatMs(x.latency?.p50)}${ratio(x.latency?.p50, x)}`),
    row('latency p99', (x) => `${formatMs(x.latency?.p99)}${ratio(x.latency?.p99, x)}`),
    row('service time', (x) => `${formatMs(x.serviceTimeMs)}${x.serviceTimeKnown ? '' : ' (fastest response)'}`),
    row('responses during the step', (x) => `${x.latency?.count ?? 0} (${formatRate(x.throughputRps)} req/s)`),
    row('failed requests', (x) => String(x.failed)),
    row('cancelled at the end of the step', (x) => String(x.cancelled)),
    row('worker-seconds used', (x) => (x.workerSeconds === null ? 'n/a' : x.workerSeconds.toFixed(0))),
    row('busy worker-seconds', (x) =>
      x.busyWorkerSeconds === null || x.workerSeconds === null
        ? 'n/a'
        : `${x.busyWorkerSeconds.toFixed(0)} (${x.workerSeconds > 0 ? Math.round((100 * x.busyWorkerSeconds) / x.workerSeconds) : 0} %)`,
    ),
    row('spawns / cheaps', (x) => `${x.spawns} / ${x.cheaps}`),
  ];
}

function scaleSection(r: ScaleResult, charts: readonly ChartFile[]): string[] {
  const first = r.variants[0];
  if (!first) return ['## Scale', '', 'Not run (interrupted).', ''];
  const m = first.metrics;
  const lines = [`## Scale: ${m.clients} clients for ${formatSeconds(m.loadSeconds)}, then quiet`, ''];
  lines.push(`| | ${r.variants.map((v) => v.name).join(' | ')} |`, `|---|${r.variants.map(() => '---:').join('|')}|`);
  for (const [label, ...cells] of scaleRows(r.variants)) lines.push(`| ${label} | ${cells.join(' | ')} |`);
  lines.push('');
  lines.push(
    'Times are from the start of the step. Enough capacity: as many ready workers as clients (or as slots), while the clients are there. ' +
      'Worker-seconds: running workers integrated from the start of the step to the end of the run; busy: the part spent in requests. ' +
      'Cancelled: requests in flight when the clients left, not failures.',
    '',
  );
  for (const v of r.variants) {
    lines.push(
      `- **${v.name}**: ${v.description}. ${serverLine(v.server)}${v.run.statsErrors.length ? ` Stats errors: ${v.run.statsErrors.join('; ')}.` : ''}`,
    );
  }
  lines.push('');
  for (const v of r.variants) lines.push(...chartLines(charts.filter((c) => c.run === v.run.name)));
  return lines;
}

/** The load client's share of the machine's CPU during a row: "23 %". */
function clientCpuCell(cost: RowCost): string {
  return cost.clientCpuShare === null ? 'n/a' : `${Math.round(cost.clientCpuShare * 100)} %`;
}

function serverCpuCell(cost: RowCost): string {
  return cost.serverCpuUsPerRequest === null ? 'n/a' : `${Math.round(cost.serverCpuUsPerRequest)} µs`;
}

const SHARED_MACHINE =
  "The bench and the server share this machine: at high rates the client's own CPU is part of what is measured (the client CPU column says how much).";

const COST_NOTE =
  "Client CPU: the load client's CPU time over the row's wall time, as a share of all the machine's cores (from /proc: wrk's once it has exited, " +
  "the bench process's own for its client). " +
  'Server CPU per request: user + system time of every server process over the row (from /proc), divided by its answers.';

function throughputSection(r: ThroughputResult, charts: readonly ChartFile[]): string[] {
  const lines = ['## Throughput', '', serverLine(r.server), '', `Closed loop driven by ${r.driver.detail}; open loop by the bench's own sender.`, ''];
  lines.push(
    '| mode | load | client | req/s | p50 | p90 | p99 | p99 from actual send | non-2xx | errors | workers | client CPU | server CPU / request |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const row of r.rows) {
    const mode = row.mode === 'closed' ? 'closed loop' : 'open loop (CO corrected)';
    const uncorrected = row.mode === 'open' ? formatMs(row.uncorrected?.p99) : '-';
    lines.push(
      tableRow(
        mode,
        row.load,
        row.client,
        formatRate(row.rps),
        latencyCells(row.latency),
        uncorrected,
        row.non2xx,
        row.errors,
        row.workers ?? 'n/a',
        clientCpuCell(row),
        serverCpuCell(row),
      ),
    );
  }
  lines.push(
    '',
    ...(r.server.started ? [SHARED_MACHINE, ''] : []),
    'Closed loop: each connection sends its next request when the previous one is answered; latency from the write. ' +
      'Open loop: requests leave on a fixed schedule whatever the server does; latency counts from the moment each request was due, ' +
      'so time spent waiting for a connection is charged to the server (coordinated omission corrected). ' +
      'The "from actual send" column is what a closed-loop tool would have reported for the same requests. ' +
      'wrk sees no headers: it cannot tell which workers answered.',
    '',
    COST_NOTE,
    '',
  );
  for (const run of r.runs) lines.push(...chartLines(charts.filter((c) => c.run === run.name && c.file.endsWith('-latency.svg'))));
  return lines;
}

function profileSection(r: ProfileResult, charts: readonly ChartFile[]): string[] {
  const lines = ['## Load profiles', ''];
  if (r.profiles[0]) lines.push(serverLine(r.profiles[0].server), '');
  lines.push(
    '| profile | shape | req/s | p50 | p90 | p99 | failed | spawns / cheaps | peak running | worker-seconds |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const p of r.profiles) {
    lines.push(
      `| ${p.name} | ${p.description} | ${formatRate(p.rps)} | ${latencyCells(p.latency)} | ${p.failed} | ${p.usage.spawns} / ${p.usage.cheaps} | ${p.usage.peakRunning ?? 'n/a'} | ${p.usage.workerSeconds?.toFixed(0) ?? 'n/a'} |`,
    );
  }
  lines.push('');
  for (const p of r.profiles) lines.push(...chartLines(charts.filter((c) => c.run === p.run.name)));
  return lines;
}

function toolErrors(t: { errors: number; non2xx: number }): number {
  return t.errors + t.non2xx;
}

function wrkErrors(w: WrkResult): number {
  return w.non2xx + w.socketErrors.connect + w.socketErrors.read + w.socketErrors.write + w.socketErrors.timeout;
}

function crossCheckSection(r: CrossCheckResult): string[] {
  const c = r.check;
  const tolerance = `${c.tolerance * 100} %`;
  return [
    '## Cross-check with wrk',
    '',
    serverLine(r.server) + ' (the server, not the clients, bounds the throughput).',
    '',
    `Same URL, ${c.connections} connections, ${c.durationS} s each, one after the other, ${c.rounds.length} round${c.rounds.length === 1 ? '' : 's'}; ` +
      'the best round of each tool is compared (a stall from another process only ever lowers a throughput).',
    '',
    '| round | tool | requests | seconds | req/s | errors |',
    '|---:|---|---:|---:|---:|---:|',
    ...c.rounds.flatMap((r, i) => {
      const tool = (name: string, t: { requests: number; durationS: number; rps: number }, errors: number) =>
        tableRow(i + 1, name, t.requests, t.durationS.toFixed(2), formatRate(t.rps), errors);
      return [
        tool('wrk -t1', r.wrk, wrkErrors(r.wrk)),
        tool("the bench's client (harness)", r.harness, toolErrors(r.harness)),
        tool('autocannon (public API)', r.autocannon, toolErrors(r.autocannon)),
      ];
    }),
    '',
    `Best: wrk ${formatRate(c.wrk.rps)} req/s, harness ${formatRate(c.harness.rps)} req/s, autocannon ${formatRate(c.autocannon.rps)} req/s. ` +
      `Ratio harness / wrk: ${c.ratio.toFixed(3)}: ${c.agree ? `**agree** (within ${tolerance})` : `**DISAGREE** (more than ${tolerance} apart)`}. ` +
      `autocannon / wrk: ${c.autocannonRatio.toFixed(3)} (a third opinion, not part of the verdict).`,
    '',
  ];
}

function goalLine(g: GoalCheck): string {
  if (g.met === null || g.value === null) return `- ${g.description}: not measured`;
  return `- ${g.description}: ${g.value.toFixed(3)} at ${g.connections} connection${g.connections === 1 ? '' : 's'}: ${g.met ? '**met**' : '**missed**'}`;
}

function compareSection(r: CompareResult): string[] {
  const lines = ['## Compare: tidepool against node:http clusters', ''];
  lines.push(
    `Load: ${r.driver.detail}, closed loop, one target after another in this run. ${r.workers} worker process${r.workers === 1 ? '' : 'es'} per target ` +
      "(besides tidepool's master and the cluster's primary). One-shot: `Connection: close` on every request, so each one comes on a new connection.",
    '',
  );
  lines.push(tableRow('target', 'connections', 'connection', 'req/s', 'p50', 'p99', 'server CPU / request', 'client CPU', 'errors'));
  lines.push('|---|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const row of r.rows) {
    lines.push(
      tableRow(
        row.target,
        row.connections,
        row.oneShot ? 'one-shot' : 'keep-alive',
        formatRate(row.rps),
        formatMs(row.latency?.p50),
        formatMs(row.latency?.p99),
        serverCpuCell(row),
        clientCpuCell(row),
        row.errors + row.non2xx,
      ),
    );
  }
  lines.push('', COST_NOTE, '', 'Ratios of req/s, taken in this run:', '');
  const points = [...new Set(r.ratios.map((x) => `${x.oneShot ? 1 : 0}:${x.connections}`))];
  for (const point of points) {
    const ratios = r.ratios.filter((x) => `${x.oneShot ? 1 : 0}:${x.connections}` === point);
    const { connections, oneShot } = ratios[0]!;
    const tidepool = r.rows.find((x) => x.targetId === 'tidepool' && x.connections === connections && x.oneShot === oneShot);
    const classicRatio = tidepool && !oneShot ? (tidepool.rps / r.classicRps).toFixed(2) : null;
    const classic = classicRatio ? [`tidepool / classic Flask + uWSGI + nginx stack (${r.classicRps} req/s) ${classicRatio}`] : [];
    const parts = [...ratios.map((x) => `${x.name} ${x.value.toFixed(2)}`), ...classic];
    lines.push(`- ${connections} connection${connections === 1 ? '' : 's'}, ${oneShot ? 'one-shot' : 'keep-alive'}: ${parts.join('; ')}`);
  }
  lines.push('', 'Goals (tidepool, batching):', '', ...r.goals.map(goalLine), '');
  return lines;
}
