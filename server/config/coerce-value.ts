import { constants } from 'node:os';
import { AddressError, parseAddress } from '../../core/net/address.js';
import { ConfigError } from './config-error.js';
import { BARE_CHMOD_SOCKET, type OptionSpec } from './options.js';

/** A value as it came from a flag, an ini line or an environment variable; true is a bare key or flag. */
export type RawValue = string | boolean;

/** One value of an option in its typed form (lists are coerced one element at a time). */
export type OptionValue = string | number | boolean | null;

/**
 * Turns one raw value into the typed value of `spec`, or throws a ConfigError that names the
 * option, what was expected, what came and where it came from (`source`).
 */
export function coerceValue(spec: OptionSpec, raw: RawValue, source: string): OptionValue {
  const fail = (expected: string): never => {
    throw new ConfigError(`Expected \`${spec.name}\` to be ${expected}, got ${describeRaw(raw)} (from ${source})`, spec.name);
  };
  if (spec.type === 'bool') {
    if (typeof raw === 'boolean') return raw;
    // uWSGI reads `thunder-lock =` as on, like a bare key.
    if (raw.trim() === '') return true;
    const b = parseBool(raw);
    return b ?? fail('true or false (also yes/no, on/off, 1/0)');
  }
  if (spec.type === 'mode') {
    if (raw === true) return BARE_CHMOD_SOCKET;
    if (typeof raw !== 'string' || !/^[0-7]{3}$/.test(raw.trim())) return fail(expectedText(spec));
    return parseInt(raw.trim(), 8);
  }
  if (typeof raw !== 'string') return fail(expectedText(spec));
  const text = raw.trim();
  switch (spec.type) {
    case 'int': {
      const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
      return Number.isSafeInteger(n) && inBounds(spec, n) ? n : fail(expectedText(spec));
    }
    case 'float': {
      const n = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : NaN;
      return Number.isFinite(n) && inBounds(spec, n) ? n : fail(expectedText(spec));
    }
    case 'size': {
      const n = parseSize(text);
      return n !== undefined && inBounds(spec, n) ? n : fail(expectedText(spec));
    }
    case 'enum':
      return spec.choices.includes(text) ? text : fail(expectedText(spec));
    case 'signal':
      return parseSignal(text) ?? fail(expectedText(spec));
    case 'env':
      return /^[A-Za-z_][A-Za-z0-9_]*=/.test(text) ? text : fail(expectedText(spec));
    case 'address':
      return coerceAddress(spec, text, raw, source);
    case 'user':
    case 'group':
      return ACCOUNT.test(text) ? text : fail(expectedText(spec));
    case 'owner':
      return OWNER.test(text) ? text : fail(expectedText(spec));
    case 'string':
      return text;
  }
}

/** A user or group as passwd and group files spell them (`www-data`, `_apt`, `alice$`), or its number. */
const ACCOUNT = /^(\d+|[A-Za-z_][A-Za-z0-9_.-]*\$?)$/;
const OWNER = new RegExp(`^${ACCOUNT.source.slice(1, -1)}(:${ACCOUNT.source.slice(1, -1)})?$`);

function coerceAddress(spec: OptionSpec, text: string, raw: string, source: string): string {
  const offDisables = 'offDisables' in spec && spec.offDisables === true;
  // A disabled listener is stored as '' so readers test one value.
  if (offDisables && (text === '' || text === 'off')) return '';
  if ('emptyAllowed' in spec && spec.emptyAllowed === true && text === '') return '';
  try {
    if (parseAddress(text, `\`${spec.name}\``).kind === 'http') {
      throw new AddressError(
        `Expected \`${spec.name}\` to be a listening address (HOST:PORT, :PORT, a UNIX path or @abstract), got ${describeRaw(raw)}, which is a URL`,
      );
    }
  } catch (err) {
    if (!(err instanceof AddressError)) throw err;
    const hint = offDisables ? '; use `off` to disable it' : '';
    throw new ConfigError(`${err.message} (from ${source})${hint}`, spec.name);
  }
  return text;
}

/** What a value of `spec` must look like, in words for error messages and help. */
export function expectedText(spec: OptionSpec): string {
  switch (spec.type) {
    case 'int':
    case 'float': {
      const kind = spec.type === 'int' ? 'integer' : 'number';
      const a = spec.type === 'int' ? 'an' : 'a';
      if (spec.max !== undefined) return `${a} ${kind} from ${spec.min ?? 0} to ${spec.max}`;
      if (spec.min === 1 && spec.type === 'int') return 'a positive integer';
      if (spec.min === 0) return `a non-negative ${kind}`;
      if (spec.min !== undefined) return `${a} ${kind} of at least ${spec.min}`;
      return `${a} ${kind}`;
    }
    case 'size':
      return `${spec.min === 1 ? 'a positive' : 'a'} size in bytes such as 65536, 100K, 1M or 2G`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${spec.choices.join(', ')}`;
    case 'mode':
      return 'three octal digits such as 660 or 666';
    case 'signal':
      return 'a signal name such as SIGTERM, or its number';
    case 'env':
      return 'KEY=VALUE';
    case 'address':
      return 'HOST:PORT, :PORT, a UNIX path or @abstract';
    case 'user':
      return 'a user name or number';
    case 'group':
      return 'a group name or number';
    case 'owner':
      return 'USER or USER:GROUP (names or numbers)';
    case 'string':
      return 'a path';
  }
}

function describeRaw(raw: RawValue): string {
  if (raw === true) return 'no value';
  if (raw === false) return 'false';
  if (raw.trim() === '') return 'an empty value';
  return `\`${raw}\``;
}

function inBounds(spec: { min?: number; max?: number }, n: number): boolean {
  return (spec.min === undefined || n >= spec.min) && (spec.max === undefined || n <= spec.max);
}

export function parseBool(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === 'yes' || t === 'on' || t === '1') return true;
  if (t === 'false' || t === 'no' || t === 'off' || t === '0') return false;
  return undefined;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** Bytes of `123`, `100K`, `100KB`, `1.5M`, `2G` (powers of 1024, as uWSGI counts). */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) return undefined;
  const bytes = Number(m[1]) * unit;
  return Number.isSafeInteger(Math.round(bytes)) ? Math.round(bytes) : undefined;
}

/** The way parseSize reads it back, in the largest unit that divides it: 102400 as `100K`. */
export function formatSize(bytes: number): string {
  for (const unit of ['g', 'm', 'k'] as const) {
    const size = SIZE_UNITS[unit]!;
    if (bytes !== 0 && bytes % size === 0) return `${bytes / size}${unit.toUpperCase()}`;
  }
  return String(bytes);
}

/** `SIGTERM`, `TERM`, `sigterm` or `15` to `SIGTERM`. */
export function parseSignal(text: string): NodeJS.Signals | undefined {
  const signals = constants.signals as Record<string, number>;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return Object.keys(signals).find((name) => signals[name] === n) as NodeJS.Signals | undefined;
  }
  const name = text.toUpperCase().startsWith('SIG') ? text.toUpperCase() : 'SIG' + text.toUpperCase();
  return Object.hasOwn(signals, name) ? (name as NodeJS.Signals) : undefined;
}
