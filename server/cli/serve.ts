/**
 * `tidepool serve [options]` (and `npm start`): read the configuration, bind every listener,
 * drop privileges when started as root with `uid`/`gid`, start the pool, and turn signals into
 * uWSGI's actions (SIGTERM/SIGINT shutdown, SIGHUP graceful reload).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAddress } from '../../core/net/address.js';
import { ConfigError, helpText, loadConfig, type Config, type LoadedConfig } from '../config/index.js';
import { describeConfig } from '../config/describe.js';
import { DEFAULT_MODEL_DIR } from '../../models/index.js';
import { log } from '../log.js';
import { Master, writePidfile } from '../master/master.js';
import { startStats } from '../stats/start.js';
import { startMasterFifo } from '../master/fifo.js';
import { systemAccounts } from '../privileges/accounts.js';
import { applyPrivileges, type OwnedFiles } from '../privileges/drop.js';
import { planPrivileges, type Identity, type PrivilegePlan } from '../privileges/plan.js';
import { cannotRemove } from '../privileges/removal.js';
import { checkScalingConfig, ScalingInputError } from '../scaling/params.js';
import { resolveApp, type ResolvedApp } from '../userApp/resolveApp.js';

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText());
    return 0;
  }
  let loaded: LoadedConfig;
  let privileges: PrivilegePlan;
  try {
    loaded = loadConfig(argv, process.env, process.cwd());
    checkScalingConfig(loaded.config);
    // Before anything listens: an unknown user must not leave a half-started server behind.
    privileges = planPrivileges(loaded.config, currentIdentity(), systemAccounts);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ScalingInputError) {
      process.stderr.write(`tidepool: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  for (const w of [...loaded.warnings, ...privileges.warnings]) log('warn', w);
  let config = loaded.config;
  if (config.chdir) process.chdir(config.chdir);
  let app: ResolvedApp;
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
  const stats = await startStats(master);
  if (stats === null) return master.exited;
  const fifo = config['master-fifo'] ? startMasterFifo(master, config['master-fifo']) : null;
  if (config.pidfile) writePidfile(config.pidfile);
  const files = ownedFiles(master, config);
  // What tidepool removes at exit: the pidfile always, the sockets and the FIFO with vacuum.
  const removed = config.vacuum ? [...files.sockets, ...files.own] : files.own.filter((p) => p === path.resolve(config.pidfile));
  try {
    applyPrivileges(privileges, files);
  } catch (e) {
    log('error', `could not drop privileges: ${(e as Error).message}; stopping`);
    await master.shutdown('the privilege drop failed', 1);
    await stats.close();
    fifo?.close();
    return master.exited;
  }
  if (privileges.drop !== null) {
    log('info', `running as ${privileges.drop.text}: listeners bound, workers start under this identity`);
    for (const { file, reason } of removalProblems(removed)) {
      const advice = 'keep it in a directory that user owns (systemd: RuntimeDirectory=)';
      log('warn', `vacuum: ${file} cannot be removed at exit by uid ${process.getuid!()}: ${reason ?? 'unknown'}; ${advice}`);
    }
  }
  master.startPool();

  const onStop = (sig: string) => () => void master.shutdown(`received ${sig}`);
  process.on('SIGINT', onStop('SIGINT'));
  process.on('SIGTERM', config['die-on-term'] ? onStop('SIGTERM') : () => master.reloadAll('received SIGTERM without die-on-term'));
  process.on('SIGQUIT', onStop('SIGQUIT'));
  process.on('SIGHUP', () => master.reloadAll('received SIGHUP'));

  const code = await master.exited;
  await stats.close();
  // After a drop these throw when the directory does not let this user remove what root created; what is left is reported below.
  ignoreErrors(() => fifo?.close());
  if (config.pidfile) ignoreErrors(() => fs.rmSync(config.pidfile, { force: true }));
  for (const { file, reason } of removalProblems(
    removed.filter((p) => fs.existsSync(p)),
    true,
  )) {
    log('warn', `vacuum: left ${file} behind${reason === null ? '' : `: ${reason}`}`);
  }
  log('info', `exiting with code ${code}`);
  return code;
}

function ignoreErrors(action: () => void): void {
  try {
    action();
  } catch {
    // reported as a leftover
  }
}

function currentIdentity(): Identity {
  return { uid: process.getuid!(), gid: process.getgid!(), groups: process.getgroups!() };
}

/** The files the master created as whoever started it, by who should own them after a drop. */
function ownedFiles(master: Master, c: Config): OwnedFiles {
  const unixPath = (text: string): string[] => {
    if (text === '') return [];
    const a = parseAddress(text);
    return a.kind === 'unix' ? [path.resolve(a.path)] : [];
  };
  return {
    sockets: master.listeners.flatMap((l) => (l.address.kind === 'unix' ? [path.resolve(l.address.path)] : [])),
    own: [...unixPath(c.stats), ...unixPath(c.metrics), ...[c['master-fifo'], c.pidfile].filter((p) => p !== '').map((p) => path.resolve(p))],
  };
}

/** Why the identity now in effect could not remove each of `files` (only the ones it could not, unless `all`). */
function removalProblems(files: readonly string[], all = false): Array<{ file: string; reason: string | null }> {
  const me = currentIdentity();
  const out: Array<{ file: string; reason: string | null }> = [];
  for (const file of files) {
    let reason: string | null;
    try {
      reason = cannotRemove(fs.statSync(path.dirname(file)), fs.statSync(file), me);
    } catch (e) {
      reason = (e as Error).message;
    }
    if (reason !== null || all) out.push({ file, reason });
  }
  return out;
}
