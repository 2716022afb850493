import { EventEmitter } from 'node:events';
import { aggregateSeconds, secondSample } from '../analysis/timeline.js';
import { startClosedLoop } from '../load/closedLoop.js';
import type { LoadGroup, LoadHandlers } from '../load/types.js';
import { startOpenLoop } from '../load/openLoop.js';
import { StatsSampler } from './statsSampler.js';
import type { Phase, PhaseRecord, RequestFailure, ResponseRecord, RunEvents, RunResult, ScalingEvent, StatsSample } from './types.js';

export interface RunSpec {
  /** Names the run in the display and the report ("scale: busyness"). */
  name: string;
  /** Full URL of every request. */
  url: string;
  phases: Phase[];
  /** Stats socket address; without it the run sees only its own requests. */
  stats?: string;
  statsIntervalMs?: number;
  /** Seconds before a request counts as timed out. */
  timeoutS: number;
  /** Ctrl-C: ends the current phase at once and skips the rest. */
  signal?: AbortSignal;
}

interface Group {
  connections: number;
  load: LoadGroup;
}

/**
 * The measuring core: plays the phases against the server, reads its stats meanwhile and emits
 * what happens (start, phase, response, failure, stats, scaling, a tick per second, done).
 * It prints nothing: renderers subscribe, and `--json` simply does not attach them.
 */
export class LoadRun extends EventEmitter<RunEvents> {
  private startedAt = 0;
  private phaseIndex = 0;
  private readonly responses: ResponseRecord[] = [];
  private readonly failures: RequestFailure[] = [];
  private readonly samples: StatsSample[] = [];
  private readonly events: ScalingEvent[] = [];
  private readonly records: PhaseRecord[] = [];
  private groups: Group[] = [];
  private cancelledInPhase = 0;
  private ticked = 0;

  constructor(readonly spec: RunSpec) {
    super();
    for (const phase of spec.phases) validatePhase(phase);
  }

  private now(): number {
    return Date.now() - this.startedAt;
  }

  async run(): Promise<RunResult> {
    const { spec } = this;
    this.startedAt = Date.now();
    this.emit('start', { name: spec.name, startedAt: this.startedAt, phases: spec.phases });
    const sampler = spec.stats ? new StatsSampler(spec.stats, this.startedAt, spec.statsIntervalMs) : undefined;
    sampler?.on('sample', (s) => {
      this.samples.push(s);
      this.emit('stats', s);
    });
    sampler?.on('scaling', (e) => {
      this.events.push(e);
      this.emit('scaling', e);
    });
    await sampler?.start();
    let tickTimer: NodeJS.Timeout | undefined;
    const scheduleTick = () => {
      // A little past the second, so that the stats read at its end has landed.
      tickTimer = setTimeout(
        () => {
          this.tick(this.ticked);
          scheduleTick();
        },
        Math.max(0, (this.ticked + 1) * 1000 + 60 - this.now()),
      );
    };
    scheduleTick();

    const aborted = () => spec.signal?.aborted === true;
    try {
      for (let i = 0; i < spec.phases.length && !aborted(); i++) {
        const phase = spec.phases[i]!;
        this.phaseIndex = i;
        this.cancelledInPhase = 0;
        const record: PhaseRecord = { phase, startAt: this.now(), endAt: 0, sent: 0, cancelled: 0 };
        this.records.push(record);
        this.emit('phase', { index: i, phase, at: record.startAt });
        await this.play(phase);
        // The clients the next phase does not keep leave now, so that what they had in flight
        // is charged to this phase (the end of a step), not to the quiet after it.
        await this.keepFor(aborted() ? undefined : spec.phases[i + 1]);
        record.endAt = this.now();
        record.cancelled = this.cancelledInPhase;
      }
    } finally {
      await this.keepFor(undefined);
      await sampler?.stop();
      clearTimeout(tickTimer);
    }
    const durationMs = this.now();
    while (this.ticked < Math.ceil(durationMs / 1000)) this.tick(this.ticked);
    for (const [i, r] of this.records.entries()) {
      r.sent = this.responses.filter((x) => x.phase === i).length + this.failures.filter((x) => x.phase === i).length + r.cancelled;
    }
    const result: RunResult = {
      name: spec.name,
      startedAt: this.startedAt,
      durationMs,
      phases: this.records,
      responses: this.responses,
      failures: this.failures,
      samples: this.samples,
      events: this.events.sort((a, b) => a.at - b.at),
      seconds: aggregateSeconds({
        durationMs,
        phases: this.records,
        responses: this.responses,
        failures: this.failures,
        samples: this.samples,
        events: this.events,
      }),
      statsSource: sampler?.kind ?? 'none',
      statsErrors: sampler?.errorLines() ?? [],
      aborted: aborted(),
    };
    this.emit('done', result);
    return result;
  }

  private handlers(): LoadHandlers {
    return {
      answer: (a) => {
        const record: ResponseRecord = { at: this.now(), latencyMs: a.latencyMs, status: a.status, worker: a.worker, phase: this.phaseIndex };
        if (a.serviceMs !== undefined) record.serviceMs = a.serviceMs;
        this.responses.push(record);
        this.emit('response', record);
      },
      failure: (message) => {
        const failure: RequestFailure = { at: this.now(), phase: this.phaseIndex, message };
        this.failures.push(failure);
        this.emit('failure', failure);
      },
    };
  }

  private async play(phase: Phase): Promise<void> {
    const { url, timeoutS } = this.spec;
    switch (phase.kind) {
      case 'quiet':
        return this.wait(phase.durationMs);
      case 'closed': {
        const missing = phase.connections - this.openConnections();
        const oneShot = phase.oneShot ?? false;
        if (missing > 0) this.groups.push({ connections: missing, load: startClosedLoop({ url, connections: missing, timeoutS, oneShot }, this.handlers()) });
        return this.wait(phase.durationMs);
      }
      case 'open': {
        const load = startOpenLoop({ url, rate: phase.rate, timeoutS }, this.handlers());
        this.groups.push({ connections: 0, load });
        return this.wait(phase.durationMs);
      }
      case 'burst': {
        const load = startClosedLoop({ url, connections: phase.requests, amount: phase.requests, timeoutS }, this.handlers());
        this.groups.push({ connections: phase.requests, load });
        return this.untilAborted(load.done);
      }
    }
  }

  private openConnections(): number {
    return this.groups.reduce((n, g) => n + g.connections, 0);
  }

  /**
   * Stops the clients `next` does not keep: all of them unless it is a closed-loop phase of the
   * same kind of connection, else the newest groups until no more than its connections are open
   * (ramps down stop whole groups; play() tops up). Requests in flight in a stopped group are
   * cancelled, as when clients leave.
   */
  private async keepFor(next: Phase | undefined): Promise<void> {
    const closedGroupsOnly = this.groups.every((g) => g.connections > 0);
    const current = this.spec.phases[this.phaseIndex];
    const sameClients = next?.kind === 'closed' && current?.kind === 'closed' && (next.oneShot ?? false) === (current.oneShot ?? false);
    if (!sameClients || !closedGroupsOnly) return this.stopGroups(0);
    while (this.openConnections() > next.connections) await this.stopGroups(this.groups.length - 1);
  }

  /** Stops the groups from index `from` on. */
  private async stopGroups(from: number): Promise<void> {
    const leaving = this.groups.splice(from);
    const counts = await Promise.all(leaving.map((g) => g.load.stop()));
    for (const c of counts) this.cancelledInPhase += c.cancelled;
  }

  /** Resolves when the phase's load is done or Ctrl-C came, whichever is first. */
  private untilAborted(done: Promise<unknown>): Promise<void> {
    const signal = this.spec.signal;
    if (!signal) return done.then(() => undefined);
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const onAbort = () => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
      void done.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  private wait(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    return this.untilAborted(new Promise((resolve) => (timer = setTimeout(resolve, ms)))).finally(() => clearTimeout(timer));
  }

  private tick(t: number): void {
    const inSecond = <T extends { at: number }>(items: readonly T[]) => items.filter((x) => x.at >= t * 1000 && x.at < (t + 1) * 1000);
    const previousSample = [...this.samples].reverse().find((s) => s.at < t * 1000);
    const sample = secondSample(t, this.phaseIndex, {
      responses: inSecond(this.responses),
      failures: inSecond(this.failures),
      samples: inSecond(this.samples),
      events: inSecond(this.events),
      previousSample,
    });
    this.ticked = t + 1;
    this.emit('tick', sample);
  }
}

export function validatePhase(phase: Phase): void {
  const bad = (what: string, got: unknown) => new RangeError(`phase ${JSON.stringify(phase.label)}: expected ${what}, got ${JSON.stringify(got)}`);
  switch (phase.kind) {
    case 'closed':
      if (!Number.isInteger(phase.connections) || phase.connections < 1) throw bad('a whole number of connections >= 1', phase.connections);
      break;
    case 'open':
      if (!(phase.rate > 0)) throw bad('a rate > 0 requests per second', phase.rate);
      break;
    case 'burst':
      if (!Number.isInteger(phase.requests) || phase.requests < 1) throw bad('a whole number of requests >= 1', phase.requests);
      return;
    case 'quiet':
      break;
  }
  if (!(phase.durationMs > 0)) throw bad('a duration > 0 ms', phase.durationMs);
}
