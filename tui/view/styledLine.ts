import type { StatusKind } from './workerRows.js';

/**
 * What a line means, not how it is drawn: the screen maps it to colours (uwsgitop's: busy
 * green, cheap magenta, sig yellow, pause blue), the batch printer ignores it.
 */
export type LineStyle = StatusKind | 'plain' | 'heading' | 'dim' | 'warn' | 'error' | 'good';

export interface StyledLine {
  text: string;
  style: LineStyle;
}

export const line = (text: string, style: LineStyle = 'plain'): StyledLine => ({ text, style });
