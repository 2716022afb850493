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
export function unknownOptionError(key: string, where: 'flag' | 'ini', source: string, note = ''): ConfigError {
  const show = (name: string) => (where === 'flag' ? `\`--${name}\`` : `\`${name}\``);
  const at = where === 'ini' ? ` at ${source}` : '';
  return new ConfigError(`unknown option ${show(key)}${at}${note}${advice(key, where)}`, key);
}

/**
 * An ini key that is no option and that no `%(...)` uses: uWSGI keeps it as a placeholder nobody
 * reads, which is what a typo looks like, so say so and point at the closest option.
 */
export function unusedKeyWarning(key: string, source: string): string {
  return `ignoring \`${key}\` at ${source}: no such option, and no \`%(${key})\` uses it as a placeholder${advice(key, 'ini')}`;
}

function advice(key: string, where: 'flag' | 'ini'): string {
  const negated = OPTIONS.filter((spec) => spec.type === 'bool').map((spec) => 'no-' + spec.name);
  const candidates = [...optionNames(), ...ignoredUwsgiOptionNames(), ...(where === 'flag' ? negated : PLACEHOLDER_KEYS)];
  const guess = suggest(key, candidates);
  const show = (name: string) => (where === 'flag' ? `\`--${name}\`` : `\`${name}\``);
  return guess === undefined ? '; see `tidepool serve --help`' : `; did you mean ${show(guess)}?`;
}
