import type { ScenarioName } from '../options.js';
import type { ScenarioResult } from '../scenarios/results.js';

/** Everything one `tidepool bench` measured: the summary, the timeline and the JSON are read off it. */
export interface BenchReport {
  version: 1;
  /** ISO time the bench started. */
  startedAt: string;
  durationS: number;
  quick: boolean;
  scenarios: ScenarioName[];
  machine: { cores: number; node: string; platform: string };
  /** --url when given; otherwise the bench started its own servers. */
  url?: string;
  results: ScenarioResult[];
  /** Scenarios that failed, with why. */
  errors: { scenario: ScenarioName; message: string }[];
  aborted: boolean;
}
