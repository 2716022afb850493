import os from 'node:os';
import { parseCommandLine } from '../core/cli/usage.js';
import { benchHelp, parseBenchArgs } from './options.js';
import { attachProgress } from './render/progress.js';
import type { BenchReport } from './report/benchReport.js';
import { jsonOutput } from './report/jsonOutput.js';
import { defaultReportDir, writeReport } from './report/writeReport.js';
import { BenchSession } from './run/session.js';
import { SCENARIOS } from './scenarios/index.js';
import { getStatus, stopAllServers } from './target/startTidepool.js';

/** Exit codes: 0 all measured, 1 a scenario failed or the cross-check disagreed, 2 bad options, 130 Ctrl-C. */
export async function main(argv: string[]): Promise<number> {
  const options = parseCommandLine('bench', () => parseBenchArgs(argv), benchHelp);
  if (typeof options === 'number') return options;
  if (options.url !== undefined) {
    // Against nothing, every scenario would report a stream of refused connections: say it once
    // instead. Any HTTP answer will do.
    const problem = await getStatus(`${options.url}/readyz`, 5000).then(
      () => null,
      (err: Error) => err.message,
    );
    if (problem !== null) {
      process.stderr.write(`tidepool bench: --url ${options.url} does not answer HTTP (${problem}): is the server running there?\n`);
      return 1;
    }
  }

  const session = new BenchSession();
  const detach = options.json ? () => {} : attachProgress(session, process.stderr);
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // First Ctrl-C: end the current run, stop the servers, write what was measured.
    // Second: stop the servers now and leave.
    if (++interrupts === 1) {
      session.emit('note', `${signal}: stopping (again to quit at once)`);
      controller.abort();
    } else {
      void stopAllServers(0).finally(() => process.exit(130));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const started = new Date();
  const report: BenchReport = {
    version: 1,
    startedAt: started.toISOString(),
    durationS: 0,
    quick: options.quick,
    scenarios: options.scenarios,
    machine: { cores: os.availableParallelism(), node: process.version, platform: `${process.platform} ${process.arch}` },
    ...(options.url !== undefined ? { url: options.url } : {}),
    results: [],
    errors: [],
    aborted: false,
  };
  try {
    for (const name of options.scenarios) {
      if (controller.signal.aborted) break;
      const scenario = SCENARIOS[name];
      session.emit('scenario', { name, title: scenario.title });
      try {
        report.results.push(await scenario.run({ options, session, signal: controller.signal }));
      } catch (err) {
        const message = controller.signal.aborted ? 'interrupted' : err instanceof Error ? err.message : String(err);
        report.errors.push({ scenario: name, message });
        session.emit('note', `${name} failed: ${message}`);
      }
    }
  } finally {
    await stopAllServers();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    detach();
  }

  report.aborted = controller.signal.aborted;
  report.durationS = (Date.now() - started.getTime()) / 1000;
  const disagreement = report.results.some((r) => r.kind === 'crosscheck' && !r.check.agree);
  const exitCode = report.aborted ? 130 : report.errors.length > 0 || disagreement ? 1 : 0;
  const written = writeReport(options.out ?? defaultReportDir(started), report);
  if (options.json) {
    process.stdout.write(jsonOutput(report, written, exitCode));
  } else {
    process.stdout.write('\n' + written.markdown + '\n');
    process.stderr.write(`report: ${written.dir} (summary.md, timeline.json, ${written.charts.length} charts)\n`);
  }
  return exitCode;
}
