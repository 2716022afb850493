import type { Phase } from '../run/types.js';

/**
 * Load profiles as phase lists. A closed-loop group has a fixed number of connections: the run
 * core turns each closed-loop phase into added or removed groups of connections.
 */
export type ProfileName = 'constant' | 'step' | 'ramp' | 'spike';
export const PROFILE_NAMES = ['constant', 'step', 'ramp', 'spike'] as const satisfies readonly ProfileName[];

export interface ProfileShape {
  /** Clients at the top of the profile. */
  peak: number;
  /** Clients before a step or a spike and during the cooldown. */
  base: number;
  /** Length of the loaded part, quiet tail excluded. */
  seconds: number;
  /** Quiet seconds at the end, to watch the pool shrink. */
  quietSeconds: number;
}

export const PROFILE_DESCRIPTIONS: Record<ProfileName, string> = {
  constant: 'peak clients from start to end',
  step: 'base clients for a third of the time, then peak',
  ramp: 'from 1 client up to peak in even steps of about a second',
  spike: 'base, a short spike to peak, then a cooldown at base',
};

export function clientsLabel(n: number): string {
  return `${n} client${n === 1 ? '' : 's'}`;
}

export function buildProfile(name: ProfileName, shape: ProfileShape): Phase[] {
  const { peak, base, seconds, quietSeconds } = shape;
  if (!(peak >= 1 && base >= 0 && base <= peak && seconds > 0 && quietSeconds >= 0)) {
    throw new RangeError(`Expected 0 <= base <= peak, peak >= 1, seconds > 0, quietSeconds >= 0; got ${JSON.stringify(shape)}`);
  }
  const ms = (s: number) => Math.round(s * 1000);
  const closed = (connections: number, s: number, label = clientsLabel(connections)): Phase =>
    connections === 0 ? { kind: 'quiet', label: 'no clients', durationMs: ms(s) } : { kind: 'closed', label, connections, durationMs: ms(s) };
  const phases: Phase[] = [];
  switch (name) {
    case 'constant':
      phases.push(closed(peak, seconds));
      break;
    case 'step':
      phases.push(closed(base, seconds / 3), closed(peak, (seconds * 2) / 3));
      break;
    case 'ramp': {
      const steps = Math.max(2, Math.min(peak, Math.round(seconds)));
      for (let i = 1; i <= steps; i++) phases.push(closed(Math.max(1, Math.round((peak * i) / steps)), seconds / steps, `ramp ${i}/${steps}`));
      break;
    }
    case 'spike':
      phases.push(
        closed(base, seconds / 4),
        closed(peak, seconds / 4, `spike: ${clientsLabel(peak)}`),
        closed(base, seconds / 2, `cooldown: ${clientsLabel(base)}`),
      );
      break;
  }
  if (quietSeconds > 0) phases.push({ kind: 'quiet', label: 'quiet', durationMs: ms(quietSeconds) });
  return phases;
}
