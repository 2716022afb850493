import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { coerceValue } from './coerce-value.js';
import { ConfigError } from './config-error.js';
import { crossCheck, type Draft } from './cross-check.js';
import { defaultValue, findOption, isList, OPTIONS, type Config, type OptionSpec } from './options.js';
import { parseArgv } from './parse-argv.js';
import { parseIni } from './parse-ini.js';
import { readEnv } from './read-env.js';
import { unknownOptionError, unusedKeyWarning, type RawEntry } from './raw-entry.js';
import { findIgnoredUwsgiOption, ignoredWarning } from './uwsgi-ignored.js';

export interface LoadedConfig {
  config: Config;
  /** Things the user should read but that do not stop the start (ignored uWSGI options, clamped values). */
  warnings: string[];
  /** `ini`: absolute path of the ini file read, if any. */
  sources: { ini?: string };
}

type Layer = 'ini' | 'env' | 'flag';

/**
 * The configuration of `tidepool serve <argv>`: table defaults < ini file < TIDEPOOL_* environment
 * < command line. Within one source the last value of a scalar wins and list options collect every
 * value; a list given by a later source replaces the earlier source's list. With --help or -h the
 * rest of the line is not read and `config.help` is true.
 */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): LoadedConfig {
  const cli = parseArgv(argv);
  const draft: Draft = { values: defaults(), sources: {} };
  if (cli.help) {
    draft.values.help = true;
    return { config: draft.values, warnings: [], sources: {} };
  }
  const warnings: string[] = [];
  const sources: LoadedConfig['sources'] = {};
  const unknownIniKeys: RawEntry[] = [];

  const iniArgs = cli.entries.filter((e) => findOption(e.key)?.name === 'ini');
  if (iniArgs.length > 1) {
    throw new ConfigError(`Expected one ini file, got ${iniArgs.map((e) => `\`${String(e.value)}\` (from ${e.source})`).join(' and ')}`, 'ini');
  }
  const iniArg = iniArgs[0];
  if (iniArg !== undefined) {
    const { file, section } = splitIniArgument(coerceValue(findOption('ini')!, iniArg.value, iniArg.source) as string);
    sources.ini = resolve(cwd, file);
    applyLayer(draft, readIni(sources.ini, section, env, iniArg.source), 'ini', warnings, unknownIniKeys);
  }
  const fromEnv = readEnv(env);
  warnings.push(...fromEnv.warnings);
  applyLayer(draft, fromEnv.entries, 'env', warnings, unknownIniKeys);
  applyLayer(draft, cli.entries, 'flag', warnings, unknownIniKeys);

  // Judged once every source is in, because `strict` may come from any of them.
  judgeUnknownIniKeys(unknownIniKeys, draft.values.strict, warnings);
  crossCheck(draft, warnings);
  return { config: draft.values, warnings, sources };
}

/** The table's defaults (workers asks the machine for its CPU count). */
export function defaults(): Draft['values'] {
  const values: Record<string, unknown> = {};
  for (const spec of OPTIONS as readonly OptionSpec[]) {
    const value = defaultValue(spec);
    values[spec.name] = Array.isArray(value) ? [...value] : value;
  }
  return values as Draft['values'];
}

function applyLayer(draft: Draft, entries: readonly RawEntry[], layer: Layer, warnings: string[], unknownIniKeys: RawEntry[]): void {
  const values = draft.values as Record<string, unknown>;
  const sources = draft.sources as Record<string, string>;
  const listsStarted = new Set<string>();
  for (const entry of entries) {
    const spec = findOption(entry.key);
    if (spec === undefined) {
      const ignored = findIgnoredUwsgiOption(entry.key);
      if (ignored !== undefined) warnings.push(ignoredWarning(entry.key, ignored.reason, entry.source));
      else if (layer === 'ini') unknownIniKeys.push(entry);
      else throw unknownOptionError(entry.key, 'flag', entry.source);
      continue;
    }
    if (spec.flagOnly && layer !== 'flag') {
      throw new ConfigError(`\`${spec.name}\` can only be given on the command line (--${spec.name}), found at ${entry.source}`, spec.name);
    }
    const value = coerceValue(spec, entry.value, entry.source);
    if (isList(spec)) {
      if (!listsStarted.has(spec.name)) values[spec.name] = [];
      listsStarted.add(spec.name);
      (values[spec.name] as unknown[]).push(value);
    } else {
      values[spec.name] = value;
    }
    sources[spec.name] = entry.source;
  }
}

/**
 * uWSGI (without `strict`) reads any ini key as a placeholder: `%(key)` may use it and it has no
 * other effect. So a key some `%(...)` uses is silently one; a key nothing uses is most likely a
 * typo and gets a warning; under `strict` both are errors, as in uWSGI.
 */
function judgeUnknownIniKeys(entries: readonly RawEntry[], strict: boolean, warnings: string[]): void {
  for (const entry of entries) {
    if (strict) {
      const note = ` (\`strict\` is on: declare a placeholder as \`set-placeholder = ${entry.key}=VALUE\`)`;
      throw unknownOptionError(entry.key, 'ini', entry.source, note);
    }
    if (!entry.referenced) warnings.push(unusedKeyWarning(entry.key, entry.source));
  }
}

function readIni(path: string, section: string | undefined, env: NodeJS.ProcessEnv, source: string): RawEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError(`Cannot read the ini file \`${path}\` (from ${source}): ${reason}`, 'ini');
  }
  return parseIni(text, { file: path, section, env }).map((e) => ({ key: e.key, value: e.value, source: `${path}:${e.line}`, referenced: e.referenced }));
}

/** `app.ini:production` names a section, as in uWSGI; a colon followed by a path part does not. */
export function splitIniArgument(arg: string): { file: string; section?: string } {
  const m = /^(.+):([\w.-]+)$/.exec(arg);
  if (m && !m[2]!.endsWith('.ini')) return { file: m[1]!, section: m[2]! };
  return { file: arg };
}
