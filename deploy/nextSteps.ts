/**
 * The texts that tell the operator what to do with the generated files: the ini lines the
 * deployment needs, and NEXT-STEPS.txt with the exact commands. Pure: plan and file names in.
 */
import path from 'node:path';
import { NGINX_USER, PROXY_PASS, RUNTIME_DIR, SOCKET_MODE, type DeployPlan } from './plan.js';

/** Where the generated files were written, as the operator should type them. */
export interface OutputFiles {
  site: string;
  unit: string;
  /** null when the ini already has everything */
  additions: string | null;
  nextSteps: string;
}

export const SAMPLE_QUERY = '/predict?text=gold%20prices%20rise%20as%20the%20dollar%20falls';

/**
 * A `[tidepool]` section to append to the ini. uWSGI reads only `[uwsgi]`, tidepool reads both
 * in file order, and for single-valued options the last line wins, so appending overrides.
 */
export function renderIniAdditions(plan: DeployPlan): string | null {
  if (plan.iniAdditions.length === 0) return null;
  const lines = [
    `; Lines the deployment needs, by \`tidepool deploy\`: append them to ${plan.request.iniPath}.`,
    '; tidepool reads [uwsgi] and [tidepool] in file order and the last value of a setting wins.',
    '[tidepool]',
  ];
  for (const a of plan.iniAdditions) lines.push(`; ${a.why}`, `${a.key} = ${a.value}`);
  return lines.join('\n') + '\n';
}

function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function renderNextSteps(plan: DeployPlan, files: OutputFiles): string {
  const r = plan.request;
  const local = r.backends.length === 0;
  const cli = `${sh(r.nodePath)} ${sh(r.cliPath)}`;
  const out: string[] = [`tidepool deploy: next steps for ${r.iniPath}`, ''];
  let step = 0;
  const section = (title: string, ...body: string[]): void => {
    out.push(`${++step}. ${title}`, ...body.map((l) => (l === '' ? '' : `   ${l}`)), '');
  };

  if (plan.warnings.length > 0) {
    out.push('Read first:', ...plan.warnings.map((w) => `  - ${w}`), '');
  }
  if (local) {
    const via = `${PROXY_PASS[r.proxy]}, ${r.proxy === 'http' ? 'HTTP' : 'uwsgi protocol'}`;
    out.push(`Layout: nginx (port ${r.port}) -> ${plan.upstream.servers[0]!.address} (${via}) -> tidepool's master -> workers.`, '');
  } else {
    out.push(
      `Layout: nginx on this machine (port ${r.port}) balances over ${plan.upstream.servers.map((s) => s.address).join(', ')} (least_conn,`,
      `passive health checks); every backend machine runs tidepool under systemd with the same ini,`,
      `node and checkout at the same paths as here (${r.iniPath}, ${r.nodePath}).`,
      '',
    );
  }

  if (files.additions !== null) {
    section(
      `${local ? 'The' : 'On every backend machine, the'} ini needs these lines (${files.additions}):`,
      ...plan.iniAdditions.map((a) => `  ${a.key} = ${a.value}`),
      'Append them, then run `tidepool deploy` again with the same options: it should have nothing left to add.',
      `  sudo sh -c ${sh(`cat ${files.additions} >> ${r.iniPath}`)}`,
    );
  }

  section(
    local
      ? `The service's user and group, and nginx's user (${NGINX_USER}) in that group so it can open the ${SOCKET_MODE.toString(8)} sockets:`
      : "On every backend machine: the service's user and group:",
    `  sudo adduser --system --group --no-create-home --home /nonexistent ${r.user}${r.group === r.user ? '' : ` && sudo addgroup --system ${r.group} && sudo adduser ${r.user} ${r.group}`}`,
    ...(r.accountFromIni ? [`(${r.user}:${r.group} are the ini's uid and gid: skip the adduser line if they exist already.)`] : []),
    ...(local ? [`  sudo usermod -aG ${r.group} ${NGINX_USER}`] : []),
    `The checkout stays owned by root: the service reads it, and writes only ${RUNTIME_DIR}.`,
  );

  section(
    `${local ? 'Install' : 'On every backend machine: install'} and start the service:`,
    `  sudo install -m 644 ${files.unit} /etc/systemd/system/${plan.name}.service`,
    '  sudo systemctl daemon-reload',
    `  sudo systemctl enable --now ${plan.name}`,
    `  systemctl status ${plan.name} --no-pager`,
    `  journalctl -u ${plan.name} -f                # its log`,
    `  sudo systemctl reload ${plan.name}           # chain reload (after a model or code update)`,
  );

  if (!local) {
    const appPorts = [...new Set(r.backends.map((b) => b.port))].join(',');
    const statsPorts = [...new Set(plan.statsAddresses.map((a) => a.slice(a.lastIndexOf(':') + 1)))].join(',');
    section(
      'On every backend machine: the firewall. The app port also serves /metrics and /readyz, and the',
      'stats port has no authentication: open them to the nginx machine and your admin hosts only.',
      `  sudo ufw allow from NGINX_MACHINE_IP to any port ${appPorts} proto tcp`,
      `  sudo ufw allow from ADMIN_HOST_IP to any port ${statsPorts} proto tcp`,
      "(with ufw active, incoming is denied by default; or do the same with nftables or your cloud's",
      'security groups; better still, bind both to the private address instead of 0.0.0.0)',
    );
  }

  section(
    `${local ? 'Install' : 'On the nginx machine: install'} the site and reload nginx:`,
    `  sudo install -m 644 ${files.site} /etc/nginx/sites-available/${plan.name}`,
    `  sudo ln -sf /etc/nginx/sites-available/${plan.name} /etc/nginx/sites-enabled/${plan.name}`,
    ...(r.serverName === '_' ? [`  sudo rm -f /etc/nginx/sites-enabled/default     # Debian's default site also answers every host on port 80`] : []),
    '  sudo nginx -t && sudo systemctl reload nginx',
    ...(local ? [`(nginx's workers re-read their groups when they start, so the reload picks up the ${r.group} membership.)`] : []),
  );

  const host = r.serverName === '_' ? 'localhost' : r.serverName.split(' ')[0]!;
  const base = `http://${host}${r.port === 80 ? '' : `:${r.port}`}`;
  const checks = [
    `  curl -s '${base}${SAMPLE_QUERY}'`,
    `  curl -s -X POST -H 'content-type: application/json' -d '{"texts":["oil output cut","wheat harvest"]}' ${base}/predict`,
    `  curl -s -o /dev/null -w '%{http_code}\\n' ${base}/metrics      # 404: not public`,
  ];
  if (plan.localHttp !== null) {
    const target = plan.localHttp.startsWith('/')
      ? `sudo curl -s --unix-socket ${sh(plan.localHttp)} http://localhost`
      : `curl -s http://${plan.localHttp.replace(/^0\.0\.0\.0:/, '127.0.0.1:')}`;
    checks.push(`  ${target}/readyz          # readiness, from ${local ? 'the machine itself' : 'a backend machine itself'}`);
    checks.push(`  ${target}/metrics         # what Prometheus scrapes`);
  } else {
    checks.push(
      "(/readyz and /metrics are answered on tidepool's http listener; with only a uwsgi socket, add",
      ` \`http = ${RUNTIME_DIR}/http.sock\` or \`metrics = 127.0.0.1:9191\` to the ini to reach them)`,
    );
  }
  if (plan.statsAddresses.length > 0) {
    const repo = path.resolve(path.dirname(r.cliPath), '..', '..', '..');
    checks.push(`  cd ${sh(repo)} && ${local ? 'sudo ' : ''}npm run top -- ${plan.statsAddresses.map(sh).join(' ')}`);
    checks.push(`  ${local ? 'sudo ' : ''}${cli} top --once ${plan.statsAddresses.map(sh).join(' ')}    # one plain-text table`);
  }
  section('Check it:', ...checks);
  return out.join('\n');
}
