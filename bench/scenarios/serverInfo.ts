import type { Target } from '../target/target.js';
import type { ServerInfo } from './results.js';

export function serverInfo(target: Target): ServerInfo {
  return { url: target.url, started: target.started, args: target.args, serviceTimeMs: target.serviceTimeMs };
}
