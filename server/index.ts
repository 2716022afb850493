/**
 * The server's public face: what the other parts (deploy, bench) may use of it. Everything else
 * under server/ is its own business; bin/tidepool.ts starts `serve` and `ctl` directly.
 */
export { ConfigError, loadConfig, OPTIONS, type Config, type OptionSpec } from './config/index.js';
export { coerceValue } from './config/coerce-value.js';
export { splitIniArgument } from './config/load-config.js';
export { type AcceptMode, BARE_CHMOD_SOCKET, DEFAULT_HTTP, findOption } from './config/options.js';
export { KEEP_ALIVE_TIMEOUT_MS } from './protocol/adoptingHttpServer.js';
export { checkScalingConfig, ScalingInputError } from './scaling/params.js';
