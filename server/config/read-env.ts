import { envVarName, OPTIONS, type OptionSpec } from './options.js';
import type { RawEntry } from './raw-entry.js';
import { suggest } from './suggest.js';

/**
 * TIDEPOOL_<NAME> variables (`TIDEPOOL_CHEAPER_ALGO=spare`, aliases too: `TIDEPOOL_PROCESSES`).
 * A list option takes one value from its variable. Other TIDEPOOL_* variables are not errors,
 * because tidepool's own processes may pass some to each other, but one that is a likely typo
 * of an option's variable gets a warning.
 */
export function readEnv(env: NodeJS.ProcessEnv): { entries: RawEntry[]; warnings: string[] } {
  const entries: RawEntry[] = [];
  const warnings: string[] = [];
  const known = new Set<string>();
  for (const spec of OPTIONS as readonly OptionSpec[]) {
    if (spec.flagOnly) continue;
    // The canonical name last, so it wins over an alias set at the same time.
    const names = [...(spec.aliases ?? []), spec.name];
    const set = names.filter((name) => env[envVarName(name)] !== undefined);
    for (const name of names) known.add(envVarName(name));
    for (const name of set) entries.push({ key: name, value: env[envVarName(name)]!, source: envVarName(name) });
    if (set.length > 1) {
      warnings.push(`${set.map(envVarName).join(' and ')} are all set; using ${envVarName(set[set.length - 1]!)}`);
    }
  }
  for (const spec of OPTIONS as readonly OptionSpec[]) {
    if (!spec.flagOnly) continue;
    known.add(envVarName(spec.name));
    if (env[envVarName(spec.name)] !== undefined) {
      warnings.push(`ignoring ${envVarName(spec.name)}: \`${spec.name}\` can only be given on the command line (--${spec.name})`);
    }
  }
  for (const name of Object.keys(env)) {
    if (!name.startsWith('TIDEPOOL_') || known.has(name)) continue;
    // Two edits at most: TIDEPOOL_WROKERS is a typo, TIDEPOOL_WORKER_ID is somebody's own variable.
    const guess = suggest(name, known, 2);
    if (guess !== undefined) warnings.push(`ignoring ${name}: not an option variable; did you mean ${guess}?`);
  }
  return { entries, warnings };
}
