import { formatSize } from './coerce-value.js';
import { defaultValue, isList, type OptionSpec } from './options.js';

/** How an option reads on a command line: `-p, --workers N`, `--[no-]vacuum`, `--chmod-socket [MODE]`. */
export function flagUsage(spec: OptionSpec): string {
  const short = spec.short === undefined ? '' : `-${spec.short}, `;
  if (spec.type === 'bool') return spec.flagOnly ? `${short}--${spec.name}` : `${short}--[no-]${spec.name}`;
  return `${short}--${spec.name} ${metavar(spec)}`;
}

function metavar(spec: OptionSpec): string {
  if (spec.metavar !== undefined) return spec.metavar;
  switch (spec.type) {
    case 'int':
      return 'N';
    case 'float':
      return 'SECONDS';
    case 'size':
      return 'SIZE';
    case 'mode':
      return '[MODE]';
    case 'signal':
      return 'SIGNAL';
    case 'enum':
      return spec.choices.join('|');
    case 'env':
      return 'KEY=VALUE';
    case 'address':
      return 'ADDRESS';
    case 'user':
      return 'USER';
    case 'group':
      return 'GROUP';
    case 'owner':
      return 'USER[:GROUP]';
    case 'string':
    case 'bool':
      return 'PATH';
  }
}

/** The default as a person reads it: `100`, `true`, `none`, or the table's wording when the value would mislead. */
export function defaultDisplay(spec: OptionSpec): string {
  if (spec.defaultText !== undefined) return spec.defaultText;
  const value = defaultValue(spec);
  if (isList(spec) || value === '' || value === null) return 'none';
  if (spec.type === 'size' && typeof value === 'number') return formatSize(value);
  return String(value);
}

export function aliasesDisplay(spec: OptionSpec, prefix: string): string {
  return (spec.aliases ?? []).map((a) => `${prefix}${a}`).join(', ');
}
