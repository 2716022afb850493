/**
 * The systemd unit (for /etc/systemd/system/) of a deployment plan. Pure: plan in, text out.
 */
import { RUNTIME_DIR, type DeployPlan } from './plan.js';

/**
 * One word of an Exec*= line: systemd expands `%` specifiers and `$VAR`, and splits at spaces
 * unless quoted, so a path with any of them must be escaped to reach the program unchanged.
 */
export function systemdWord(word: string): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (!/[\s"'\\]/.test(escaped) && escaped !== '') return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A path in a setting such as WorkingDirectory= (specifiers expand there too, no splitting). */
function systemdPath(p: string): string {
  return p.replace(/%/g, '%%');
}

export function renderSystemdUnit(plan: DeployPlan): string {
  const { request: r, service: s } = plan;
  const exec = (words: readonly string[]): string => words.map(systemdWord).join(' ');
  const lines = [
    `# systemd unit for ${plan.name}, written by \`tidepool deploy\` from ${r.iniPath}.`,
    '# Regenerate it rather than editing it; local changes belong in `systemctl edit tidepool`.',
    '[Unit]',
    `Description=tidepool prediction server (${r.iniPath})`,
    'After=network.target',
    '',
    '[Service]',
    'Type=simple',
    `# systemd starts tidepool as this account${r.accountFromIni ? " (the ini's uid and gid)" : ''}, so it never runs as root`,
    "# and needs no capability; tidepool's own uid/gid drop is for starting it as root by hand.",
    `User=${r.user}`,
    `Group=${r.group}`,
    `WorkingDirectory=${systemdPath(s.workingDirectory)}`,
    `ExecStart=${exec(s.execStart)}`,
    '# `systemctl reload`: a chain reload through the master FIFO, one worker at a time, no request lost.',
    `ExecReload=${exec(s.execReload)}`,
    'Restart=on-failure',
    'RestartSec=2',
    '# SIGTERM goes to the master alone (die-on-term): it stops accepting, lets the requests it',
    `# accepted finish (reload-mercy = ${s.drainS} s) and stops its workers itself. Whatever is`,
    '# still running after TimeoutStopSec gets SIGKILL, workers included.',
    'KillMode=mixed',
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${s.timeoutStopS}`,
    '# Sockets, stats and the master FIFO live here, created at start and removed at stop. Mode 750:',
    `# nginx reaches the sockets through the ${r.group} group; other users cannot even list them.`,
    `RuntimeDirectory=${s.runtimeDirectory}`,
    'RuntimeDirectoryMode=0750',
    'StandardOutput=journal',
    'StandardError=journal',
    `SyslogIdentifier=${plan.name}`,
    'LimitNOFILE=65536',
    '',
    '# Hardening: the service reads its checkout and writes only its runtime directory.',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
  ];
  if (s.readWritePaths.length > 0) {
    lines.push(
      `# The ini puts sockets, a FIFO or a pidfile here (a socket in ${RUNTIME_DIR} would need no exception).`,
      `ReadWritePaths=${s.readWritePaths.map(systemdPath).join(' ')}`,
    );
  }
  if (s.protectHome === 'read-only') lines.push('# read-only rather than yes: the checkout, node or the model is under a home directory.');
  lines.push(
    `ProtectHome=${s.protectHome}`,
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'PrivateMounts=yes',
    '# A service that never runs as root needs no capability.',
    'CapabilityBoundingSet=',
    'AmbientCapabilities=',
    'UMask=0027',
    'RemoveIPC=yes',
    "# Other users' processes are hidden; the master still reads its own workers' memory in /proc.",
    'ProtectProc=invisible',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
    'RestrictNamespaces=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'SystemCallArchitectures=native',
    "# Not MemoryDenyWriteExecute=yes: V8 compiles JavaScript and WebAssembly (the model's backend)",
    '# into memory it writes and then executes; with it, node cannot run.',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  );
  return lines.join('\n');
}
