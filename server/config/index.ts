export { ConfigError } from './config-error.js';
export { describeConfig } from './describe.js';
export { helpText } from './help-text.js';
export { loadConfig, type LoadedConfig } from './load-config.js';
export { OPTIONS, SECTIONS, envVarName, type Config, type OptionName, type OptionSpec, type Section } from './options.js';
export { optionsMarkdown } from './options-markdown.js';
export { parseIni, type IniEntry, type IniOptions } from './parse-ini.js';
