/**
 * The same express app (examples/express/app.ts) under tidepool and under node:cluster, the usual
 * way to run a Node app on several cores, measured with wrk in one run:
 *
 * 1. throughput: GET /predict at 1 and 32 connections, both with a fixed pool of one process
 *    per CPU (best of the rounds, the servers taking turns);
 * 2. the classic scaling experiment: GET /sleep?seconds=3 (the route holds its worker, as
 *    `time.sleep(3)` does) from 40 connections; tidepool with the tutorial's pool (5 workers
 *    at start, up to 50), the cluster with its fixed 5, which it cannot grow.
 *
 * Usage: node dist/bench/target/expressVsCluster.js [--quick]   (prints a Markdown report)
 */
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../core/paths.js';
import { fetchStats } from '../../core/stats/fetchStats.js';
import { runWrk, type WrkResult } from '../wrkCrossCheck.js';
import { startBareCluster } from './bareCluster.js';
import { startTidepool } from './startTidepool.js';

const EXPRESS_APP = path.join(REPO_ROOT, 'dist', 'examples', 'express', 'app.js');
const PREDICT = '/predict?text=' + encodeURIComponent('this is a news sample text about sports, and football in specific');
const SERVICE_S = 3;
const SLEEP = `/sleep?seconds=${SERVICE_S}`;
const SCALE_CLIENTS = 40;
/** The tutorial's uwsgi.ini: 5 workers at start, 50 at most; the fixed cluster gets the 5. */
const TUTORIAL_POOL = { initial: 5, max: 50 };

const quick = process.argv.includes('--quick');
const workers = availableParallelism();
const throughputS = quick ? 3 : 10;
const rounds = quick ? 1 : 2;
const scaleS = quick ? 12 : 60;
const WARMUP_S = 2;

interface Target {
  name: string;
  url: string;
  /** tidepool's stats socket: how its pool grew */
  stats?: string;
  stop(): Promise<void>;
}

async function tidepool(args: string[]): Promise<Target> {
  const s = await startTidepool(['--file', EXPRESS_APP, ...args], { readyTimeoutMs: 120000 });
  return { name: 'tidepool', url: s.url, stats: s.stats, stop: () => s.stop() };
}

/** Reads the pool's ready workers every half second while `run` goes: the most, and when it first had `enough`. */
async function watchPool<T>(stats: string | undefined, enough: number, run: () => Promise<T>): Promise<{ result: T; pool: string }> {
  if (stats === undefined) return { result: await run(), pool: 'fixed' };
  const started = Date.now();
  const seen: { most: number; enoughAtS: number | null } = { most: 0, enoughAtS: null };
  const timer = setInterval(() => {
    void fetchStats(stats, { timeoutMs: 400 }).then(
      (snap) => {
        seen.most = Math.max(seen.most, snap.counts.ready);
        if (seen.enoughAtS === null && snap.counts.ready >= enough) seen.enoughAtS = (Date.now() - started) / 1000;
      },
      () => {},
    );
  }, 500);
  try {
    const result = await run();
    const enoughText = seen.enoughAtS === null ? '' : `, ${enough} ready after ${seen.enoughAtS.toFixed(1)} s`;
    return { result, pool: `grew to ${seen.most} ready${enoughText}` };
  } finally {
    clearInterval(timer);
  }
}

async function cluster(size: number): Promise<Target> {
  const c = await startBareCluster(size, { kind: 'app', file: EXPRESS_APP });
  return { name: 'node:cluster', url: c.url, stop: () => c.stop() };
}

const ms = (n: number | undefined): string => (n === undefined ? '-' : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(2)} ms`);
/** "0", or what wrk counted: "3 (non-2xx 1, read 2)" */
function errors(r: WrkResult): string {
  const kinds: Array<[string, number]> = [['non-2xx', r.non2xx], ...Object.entries(r.socketErrors)];
  const seen = kinds.filter(([, n]) => n > 0);
  const total = seen.reduce((sum, [, n]) => sum + n, 0);
  return total === 0 ? '0' : `${total} (${seen.map(([k, n]) => `${k} ${n}`).join(', ')})`;
}

async function throughput(): Promise<string[]> {
  const targets = [await tidepool(['--workers', String(workers), '--cheaper', '0']), await cluster(workers)];
  const lines = [
    `### Throughput: GET /predict, ${workers} processes each, ${throughputS} s per run after a ${WARMUP_S}-s warm-up, best of ${rounds}`,
    '',
    '| connections | tidepool req/s | p50 | node:cluster req/s | p50 | tidepool / cluster | errors (tidepool; cluster) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
  ];
  try {
    // JIT and the first connections are not what is compared.
    for (const t of targets) await runWrk({ url: t.url + PREDICT, connections: 32, durationS: WARMUP_S });
    for (const connections of [1, 32]) {
      const best = new Map<string, WrkResult>();
      for (let round = 0; round < rounds; round++) {
        for (const t of targets) {
          const r = await runWrk({ url: t.url + PREDICT, connections, durationS: throughputS });
          if ((best.get(t.name)?.rps ?? -1) < r.rps) best.set(t.name, r);
        }
      }
      const [a, b] = [best.get('tidepool')!, best.get('node:cluster')!];
      const ratio = `${((100 * a.rps) / b.rps).toFixed(0)} %`;
      const cells = [connections, a.rps.toFixed(0), ms(a.latencyMs?.p50), b.rps.toFixed(0), ms(b.latencyMs?.p50), ratio, `${errors(a)}; ${errors(b)}`];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
  }
  return lines;
}

async function scaling(): Promise<string[]> {
  const lines = [
    `### Scaling: GET ${SLEEP} (${SERVICE_S} s of blocked worker), ${SCALE_CLIENTS} connections, ${scaleS} s`,
    '',
    'Percentiles of the completed requests (those still waiting at the end are not in them).',
    '',
    '| server | pool | during the run | requests | p50 | p50 / service time | p90 | p99 | errors |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  const runs: Array<[string, () => Promise<Target>]> = [
    [
      `${TUTORIAL_POOL.initial} at start, up to ${TUTORIAL_POOL.max} (busyness)`,
      () => tidepool(['--workers', String(TUTORIAL_POOL.max), '--cheaper', String(TUTORIAL_POOL.initial), '--cheaper-initial', String(TUTORIAL_POOL.initial)]),
    ],
    [`${TUTORIAL_POOL.initial}, fixed`, () => cluster(TUTORIAL_POOL.initial)],
  ];
  for (const [pool, start] of runs) {
    const t = await start();
    try {
      const { result: r, pool: grown } = await watchPool(t.stats, SCALE_CLIENTS, () =>
        runWrk({ url: t.url + SLEEP, connections: SCALE_CLIENTS, durationS: scaleS, timeoutS: 120 }),
      );
      const p = r.latencyMs;
      const ratio = p ? (p.p50 / (SERVICE_S * 1000)).toFixed(2) : '-';
      lines.push(`| ${[t.name, pool, grown, r.requests, ms(p?.p50), ratio, ms(p?.p90), ms(p?.p99), errors(r)].join(' | ')} |`);
    } finally {
      await t.stop();
    }
  }
  return lines;
}

const started = Date.now();
const report = [
  `## The express example under tidepool and under node:cluster (wrk, one run${quick ? ', --quick' : ''})`,
  '',
  ...(await throughput()),
  '',
  ...(await scaling()),
  '',
  `wrk -t1 --latency; ${workers} CPUs, load average ${loadavg()[0]!.toFixed(1)} at the end; ${((Date.now() - started) / 1000).toFixed(0)} s in all.`,
];
process.stdout.write(report.join('\n') + '\n');
