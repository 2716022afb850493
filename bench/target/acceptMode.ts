import { type AcceptMode, findOption } from '../../server/index.js';

export type { AcceptMode };

/**
 * Who accepts the TCP connections of a tidepool the bench starts. master: the master accepts
 * every connection and hands it to a worker over IPC (the default). workers: the workers accept
 * from the shared listening socket and the master only watches the kernel's accept queue.
 */
export const ACCEPT_MODES = ['master', 'workers'] as const satisfies readonly AcceptMode[];

/** Whether this build's `tidepool serve` has the `accept` option: servers before it accept in the master only. */
export function serverHasAcceptOption(): boolean {
  return findOption('accept') !== undefined;
}

/** The modes this build can be started in, in the order the cost scenario alternates them. */
export function availableAcceptModes(hasOption = serverHasAcceptOption()): AcceptMode[] {
  return hasOption ? [...ACCEPT_MODES] : ['master'];
}

/** The `serve` options for `mode`: none on a build without the option, where the master is the only way. */
export function acceptArgs(mode: AcceptMode, hasOption = serverHasAcceptOption()): string[] {
  if (hasOption) return ['--accept', mode];
  if (mode === 'master') return [];
  throw new Error(`tidepool serve has no accept option in this build: it cannot accept in the ${mode}`);
}
