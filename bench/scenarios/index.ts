import type { ScenarioName } from '../options.js';
import type { TargetContext } from '../target/target.js';
import { burst } from './burst.js';
import { compare } from './compare.js';
import { cost } from './cost.js';
import { crosscheck } from './crosscheck.js';
import { profile } from './profile.js';
import type { ScenarioResult } from './results.js';
import { scale } from './scale.js';
import { throughput } from './throughput.js';

export interface Scenario {
  title: string;
  run(ctx: TargetContext): Promise<ScenarioResult>;
}

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  burst: { title: 'Burst: the classic parallel requests', run: burst },
  scale: { title: 'Scale: a step of blocking requests', run: scale },
  throughput: { title: 'Throughput: closed and open loop', run: throughput },
  profile: { title: 'Load profiles', run: profile },
  crosscheck: { title: 'Cross-check with wrk', run: crosscheck },
  compare: { title: 'Compare: tidepool with and without batching against a bare node:http cluster', run: compare },
  cost: { title: "Cost: the master's and the workers' CPU per request, and the scale model", run: cost },
};
