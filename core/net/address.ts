/**
 * uWSGI's address forms, shared by every listener (http, socket, stats) and every reader
 * (the dashboard, the bench):
 *   `127.0.0.1:1717`, `:1717` (all interfaces), `[::1]:1717`  -> TCP
 *   `@name`                                                -> Linux abstract UNIX socket
 *   `http://host:port[/path]`                              -> stats-http (readers only)
 *   anything else                                          -> UNIX socket path
 */
export type Address =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'unix'; path: string }
  | { kind: 'abstract'; name: string }
  | { kind: 'http'; host: string; port: number; path: string };

export class AddressError extends Error {}

export function parseAddress(text: string, what = 'address'): Address {
  const s = text.trim();
  if (s === '') throw new AddressError(`Expected ${what} to be a UNIX path, @abstract, HOST:PORT or http://HOST:PORT, got an empty string`);
  if (s.startsWith('http://')) {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      throw new AddressError(`Expected ${what} to be a valid http:// URL, got ${JSON.stringify(text)}`);
    }
    const port = url.port === '' ? 80 : Number(url.port);
    return { kind: 'http', host: url.hostname.replace(/^\[|\]$/g, ''), port, path: url.pathname + url.search };
  }
  if (s.startsWith('@')) {
    if (s.length === 1) throw new AddressError(`Expected ${what} to name an abstract socket after '@', got ${JSON.stringify(text)}`);
    return { kind: 'abstract', name: s.slice(1) };
  }
  // A path may contain ':' only if it also contains '/', so './a:b.sock' stays a path.
  const tcp = /^(\[[^\]]*\]|[^/:]*):(\d+)$/.exec(s);
  if (tcp) {
    const port = Number(tcp[2]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new AddressError(`Expected ${what} port to be 0-65535, got ${JSON.stringify(tcp[2])} in ${JSON.stringify(text)}`);
    }
    const host = tcp[1]!.replace(/^\[|\]$/g, '') || '0.0.0.0';
    return { kind: 'tcp', host, port };
  }
  if (s.includes(':') && !s.includes('/')) {
    throw new AddressError(`Expected ${what} as HOST:PORT with a numeric port, got ${JSON.stringify(text)}`);
  }
  return { kind: 'unix', path: s };
}

/** The form that net.Server#listen and net.connect take. */
export function listenTarget(a: Address): { host: string; port: number } | { path: string } {
  switch (a.kind) {
    case 'tcp':
    case 'http':
      return { host: a.host, port: a.port };
    case 'unix':
      return { path: a.path };
    case 'abstract':
      return { path: '\0' + a.name };
  }
}

export function formatAddress(a: Address): string {
  switch (a.kind) {
    case 'tcp':
      return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
    case 'unix':
      return a.path;
    case 'abstract':
      return '@' + a.name;
    case 'http':
      return `http://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}${a.path}`;
  }
}
