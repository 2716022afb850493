import { aliasesDisplay, defaultDisplay, flagUsage } from './option-text.js';
import { envVarName, OPTIONS, SECTIONS, type OptionSpec } from './options.js';
import { findIgnoredUwsgiOption, ignoredUwsgiOptionNames } from './uwsgi-ignored.js';

/** The options as Markdown tables, one per section, for the README; generated so the docs cannot drift. */
export function optionsMarkdown(): string {
  const out: string[] = [];
  for (const section of SECTIONS) {
    out.push(`### ${section}`, '', '| option | command line | environment | default | meaning |', '|---|---|---|---|---|');
    for (const spec of OPTIONS as readonly OptionSpec[]) {
      if (spec.section !== section) continue;
      const aliases = aliasesDisplay(spec, '');
      const name =
        `\`${spec.name}\`` +
        (aliases === ''
          ? ''
          : ` (alias ${aliases
              .split(', ')
              .map((a) => `\`${a}\``)
              .join(', ')})`);
      const env = spec.flagOnly ? '' : `\`${envVarName(spec.name)}\``;
      const def = spec.flagOnly ? '' : defaultDisplay(spec);
      out.push(`| ${[name, `\`${flagUsage(spec)}\``, env, def, spec.help].map(cell).join(' | ')} |`);
    }
    out.push('');
  }
  out.push('### uWSGI options accepted and ignored', '', 'Each gives a warning at start; the server still starts.', '', '| option | why |', '|---|---|');
  for (const name of ignoredUwsgiOptionNames()) out.push(`| \`${name}\` | ${cell(findIgnoredUwsgiOption(name)!.reason)} |`);
  return out.join('\n') + '\n';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
