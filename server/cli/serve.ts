/**
 * `tidepool serve [options]` (and `npm start`): read the configuration, start the master,
 * and turn signals into uWSGI's actions (SIGTERM/SIGINT shutdown, SIGHUP graceful reload).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, helpText, loadConfig } from '../config/index.js';
import { describeConfig } from '../config/describe.js';
import { DEFAULT_MODEL_DIR } from '../../models/index.js';
import { log } from '../log.js';
import { Master, writePidfile } from '../master/master.js';
import { startStats } from '../stats/start.js';
import { startMasterFifo } from '../master/fifo.js';
import { checkScalingConfig, ScalingInputError } from '../scaling/params.js';
import { resolveApp } from '../userApp/resolveApp.js';

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText());
    return 0;
  }
  let loaded;
  try {
    loaded = loadConfig(argv, process.env, process.cwd());
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`tidepool: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
  for (const w of loaded.warnings) log('warn', w);
  let config = loaded.config;
  try {
    checkScalingConfig(config);
  } catch (e) {
    if (!(e instanceof ScalingInputError)) throw e;
    process.stderr.write(`tidepool: ${e.message}\n`);
    return 2;
  }
  if (config.chdir) process.chdir(config.chdir);
  let app;
  try {
    app = resolveApp(config, process.cwd());
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`tidepool: ${e.message}\n`);
    return e.exitCode;
  }
  for (const w of app.warnings) log('warn', w);
  // Workers take the app as resolved here: one absolute file (or none: the built-in /predict).
  config = {
    ...config,
    model: config.model ? path.resolve(config.model) : DEFAULT_MODEL_DIR,
    file: app.target?.file ?? '',
    module: '',
    callable: app.target?.callable ?? '',
  };
  const target = app.target;
  const callable = target?.callable ? `\`${target.callable}\`` : '`app`, else the default export';
  log('info', `app: ${target ? `${target.file}, export ${callable}` : "tidepool's built-in /predict"}`);
  if (config['simulate-latency'] > 0) {
    log('warn', `simulate-latency is ON: every /predict holds its worker for ${config['simulate-latency']} ms (an experiment, not for production)`);
  }
  log('info', `starting${loaded.sources.ini ? ` from ${loaded.sources.ini}` : ''}\n${describeConfig(config)}`);

  const master = new Master(config);
  try {
    await master.listen();
  } catch (e) {
    process.stderr.write(`tidepool: ${(e as Error).message}\n`);
    await master.shutdown('start failed', 1);
    return 1;
  }
  master.startPool();
  const stats = await startStats(master);
  const fifo = config['master-fifo'] ? startMasterFifo(master, config['master-fifo']) : null;
  if (config.pidfile) writePidfile(config.pidfile);

  const onStop = (sig: string) => () => void master.shutdown(`received ${sig}`);
  process.on('SIGINT', onStop('SIGINT'));
  process.on('SIGTERM', config['die-on-term'] ? onStop('SIGTERM') : () => master.reloadAll('received SIGTERM without die-on-term'));
  process.on('SIGQUIT', onStop('SIGQUIT'));
  process.on('SIGHUP', () => master.reloadAll('received SIGHUP'));

  const code = await master.exited;
  await stats?.close();
  fifo?.close();
  if (config.pidfile) fs.rmSync(config.pidfile, { force: true });
  log('info', `exiting with code ${code}`);
  return code;
}
