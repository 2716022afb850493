import { ConfigError } from './config-error.js';
import type { RawValue } from './coerce-value.js';
import { optionNames, OPTIONS } from './options.js';
import { suggest } from './suggest.js';
import { ignoredUwsgiOptionNames } from './uwsgi-ignored.js';

/** One setting as one source gave it, before it is resolved to an option and typed. */
export interface RawEntry {
  /** The name as written (an alias stays an alias, so messages can quote the user). */
  readonly key: string;
  readonly value: RawValue;
  /** Where it came from, for messages: `--workers`, `TIDEPOOL_WORKERS`, `/etc/tidepool.ini:7`. */
  readonly source: string;
}

/** "unknown option `--wrokers`; did you mean `--workers`?" in the spelling of the source it came from. */
export function unknownOptionError(key: string, where: 'flag' | 'ini', source: string): ConfigError {
  const candidates = [...optionNames(), ...ignoredUwsgiOptionNames()];
  if (where === 'flag') for (const spec of OPTIONS) if (spec.type === 'bool') candidates.push('no-' + spec.name);
  const guess = suggest(key, candidates);
  const show = (name: string) => (where === 'flag' ? `\`--${name}\`` : `\`${name}\``);
  const at = where === 'ini' ? ` at ${source}` : '';
  const advice = guess === undefined ? '; see `tidepool serve --help`' : `; did you mean ${show(guess)}?`;
  return new ConfigError(`unknown option ${show(key)}${at}${advice}`, key);
}
