import type { RunResult } from '../run/types.js';
import type { ScenarioResult } from '../scenarios/results.js';
import type { BenchReport } from './benchReport.js';
import type { WrittenReport } from './writeReport.js';

/** A run without its raw lists (they are in timeline.json). */
export interface RunDigest {
  name: string;
  durationMs: number;
  responses: number;
  failures: number;
  samples: number;
  events: number;
  statsSource: RunResult['statsSource'];
}

export function digest(run: RunResult): RunDigest {
  return {
    name: run.name,
    durationMs: run.durationMs,
    responses: run.responses.length,
    failures: run.failures.length,
    samples: run.samples.length,
    events: run.events.length,
    statsSource: run.statsSource,
  };
}

/** The results with every run replaced by its digest. */
export function compactResult(result: ScenarioResult): unknown {
  switch (result.kind) {
    case 'burst':
      return { ...result, run: digest(result.run) };
    case 'crosscheck':
    case 'throughput':
    case 'compare':
    case 'cost':
      return { ...result, runs: result.runs.map(digest) };
    case 'scale':
      return { ...result, variants: result.variants.map((v) => ({ ...v, run: digest(v.run) })) };
    case 'profile':
      return { ...result, profiles: result.profiles.map((p) => ({ ...p, run: digest(p.run) })) };
  }
}

/** What `tidepool bench --json` prints: the numbers and where the files are. */
export function jsonOutput(report: BenchReport, written: WrittenReport, exitCode: number): string {
  const { results, ...rest } = report;
  return (
    JSON.stringify(
      {
        ...rest,
        ok: exitCode === 0,
        exitCode,
        files: { dir: written.dir, summary: written.summary, timeline: written.timeline, charts: written.charts },
        results: results.map(compactResult),
      },
      null,
      2,
    ) + '\n'
  );
}
