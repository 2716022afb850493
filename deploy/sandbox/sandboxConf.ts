/**
 * Run a generated nginx site unprivileged, in a temp directory, with no TCP port: the site's
 * `listen` lines become one UNIX socket and its paths are moved into the directory. Everything
 * else in the site stays exactly as generated. Used by the tests and by measurePass.ts.
 */

/** The site with its listen lines replaced by `listen unix:SOCKET;` and each path in `paths` moved. */
export function sandboxSite(site: string, listenSocket: string, paths: Readonly<Record<string, string>> = {}): string {
  const listen = /^([ \t]*)listen [^;]*;[ \t]*$/gm;
  if (!listen.test(site)) throw new Error('Expected the site to have a `listen` line to replace, found none');
  let first = true;
  let out = site.replace(listen, (_line, indent: string) => {
    if (!first) return '';
    first = false;
    return `${indent}listen unix:${listenSocket};`;
  });
  out = out.replace(/^\n(?=\n)/gm, '');
  for (const [from, to] of Object.entries(paths)) out = out.split(from).join(to);
  return out;
}

export interface SandboxConfOptions {
  dir: string;
  sitePath: string;
  workerProcesses?: number;
  /** nginx's `user` directive: whom the workers run as (and, through its groups, which sockets they may open) */
  user?: string;
}

/**
 * A whole nginx.conf around one site: everything nginx writes goes to `dir`, workers run as the
 * current (root) user unless `user` says otherwise, so they can open sockets in a 0700 temp
 * directory, and the access log
 * records every upstream attempt: `$upstream_status` lists one status per try, so a retried
 * request shows as `502, 200` (or `-, 200` for a connection that failed before any answer).
 */
export function sandboxNginxConf(o: SandboxConfOptions): string {
  const d = o.dir;
  return `worker_processes ${o.workerProcesses ?? 1};
user ${o.user ?? 'root'};
daemon off;
error_log ${d}/error.log warn;
pid ${d}/nginx.pid;
events { worker_connections 4096; }
http {
  log_format tries '$msec $status $request_method $upstream_status "$upstream_addr" $request_time';
  access_log ${d}/access.log tries;
  # The load generators keep their connections for a whole run; nginx would close each after 1000 requests.
  keepalive_requests 1000000;
  client_body_temp_path ${d}/body; proxy_temp_path ${d}/proxy; fastcgi_temp_path ${d}/fcgi;
  uwsgi_temp_path ${d}/uwsgi; scgi_temp_path ${d}/scgi;
  include ${o.sitePath};
}
`;
}

export interface AccessLine {
  /** when nginx logged it (the end of the request), ms since the epoch */
  atMs: number;
  status: number;
  method: string;
  /** one entry per upstream attempt */
  upstreamStatuses: string[];
  upstreamAddrs: string[];
}

export function parseAccessLog(text: string): AccessLine[] {
  const out: AccessLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^([\d.]+) (\d{3}) (\S+) (.*?) "(.*)" [\d.]+$/.exec(line);
    if (!m) continue;
    out.push({
      atMs: Math.round(Number(m[1]) * 1000),
      status: Number(m[2]),
      method: m[3]!,
      upstreamStatuses: m[4]!.split(/\s*[,:]\s*/).filter((s) => s !== '' && s !== '-'),
      upstreamAddrs: m[5]!.split(/\s*[,:]\s+/).filter((s) => s !== '' && s !== '-'),
    });
  }
  return out;
}
