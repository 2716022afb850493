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

export type AppHandler = (req: AppRequest) => AppResponse;

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): AppResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function errorResponse(status: number, message: string, headers: Record<string, string> = {}): AppResponse {
  return jsonResponse(status, { error: message }, headers);
}
