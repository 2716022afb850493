import { availableParallelism, hostname } from 'node:os';
import { basename, dirname, extname, resolve } from 'node:path';
import { ConfigError } from './config-error.js';

export interface IniEntry {
  readonly key: string;
  /** true for a bare key, which uWSGI reads as "on". */
  readonly value: string | true;
  readonly line: number;
  /** Some `%(key)` of the sections read names this key: if it is no option, it is a placeholder. */
  readonly referenced: boolean;
}

/** `set-placeholder = KEY=VALUE` (alias `set-ph`) defines a placeholder for `%(KEY)` that is no setting itself. */
export const PLACEHOLDER_KEYS = ['set-placeholder', 'set-ph'] as const;

/** An ini line before expansion. */
type Line = Omit<IniEntry, 'referenced'>;

const TOKEN = /\$\(([^)]*)\)|%\(([^)]*)\)|%(.)/g;

export interface IniOptions {
  /** The file the text came from: names it in errors and gives %d, %n, %p, %s, %e, %c. */
  readonly file?: string;
  /** Read only this section; by default [uwsgi] and [tidepool] are both read, in file order. */
  readonly section?: string;
  /** Source of $(VAR) expansions; process.env by default. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The sections read when none is named: a file can hold options for uWSGI and tidepool-only ones side by side. */
const DEFAULT_SECTIONS = ['uwsgi', 'tidepool'];

/**
 * Reads a uwsgi.ini the way uWSGI 2.0 does: whole-line `;` and `#` comments, `key = value` split at
 * the first `=`, bare keys, no quoting or continuation lines. Values are expanded: `$(VAR)` from
 * the environment (`$VAR` stays literal), `%(key)` to the first value of another key of the
 * section or of a `set-placeholder` (forward references work, unknown ones stay as written), and
 * uWSGI's magic variables. Entries come back in file order, placeholder definitions left out;
 * which one wins, and what an unknown key means, is the caller's business.
 */
export function parseIni(text: string, opts: IniOptions = {}): IniEntry[] {
  const where = (line: number) => (opts.file === undefined ? `line ${line}` : `${opts.file}:${line}`);
  const wanted = opts.section === undefined ? DEFAULT_SECTIONS : [opts.section];
  const seen: string[] = [];
  const raw: Line[] = [];
  let inWanted = false;

  text.split(/\r?\n/).forEach((full, index) => {
    const lineNo = index + 1;
    const line = full.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;
    if (line.startsWith('[')) {
      const m = /^\[([^\]]*)\]$/.exec(line);
      if (!m) throw new ConfigError(`Expected a section header such as [uwsgi] at ${where(lineNo)}, got \`${line}\``);
      const name = m[1]!.trim();
      seen.push(name);
      inWanted = wanted.includes(name);
      return;
    }
    // Lines outside the chosen sections belong to other programs (or other setups), as in uWSGI.
    if (!inWanted) return;
    const eq = line.indexOf('=');
    const key = (eq === -1 ? line : line.slice(0, eq)).trim();
    if (key === '') throw new ConfigError(`Expected \`key = value\` at ${where(lineNo)}, got \`${line}\``);
    raw.push({ key, value: eq === -1 ? true : line.slice(eq + 1).trim(), line: lineNo });
  });

  if (!seen.some((s) => wanted.includes(s))) {
    const want = wanted.map((s) => `[${s}]`).join(' or ');
    const found = seen.length === 0 ? 'none' : seen.map((s) => `[${s}]`).join(', ');
    throw new ConfigError(`Expected a ${want} section in ${opts.file ?? 'the ini text'}, found ${found}`, 'ini');
  }

  const referenced = new Set<string>();
  for (const e of raw) if (e.value !== true) for (const m of e.value.matchAll(TOKEN)) if (m[2] !== undefined) referenced.add(m[2]);
  // Placeholders and settings share one namespace, in file order: the first value of a name wins.
  const expander = new Expander(
    raw.map((e) => (isPlaceholderKey(e.key) ? placeholderDefinition(e, where) : e)),
    opts,
    where,
  );
  return raw
    .filter((e) => !isPlaceholderKey(e.key))
    .map((e) => ({ ...e, value: e.value === true ? true : expander.expand(e.value, [e]), referenced: referenced.has(e.key) }));
}

function isPlaceholderKey(key: string): boolean {
  return (PLACEHOLDER_KEYS as readonly string[]).includes(key);
}

/** `set-ph = base=/srv/app` read as the line `base = /srv/app`, expanded like any other. */
function placeholderDefinition(e: Line, where: (line: number) => string): Line {
  const text = e.value === true ? '' : e.value;
  const eq = text.indexOf('=');
  if (eq === -1 || text.slice(0, eq).trim() === '') {
    const got = e.value === true ? 'no value' : `\`${text}\``;
    throw new ConfigError(`Expected \`${e.key}\` to be KEY=VALUE (a placeholder for %(KEY)) at ${where(e.line)}, got ${got}`, e.key);
  }
  return { key: text.slice(0, eq).trim(), value: text.slice(eq + 1).trim(), line: e.line };
}

class Expander {
  private readonly first = new Map<string, Line>();
  private readonly magic: Record<string, string>;

  constructor(
    entries: readonly Line[],
    private readonly opts: IniOptions,
    private readonly where: (line: number) => string,
  ) {
    for (const e of entries) if (!this.first.has(e.key)) this.first.set(e.key, e);
    this.magic = { h: hostname(), k: String(availableParallelism()), '%': '%' };
    if (opts.file !== undefined) {
      const abs = resolve(opts.file);
      const ext = extname(abs);
      Object.assign(this.magic, {
        // uWSGI's %d keeps the trailing slash, so `%d/x.sock` yields `dir//x.sock`; paths still resolve.
        d: dirname(abs) + '/',
        n: basename(abs, ext),
        p: abs,
        s: basename(abs),
        e: ext.replace(/^\./, ''),
        c: basename(dirname(abs)),
      });
    }
  }

  /** One left-to-right pass, so text that came from the environment is never expanded again. */
  expand(value: string, chain: readonly [Line, ...Line[]]): string {
    return value.replace(TOKEN, (token, envName?: string, ref?: string, letter?: string) => {
      if (envName !== undefined) return (this.opts.env ?? process.env)[envName] ?? '';
      if (ref !== undefined) {
        const target = this.first.get(ref);
        if (target === undefined) return token;
        if (target.value === true) return 'true';
        if (chain.includes(target)) {
          const keys = [...chain, target].map((e) => e.key).join(' -> ');
          throw new ConfigError(`Circular %(...) reference at ${this.where(chain[0].line)}: ${keys}`, chain[0].key);
        }
        return this.expand(target.value, [...chain, target]);
      }
      return this.magic[letter!] ?? token;
    });
  }
}
