/** A request as the app sees it, whichever protocol (HTTP or uwsgi) carried it. */
export interface AppRequest {
  method: string;
  /** path without the query string, still percent-encoded */
  path: string;
  /** raw query string without '?' */
  query: string;
  /** lower-cased header names */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Synchronous for a plain predict; a promise when the request waits for a batch (see worker/batcher.ts). */
export type AppHandler = (req: AppRequest) => AppResponse | Promise<AppResponse>;

/** Call `onValue` with the handler's answer now if it is synchronous, or when its promise settles. */
export function settle(run: () => AppResponse | Promise<AppResponse>, onValue: (r: AppResponse) => void, onError: (e: unknown) => void): void {
  let out: AppResponse | Promise<AppResponse>;
  try {
    out = run();
  } catch (e) {
    onError(e);
    return;
  }
  if (out instanceof Promise) out.then(onValue, onError);
  else onValue(out);
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): AppResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function errorResponse(status: number, message: string, headers: Record<string, string> = {}): AppResponse {
  return jsonResponse(status, { error: message }, headers);
}
