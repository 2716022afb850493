import os from 'node:os';
import { MODEL_LOAD_FAILED_EXIT } from '../../worker/settings.js';

/** "killed by SIGKILL", "exited with code 1": a process outcome in words. */
export function exitWords(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) {
    const num = os.constants.signals[signal];
    return `killed by ${signal}${num ? ` (signal ${num})` : ''}`;
  }
  if (code === 0) return 'exited normally (code 0)';
  if (code === MODEL_LOAD_FAILED_EXIT) return `exited with code ${code} (the model failed to load)`;
  if (code === 134) return 'exited with code 134 (aborted: out of memory?)';
  return `exited with code ${code}`;
}
