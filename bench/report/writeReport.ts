import fs from 'node:fs';
import path from 'node:path';
import { runsOf, type ScenarioResult } from '../scenarios/results.js';
import type { BenchReport } from './benchReport.js';
import { burstChart, runCharts, type ChartFile } from './runCharts.js';
import { summaryMarkdown } from './summaryMarkdown.js';

export interface WrittenReport {
  dir: string;
  summary: string;
  timeline: string;
  charts: string[];
  /** The summary's text (main prints it). */
  markdown: string;
}

/** Where reports go without --out, under the working directory. */
export const REPORTS_DIR = 'bench-reports';

/** bench-reports/2026-11-24T14-30-12/ under the working directory. */
export function defaultReportDir(startedAt: Date, cwd = process.cwd()): string {
  return path.join(
    cwd,
    REPORTS_DIR,
    startedAt
      .toISOString()
      .replace(/:/g, '-')
      .replace(/\.\d+Z$/, ''),
  );
}

export function chartsOf(results: readonly ScenarioResult[]): ChartFile[] {
  const bursts = results.flatMap((r) => (r.kind === 'burst' && r.answers.length > 0 ? [burstChart(r.run, r.server.serviceTimeMs)] : []));
  return bursts.concat(
    results
      .flatMap(runsOf)
      .filter(({ run }) => run.responses.length + run.samples.length > 0)
      .flatMap(({ run, server }) => runCharts(run, server.serviceTimeMs)),
  );
}

/** Writes summary.md, timeline.json and one SVG per chart into `dir` (created if needed). */
export function writeReport(dir: string, report: BenchReport): WrittenReport {
  fs.mkdirSync(dir, { recursive: true });
  const charts = chartsOf(report.results);
  const markdown = summaryMarkdown(report, charts);
  const summary = path.join(dir, 'summary.md');
  const timeline = path.join(dir, 'timeline.json');
  fs.writeFileSync(summary, markdown);
  fs.writeFileSync(timeline, JSON.stringify(report) + '\n');
  const files = charts.map((c) => {
    const file = path.join(dir, c.file);
    fs.writeFileSync(file, c.svg);
    return file;
  });
  return { dir, summary, timeline, charts: files, markdown };
}
