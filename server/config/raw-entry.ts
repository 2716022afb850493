import { ConfigError } from './config-error.js';
import type { RawValue } from './coerce-value.js';
import { optionNames, OPTIONS } from './options.js';
import { PLACEHOLDER_KEYS } from './parse-ini.js';
import { suggest } from './suggest.js';
import { ignoredUwsgiOptionNames } from './uwsgi-ignored.js';

/** One setting as one source gave it, before it is resolved to an option and typed. */
export interface RawEntry {
  /** The name as written (an alias stays an alias, so messages can quote the user). */
  readonly key: string;
  readonly value: RawValue;
  /** Where it came from, for messages: `--workers`, `TIDEPOOL_WORKERS`, `/etc/tidepool.ini:7`. */
  readonly source: string;
  /** An ini key that some `%(key)` of its file uses: when it is no option, it is a placeholder. */
  readonly referenced?: boolean;
}

/** "unknown option `--wrokers`; did you mean `--workers`?" in the spelling of the source it came from. */
export function unknownOptionError(key: string, where: Where, source: string, note = ''): ConfigError {
  const at = where === 'ini' ? ` at ${source}` : '';
  return new ConfigError(`unknown option ${show(key, where)}${at}${note}${advice(key, where)}`, key);
}

/**
 * An ini key that is no option and that no `%(...)` uses: uWSGI keeps it as a placeholder nobody
 * reads, which is what a typo looks like, so say so and point at the closest option.
 */
export function unusedKeyWarning(key: string, source: string): string {
  return `ignoring \`${key}\` at ${source}: no such option, and no \`%(${key})\` uses it as a placeholder${advice(key, 'ini')}`;
}

type Where = 'flag' | 'ini';

/** A name as the user would write it there: `--workers` or `workers`. */
function show(name: string, where: Where): string {
  return where === 'flag' ? `\`--${name}\`` : `\`${name}\``;
}

function advice(key: string, where: Where): string {
  const negated = OPTIONS.filter((spec) => spec.type === 'bool').map((spec) => 'no-' + spec.name);
  const candidates = [...optionNames(), ...ignoredUwsgiOptionNames(), ...(where === 'flag' ? negated : PLACEHOLDER_KEYS)];
  const guess = suggest(key, candidates);
  return guess === undefined ? '; see `tidepool serve --help`' : `; did you mean ${show(guess, where)}?`;
}
