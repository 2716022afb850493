/**
 * `tidepool deploy --ini FILE [options]` (and `npm run deploy -- ...`): read the ini, decide the
 * deployment (plan.ts), write the nginx site, the systemd unit, the ini lines it still needs and
 * NEXT-STEPS.txt into --out, and say what was written. The only module here that does I/O.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkScalingConfig, ConfigError, loadConfig, ScalingInputError, splitIniArgument } from '../server/index.js';
import { renderIniAdditions, renderNextSteps, type OutputFiles } from './nextSteps.js';
import { renderNginxSite } from './nginxSite.js';
import { DEFAULT_PROXY, buildPlan, PROXY_PASS, serviceAccount, type DeployPlan, type DeployRequest } from './plan.js';
import { parseCommandLine } from '../core/cli/usage.js';
import { TIDEPOOL_CLI } from '../core/paths.js';
import { DEPLOY_USAGE, parseDeployArgs, type DeployOptions } from './options.js';
import { renderSystemdUnit } from './systemdUnit.js';

export const FILE_NAMES = {
  site: 'tidepool.nginx',
  unit: 'tidepool.service',
  additions: 'ini-additions.ini',
  nextSteps: 'NEXT-STEPS.txt',
} as const;

export interface Deployment {
  plan: DeployPlan;
  files: OutputFiles;
  texts: { site: string; unit: string; additions: string | null; nextSteps: string };
  configWarnings: string[];
}

/**
 * Reads the ini and renders every file, writing nothing. The service gets none of the caller's
 * TIDEPOOL_* variables, so they are left out here too: the files describe what systemd will run.
 */
export function prepareDeployment(options: DeployOptions, cwd: string, env: NodeJS.ProcessEnv): Deployment {
  const serviceEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('TIDEPOOL_')));
  const { file, section } = splitIniArgument(options.ini);
  const iniPath = path.resolve(cwd, file);
  const loaded = loadConfig(['--ini', section === undefined ? iniPath : `${iniPath}:${section}`], serviceEnv, cwd);
  // The checks `tidepool serve` makes before it starts: a unit for an ini that cannot start helps nobody.
  checkScalingConfig(loaded.config);
  const account = serviceAccount(loaded.config, options);
  const request: DeployRequest = {
    iniArgument: section === undefined ? iniPath : `${iniPath}:${section}`,
    iniPath,
    user: account.user,
    group: account.group,
    accountFromIni: account.fromIni,
    serverName: options.serverName,
    port: options.port,
    backends: options.backends,
    proxy: options.proxy ?? DEFAULT_PROXY,
    nodePath: process.execPath,
    cliPath: TIDEPOOL_CLI,
  };
  const plan = buildPlan(loaded.config, request);
  const outDir = path.resolve(cwd, options.out);
  const additions = renderIniAdditions(plan);
  const files: OutputFiles = {
    site: path.join(outDir, FILE_NAMES.site),
    unit: path.join(outDir, FILE_NAMES.unit),
    additions: additions === null ? null : path.join(outDir, FILE_NAMES.additions),
    nextSteps: path.join(outDir, FILE_NAMES.nextSteps),
  };
  const ignoredEnv = Object.keys(env).filter((k) => k.startsWith('TIDEPOOL_'));
  const configWarnings = [...loaded.warnings];
  if (ignoredEnv.length > 0) configWarnings.push(`ignored ${ignoredEnv.join(', ')}: the service will not have them; put the settings in the ini`);
  return {
    plan,
    files,
    texts: { site: renderNginxSite(plan), unit: renderSystemdUnit(plan), additions, nextSteps: renderNextSteps(plan, files) },
    configWarnings,
  };
}

export async function main(argv: string[]): Promise<number> {
  const options = parseCommandLine(
    'deploy',
    () => parseDeployArgs(argv),
    () => DEPLOY_USAGE,
  );
  if (typeof options === 'number') return options;
  let deployment: Deployment;
  try {
    deployment = prepareDeployment(options, process.cwd(), process.env);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ScalingInputError) {
      process.stderr.write(`tidepool deploy: in --ini ${JSON.stringify(options.ini)}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const { plan, files, texts, configWarnings } = deployment;
  fs.mkdirSync(path.dirname(files.site), { recursive: true });
  fs.writeFileSync(files.site, texts.site);
  fs.writeFileSync(files.unit, texts.unit);
  const staleAdditions = path.join(path.dirname(files.site), FILE_NAMES.additions);
  if (files.additions !== null && texts.additions !== null) fs.writeFileSync(files.additions, texts.additions);
  else fs.rmSync(staleAdditions, { force: true });
  fs.writeFileSync(files.nextSteps, texts.nextSteps);

  const r = plan.request;
  const upstream = plan.upstream.servers.map((s) => s.address).join(', ');
  const say = (line: string): boolean => process.stdout.write(line + '\n');
  for (const w of configWarnings) say(`warning (ini): ${w}`);
  say(`wrote ${files.site}   nginx site: port ${r.port}, ${PROXY_PASS[r.proxy]} to ${upstream}`);
  say(`wrote ${files.unit}   systemd unit: ${r.user}:${r.group}, ${r.iniArgument}`);
  if (files.additions !== null)
    say(`wrote ${files.additions}   ${plan.iniAdditions.length} line(s) the ini still needs: ${plan.iniAdditions.map((a) => a.key).join(', ')}`);
  else say('the ini has everything the deployment needs');
  say(`wrote ${files.nextSteps}   the commands that install them`);
  for (const w of plan.warnings) say(`note: ${w}`);
  return 0;
}
