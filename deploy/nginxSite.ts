/**
 * The nginx site (for /etc/nginx/sites-available/) of a deployment plan. Pure: plan in, text out.
 * The comments in the output say why each setting is there, for whoever reads the installed file.
 */
import type { DeployPlan } from './plan.js';

/** nginx's size syntax: 100k, 2m, or bytes. */
export function nginxSize(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}m`;
  if (bytes % 1024 === 0) return `${bytes / 1024}k`;
  return String(bytes);
}

export function renderNginxSite(plan: DeployPlan): string {
  const { request: r, upstream: u, nginx: n } = plan;
  const http = r.proxy === 'http';
  const p = http ? 'proxy' : 'uwsgi';
  const several = u.servers.length > 1;
  const lines: string[] = [
    `# nginx site for ${plan.name}, written by \`tidepool deploy\` from ${r.iniPath}.`,
    '# Regenerate it rather than editing it: the ini decides the limits and timeouts below.',
    '',
    `upstream ${u.name} {`,
  ];
  if (u.balance) {
    lines.push(
      '    # Each request goes to the machine with the fewest requests in flight: a machine slowed by',
      '    # a long prediction or a scale-up gets fewer, where round-robin would queue behind it.',
      `    ${u.balance};`,
    );
  }
  if (u.zone) lines.push('    # Failure counts shared by all nginx workers, so a dead machine is skipped by all at once.', `    zone ${u.zone} 64k;`);
  if (several) {
    const s = u.servers[0]!;
    lines.push(
      `    # Passive health check: ${s.maxFails} failed attempts within ${s.failTimeoutS} s take a machine out for ${s.failTimeoutS} s;`,
      '    # then one real request probes it (and is retried elsewhere if it fails).',
    );
  } else {
    lines.push("    # tidepool's master queues requests and hands each to an idle worker: one server line is the whole pool.");
  }
  for (const s of u.servers) {
    const check = s.maxFails === null ? '' : ` max_fails=${s.maxFails} fail_timeout=${s.failTimeoutS}s`;
    lines.push(`    server ${s.address}${check};`);
  }
  if (u.keepalive !== null) {
    lines.push(
      '    # Idle connections each nginx worker keeps open: a kept-alive request goes straight to a',
      '    # worker, with no connect and no hand-off by the master. nginx closes them after',
      `    # ${u.keepaliveTimeoutS} s, before tidepool does (${u.serverKeepaliveTimeoutS} s), so it never sends on a connection being closed.`,
      `    keepalive ${u.keepalive};`,
      `    keepalive_timeout ${u.keepaliveTimeoutS}s;`,
    );
  } else {
    lines.push('    # No keepalive: nginx closes every uwsgi_pass connection after its response (the uwsgi protocol has no framing to keep one).');
  }
  lines.push(
    '}',
    '',
    'server {',
    `    listen ${r.port};`,
    `    listen [::]:${r.port};`,
    `    server_name ${r.serverName};`,
    '    server_tokens off;',
    '',
    `    # max-body-size = ${n.clientMaxBodyBytes} bytes. nginx refuses a larger POST body itself (413) and keeps`,
    '    # bodies in memory up to that size. A GET carries its text in the request line: lines up to',
    '    # max-body-size + 1 KB reach tidepool (which answers 413 just above its limit), longer ones get 414.',
    `    client_max_body_size ${nginxSize(n.clientMaxBodyBytes)};`,
    `    client_body_buffer_size ${nginxSize(n.clientMaxBodyBytes)};`,
    `    large_client_header_buffers 4 ${nginxSize(n.headerBufferBytes)};`,
    '',
    '    # Only the API is public. /metrics, /healthz and /readyz (pids, worker counts) and the stats',
    "    # socket stay on the machines: Prometheus and checks use tidepool's own listener.",
    '    location = /predict {',
  );
  if (http) {
    lines.push(
      `        proxy_pass http://${u.name};`,
      '        # HTTP/1.1 with no Connection header: what lets the upstream connections stay open.',
      '        proxy_http_version 1.1;',
      '        proxy_set_header Connection "";',
      '        proxy_set_header Host $host;',
      '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      '        proxy_set_header X-Forwarded-Proto $scheme;',
    );
  } else {
    lines.push('        include /etc/nginx/uwsgi_params;', `        uwsgi_pass ${u.name};`);
  }
  const harakiriWords =
    n.harakiriS === 0
      ? "harakiri is off, so nginx's default 60 s"
      : `harakiri = ${n.harakiriS} s${n.harakiriGraceS > 0 ? ` (+ ${n.harakiriGraceS} s graceful)` : ''}, so tidepool ends a runaway request before nginx gives up`;
  lines.push(
    '',
    `        ${p}_connect_timeout ${n.connectTimeoutS}s;`,
    `        # Waiting for the answer: ${harakiriWords}.`,
    `        ${p}_read_timeout ${n.readTimeoutS}s;`,
    '',
    '        # Re-send a request that could not be delivered, or whose connection closed before an answer',
    `        # (a kept-alive connection closed by a reload, a ${several ? 'dead machine' : 'worker stopping'}).`,
    '        # non_idempotent: POST /predict changes nothing on the server (a prediction is a pure function',
    '        # of its text), so re-sending it is as safe as re-sending a GET. Without it, nginx answers 502',
    '        # to a POST that meets such a closing connection.',
    `        # At most ${n.nextUpstreamTries} tries: a text that gets its worker killed (harakiri) must not take down a worker everywhere.`,
    `        ${p}_next_upstream error timeout non_idempotent;`,
    `        ${p}_next_upstream_tries ${n.nextUpstreamTries};`,
    `        ${p}_next_upstream_timeout ${n.readTimeoutS}s;`,
    '    }',
    '',
    '    location / {',
    '        default_type application/json;',
    `        return 404 '{"error":"Not found: this server answers GET /predict?text=... and POST /predict"}\\n';`,
    '    }',
    '}',
    '',
  );
  return lines.join('\n');
}
