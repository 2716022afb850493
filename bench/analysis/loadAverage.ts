import fs from 'node:fs';

/** The kernel's 1, 5 and 15 minute load averages: how much else ran on the machine while the bench did. */
export interface LoadAverage {
  one: number;
  five: number;
  fifteen: number;
}

/** Reads the first three fields of /proc/loadavg's text; null when they are not numbers. */
export function parseLoadAverage(text: string): LoadAverage | null {
  const [one, five, fifteen] = text.trim().split(/\s+/).map(Number);
  if (![one, five, fifteen].every((n) => n !== undefined && Number.isFinite(n))) return null;
  return { one: one!, five: five!, fifteen: fifteen! };
}

/** /proc/loadavg now; null where there is none (not Linux). */
export function readLoadAverage(): LoadAverage | null {
  try {
    return parseLoadAverage(fs.readFileSync('/proc/loadavg', 'utf8'));
  } catch {
    return null;
  }
}
