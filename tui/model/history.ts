/** One point of the charts: totals over every host that answered in a poll round. */
export interface HistoryPoint {
  /** Wall-clock epoch milliseconds. */
  atMs: number;
  /** Null until two samples exist. */
  rps: number | null;
  running: number;
  busy: number;
}

/** The last `capacity` points, oldest first. */
export class History {
  private readonly points: HistoryPoint[] = [];

  constructor(readonly capacity = 600) {}

  push(point: HistoryPoint): void {
    this.points.push(point);
    if (this.points.length > this.capacity) this.points.shift();
  }

  /** The newest `count` points. */
  last(count: number): readonly HistoryPoint[] {
    return count >= this.points.length ? this.points : this.points.slice(this.points.length - count);
  }

  get length(): number {
    return this.points.length;
  }
}
