import { ConfigError } from './config-error.js';
import { findOption, OPTIONS, type OptionSpec } from './options.js';
import { unknownOptionError, type RawEntry } from './raw-entry.js';
import { findIgnoredUwsgiOption } from './uwsgi-ignored.js';

export interface ParsedArgv {
  readonly entries: RawEntry[];
  readonly help: boolean;
}

const SHORT = new Map<string, OptionSpec>();
for (const spec of OPTIONS as readonly OptionSpec[]) if (spec.short !== undefined) SHORT.set(spec.short, spec);

/**
 * Command-line arguments after `serve`: `--workers 8`, `--workers=8`, `-p 8`, bare `--vacuum`,
 * `--no-vacuum`, and a positional `file.ini[:section]` as uWSGI takes it. Unknown flags fail
 * here, before a later word could be mistaken for a stray argument.
 */
export function parseArgv(argv: readonly string[]): ParsedArgv {
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  // Help wins over everything else on the line, so a broken command can still ask for help.
  if (flags.includes('--help') || flags.includes('-h')) return { entries: [], help: true };

  const entries: RawEntry[] = [];
  for (let i = 0; i < flags.length; i++) {
    const arg = flags[i]!;
    const takeNext = (accept: (word: string) => boolean): string | true => {
      const next = flags[i + 1];
      if (next === undefined || !accept(next)) return true;
      i++;
      return next;
    };
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const inline = eq === -1 ? undefined : arg.slice(eq + 1);
      const source = `--${name}`;
      const spec = findOption(name);
      if (spec !== undefined) {
        entries.push({ key: name, source, value: inline ?? valueAfter(spec, takeNext) });
        continue;
      }
      const negated = name.startsWith('no-') ? findOption(name.slice(3)) : undefined;
      if (negated !== undefined) {
        if (negated.type !== 'bool') {
          throw new ConfigError(
            `\`${arg}\`: only on/off options take a --no- form, and \`${negated.name}\` takes ${negated.type === 'mode' ? 'a mode' : 'a value'}`,
            negated.name,
          );
        }
        if (inline !== undefined)
          throw new ConfigError(`\`${arg}\`: --no-${negated.name} takes no value; write --no-${negated.name} or --${negated.name}=false`, negated.name);
        entries.push({ key: name.slice(3), source, value: false });
        continue;
      }
      const ignored = findIgnoredUwsgiOption(name);
      if (ignored !== undefined) {
        entries.push({ key: name, source, value: inline ?? (ignored.takesValue ? takeNext(notAFlag) : true) });
        continue;
      }
      throw unknownOptionError(name, 'flag', source);
    }
    if (/^-[A-Za-z]$/.test(arg)) {
      const spec = SHORT.get(arg.slice(1));
      if (spec === undefined) throw new ConfigError(`unknown option \`${arg}\`; see \`tidepool serve --help\``, arg);
      entries.push({ key: spec.name, source: arg, value: valueAfter(spec, takeNext) });
      continue;
    }
    entries.push(positional(arg));
  }
  for (const arg of end === -1 ? [] : argv.slice(end + 1)) entries.push(positional(arg));
  return { entries, help: false };
}

const notAFlag = (word: string) => !word.startsWith('--');

function valueAfter(spec: OptionSpec, takeNext: (accept: (word: string) => boolean) => string | true): string | true {
  if (spec.type === 'bool') return true;
  // chmod-socket's value is optional, as with uWSGI's getopt: take the next word only if it is a mode.
  if (spec.type === 'mode') return takeNext((w) => /^[0-7]{3}$/.test(w));
  return takeNext(notAFlag);
}

/** uWSGI reads `uwsgi app.ini` as `--ini app.ini`; anything else is a mistake worth stopping on. */
function positional(arg: string): RawEntry {
  if (/\.ini(:[\w.-]+)?$/.test(arg)) return { key: 'ini', source: `argument \`${arg}\``, value: arg };
  throw new ConfigError(`unexpected argument \`${arg}\`: options start with --, and a config file must end in .ini (or use --ini FILE)`);
}
