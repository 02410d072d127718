/**
 * The contract between the Mini Program and the `api` cloud function.
 *
 * Both sides import these types: the Mini Program's `services/` send `ApiRequest`s and read
 * `ApiResponse`s, the function's dispatcher is typed against `ApiActions`. Renaming a field here
 * breaks the build on both sides, which is the point.
 */

/** Every action the `api` function answers: its request payload and its success data. */
export interface ApiActions {
  /** Connectivity check: proves the call reached the function and who the platform says the caller is. */
  ping: {
    request: NoPayload;
    response: PingResult;
  };
}

export type ApiAction = keyof ApiActions;

/** A request that carries nothing but its `action`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- deliberately empty: no fields besides `action`
export type NoPayload = {};

export interface PingResult {
  /** The caller's OPENID as injected by WeChat (never taken from the request). */
  openId: string;
  /** Server time in epoch milliseconds, so the client can tell its clock skew. */
  serverTime: number;
}

/** What `wx.cloud.callFunction({ name: 'api', data })` sends. */
export type ApiRequest<A extends ApiAction = ApiAction> = { action: A } & ApiActions[A]['request'];

/**
 * Stable error codes. The Mini Program branches on `code`; `message` is Chinese text for the user.
 * Never a stack trace, never a secret.
 */
export type ApiErrorCode =
  | 'INVALID_REQUEST'
  | 'UNKNOWN_ACTION'
  | 'UNAUTHENTICATED'
  | 'INTERNAL';

export interface ApiError {
  code: ApiErrorCode;
  /** Chinese, for the user. */
  message: string;
  /** The request field that broke a rule, when there is one (e.g. `action`). */
  field?: string;
}

export type ApiResponse<A extends ApiAction = ApiAction> =
  | { ok: true; data: ApiActions[A]['response'] }
  | { ok: false; error: ApiError };
