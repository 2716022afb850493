/**
 * Generate the deployment files for a test exactly as `tidepool deploy` does (prepareDeployment
 * is the CLI minus the writing), from an ini written into a temp directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';
import { prepareDeployment, type Deployment } from '../../deploy/main.js';
import type { DeployOptions } from '../../deploy/options.js';
import { tempDir } from '../helpers/server.js';

const scratch: string[] = [];
after(() => {
  for (const d of scratch) fs.rmSync(d, { recursive: true, force: true });
});

/** A temp directory removed when the test file ends. */
export function scratchDir(prefix: string): string {
  const dir = tempDir(prefix);
  scratch.push(dir);
  return dir;
}

/** The ini the README recommends for one machine: everything in /run/tidepool, group-only sockets. */
export const PRODUCTION_INI = `[uwsgi]
http = /run/tidepool/http.sock
socket = /run/tidepool/uwsgi.sock
chmod-socket = 660
stats = /run/tidepool/stats.sock
master-fifo = /run/tidepool/master.fifo
harakiri = 30
max-body-size = 100K
reload-mercy = 20
`;

export function generate(dir: string, iniText: string, options: Partial<DeployOptions> = {}): Deployment {
  const ini = path.join(dir, 'tidepool.ini');
  fs.writeFileSync(ini, iniText);
  return prepareDeployment(
    { ini, user: null, group: null, out: path.join(dir, 'deploy-out'), serverName: '_', port: 80, backends: [], proxy: null, help: false, ...options },
    dir,
    {},
  );
}
