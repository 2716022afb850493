import { aliasesDisplay, defaultDisplay, flagUsage } from './option-text.js';
import { OPTIONS, SECTIONS, type OptionSpec } from './options.js';
import { ignoredUwsgiOptionNames } from './uwsgi-ignored.js';

const WIDTH = 100;
const FLAG_COLUMN = 36;

/** `tidepool serve --help`, generated from the option table and grouped by section. */
export function helpText(): string {
  const lines = [
    'Usage: tidepool serve [options] [FILE.ini[:SECTION]]',
    '',
    'Serve the model from a master process and a pool of workers that grows and shrinks with the load,',
    'the way uWSGI does. Every option is also an ini key (in the [uwsgi] or [tidepool] section) and an',
    'environment variable TIDEPOOL_<NAME> (TIDEPOOL_CHEAPER_ALGO=spare). Later sources win:',
    'defaults < ini file < environment < command line. An ini key that is no option is a placeholder',
    'for %(key), as in uWSGI: one that nothing uses gets a warning, and with `strict` an error.',
  ];
  for (const section of SECTIONS) {
    lines.push('', `${section}:`);
    for (const spec of OPTIONS as readonly OptionSpec[]) {
      if (spec.section === section) lines.push(...optionLines(spec));
    }
  }
  lines.push('', ignoredLine(ignoredUwsgiOptionNames()));
  return lines.join('\n') + '\n';
}

/** As many of the ignored uWSGI options as the help's width holds, in the table's order. */
function ignoredLine(names: readonly string[]): string {
  const line = (shown: readonly string[]) => `uWSGI options without meaning here (${[...shown, '...'].join(', ')}) are accepted with a warning.`;
  let shown: string[] = [];
  for (const name of names) {
    if (line([...shown, name]).length > WIDTH) break;
    shown = [...shown, name];
  }
  return line(shown);
}

function optionLines(spec: OptionSpec): string[] {
  let text = spec.help;
  const aliases = aliasesDisplay(spec, '--');
  if (aliases !== '') text += ` Alias: ${aliases}.`;
  if (!spec.flagOnly) text += ` Default: ${defaultDisplay(spec)}.`;
  const words = text.split(' ');
  const body: string[] = [];
  let current = '';
  for (const word of words) {
    if (current !== '' && FLAG_COLUMN + current.length + 1 + word.length > WIDTH) {
      body.push(current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  body.push(current);
  const flag = `  ${flagUsage(spec)}`;
  const indent = ' '.repeat(FLAG_COLUMN);
  // A flag too long for its column gets the text on the next line rather than a ragged layout.
  const first = flag.length < FLAG_COLUMN - 1 ? [flag.padEnd(FLAG_COLUMN) + body[0]] : [flag, indent + body[0]];
  return [...first, ...body.slice(1).map((line) => indent + line)];
}
