/** What the load generators (closed loop, open loop) tell the run core, and how it stops them. */

/** What one answered request tells the run core. */
export interface Answer {
  latencyMs: number;
  status: number;
  /** The X-Tidepool-Worker header, null when the server does not send it. */
  worker: string | null;
  /** Open loop: latency from the actual send (closed loop: equal to latencyMs). */
  serviceMs?: number;
}

export interface LoadHandlers {
  answer(a: Answer): void;
  failure(message: string): void;
}

export interface LoadCounts {
  completed: number;
  failed: number;
  /** In flight when the clients were stopped: never answered, not failures. */
  cancelled: number;
}

/** A group of clients started together and stopped together. */
export interface LoadGroup {
  /** Resolves when the group ends by itself (an `amount` reached) or after stop(). */
  readonly done: Promise<LoadCounts>;
  stop(): Promise<LoadCounts>;
}
