import { availableParallelism } from 'node:os';
import { parseAddress } from '../../core/net/address.js';
import { acceptMode, type Config } from './options.js';

/** The summary the master logs at start: what it listens on, how it scales, what guards are on. */
export function describeConfig(config: Config): string {
  const c = config;
  const off = (n: number, unit: string) => (n > 0 ? `${n}${unit}` : 'off');
  const mode = c['chmod-socket'] === null ? '' : ` (chmod ${c['chmod-socket'].toString(8).padStart(3, '0')})`;
  const listeners = [...c.http.map((a) => `http ${a}`), ...c.socket.map((a) => `uwsgi ${a}${mode}`)];
  // Who accepts matters for TCP listeners only: the master always accepts on UNIX sockets.
  const tcp = [...c.http, ...c.socket].some((a) => parseAddress(a).kind === 'tcp');
  const who = tcp ? `; ${acceptMode(c.accept)} accept${c.accept === 'auto' ? ` (auto, ${availableParallelism()} cores)` : ''}` : '';
  const lines = [`listening: ${listeners.join(', ')}; queue ${c.listen}${who}`];

  if (c.cheaper === 0) {
    lines.push(`workers:   ${c.workers} (fixed: cheaper 0)`);
  } else {
    lines.push(
      `workers:   min ${c.cheaper}, initial ${c['cheaper-initial']}, max ${c.workers}; ${scalingText(c)}, check every ${c['cheaper-check-interval']} s`,
    );
  }
  const soft = c['cheaper-rss-limit-soft'];
  const hard = c['cheaper-rss-limit-hard'];
  if (soft > 0 || hard > 0) lines.push(`rss limit: soft ${soft > 0 ? bytes(soft) : 'off'}, hard ${hard > 0 ? bytes(hard) : 'off'}`);

  const statsKind = c['stats-http'] ? 'HTTP' : 'raw JSON';
  lines.push(
    `stats:     ${c.stats === '' ? 'off' : `${c.stats} (${statsKind})`}; metrics ${c.metrics === '' ? 'at /metrics on the http listener' : c.metrics}`,
  );

  const graceful = c['harakiri-graceful-timeout'] > 0 ? ` (${c['harakiri-graceful-signal']}, SIGKILL after ${c['harakiri-graceful-timeout']} s)` : '';
  lines.push(
    `lifecycle: harakiri ${off(c.harakiri, ' s')}${graceful}; max-requests ${off(c['max-requests'], '')}; ` +
      `max-worker-lifetime ${off(c['max-worker-lifetime'], ' s')}; reload-on-rss ${off(c['reload-on-rss'], ' MB')}; ` +
      `evil-reload-on-rss ${off(c['evil-reload-on-rss'], ' MB')}; worker-reload-mercy ${c['worker-reload-mercy']} s`,
  );
  lines.push(
    `model:     ${c.model === '' ? 'shipped default' : c.model}; backend ${c.backend}; max body ${bytes(c['max-body-size'])}; ` +
      `max batch ${c['max-batch']}${c['simulate-latency'] > 0 ? `; simulated latency ${c['simulate-latency']} ms` : ''}`,
  );
  const extras = [
    c.pidfile !== '' ? `pidfile ${c.pidfile}` : '',
    c['master-fifo'] !== '' ? `master-fifo ${c['master-fifo']}` : '',
    c.chdir !== '' ? `chdir ${c.chdir}` : '',
    c.uid !== '' || c.gid !== '' ? `run as ${[c.uid === '' ? '' : `uid ${c.uid}`, c.gid === '' ? '' : `gid ${c.gid}`].filter((x) => x !== '').join(', ')}` : '',
    c['chown-socket'] !== '' ? `chown-socket ${c['chown-socket']}` : '',
    c['die-on-term'] ? '' : 'SIGTERM reloads (die-on-term off)',
    c['disable-logging'] ? 'access log off' : `access log ${c['log-format']}`,
  ].filter((s) => s !== '');
  lines.push(`process:   ${extras.join('; ')}`);
  return lines.join('\n');
}

/** 102400 as `100 KiB`; a size that is no whole multiple stays in the next smaller unit. */
function bytes(n: number): string {
  const units = ['GiB', 'MiB', 'KiB'];
  for (const [i, unit] of units.entries()) {
    const size = 1024 ** (units.length - i);
    if (n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} B`;
}

function scalingText(c: Config): string {
  const step = `step ${c['cheaper-step']}`;
  switch (c['cheaper-algo']) {
    case 'spare':
      return `algorithm spare (${step}, spawn after ${c['cheaper-overload']} busy checks)`;
    case 'spare2':
      return `algorithm spare2 (${step}, cheap after ${c['cheaper-idle']} idle checks)`;
    case 'backlog':
      return `algorithm backlog (${step}, spawn above ${c['cheaper-overload']} queued)`;
    case 'busyness':
      return (
        `algorithm busyness (${step}, ${c['cheaper-busyness-min']}-${c['cheaper-busyness-max']} % over ` +
        `${c['cheaper-overload']} s, multiplier ${c['cheaper-busyness-multiplier']})`
      );
    case 'manual':
      return 'algorithm manual (master FIFO + and -)';
  }
}
