/**
 * The one door to the backend: every remote operation is an action of the `api` cloud function,
 * and this is the only module that calls `wx.cloud.callFunction`. It turns the `ApiResponse`
 * envelope into either the action's data or an `ApiCallError`.
 */
import type { ApiAction, ApiActions, ApiErrorCode, ApiRequest } from '../../typings/api';
import { LOCAL_RUNTIME } from '../config';

/** One broken rule, as the function reports it. */
export interface ApiViolation {
  field: string;
  rule: string;
  message: string;
}

/** The single cloud function that dispatches every action (see `typings/api.ts`). */
export const API_FUNCTION_NAME = 'api';

/** Failures that happen on this side of the call: the function was never reached, or its answer was unreadable. */
export type ClientErrorCode = 'NETWORK' | 'BAD_RESPONSE';

export type ApiCallErrorCode = ApiErrorCode | ClientErrorCode;

/** Chinese, for the user. */
export const CLIENT_ERROR_MESSAGES: Readonly<Record<ClientErrorCode, string>> = {
  NETWORK: '网络异常，请稍后重试',
  BAD_RESPONSE: '服务返回了无法识别的结果，请稍后重试',
};

/** Shown when the function reports an error without a usable message. */
const FALLBACK_SERVER_MESSAGE = '服务暂时不可用，请稍后重试';

/** Every code the contract defines; a `Record` so a new code in `typings/api.ts` must be added here. */
const SERVER_ERROR_CODES: Readonly<Record<ApiErrorCode, true>> = {
  INVALID_REQUEST: true,
  UNKNOWN_ACTION: true,
  UNAUTHENTICATED: true,
  NOT_FOUND: true,
  CONFLICT: true,
  RATE_LIMITED: true,
  CA_ERROR: true,
  INTERNAL: true,
};

function isServerErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SERVER_ERROR_CODES, value);
}

/** Everything `callApi` throws. Pages branch on `code` and show `message` as is. */
export class ApiCallError extends Error {
  readonly code: ApiCallErrorCode;
  /** The request field that broke a rule, when the function names one. */
  readonly field: string | undefined;
  /** Every broken rule with its field, when the request broke several (show each by its field). */
  readonly violations: ApiViolation[];

  constructor(code: ApiCallErrorCode, message: string, options: { field?: string; violations?: ApiViolation[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // Keeps `instanceof` working when the class is compiled down to ES5 (DevTools `es6: true`).
    Object.setPrototypeOf(this, ApiCallError.prototype);
    this.name = 'ApiCallError';
    this.code = code;
    this.field = options.field;
    this.violations = options.violations ?? [];
  }
}

/**
 * Calls one action of the `api` function and returns its success data.
 *
 * @throws ApiCallError `NETWORK` when the call fails in transport (offline, timeout, environment
 *   not initialised), the function's own code and message when it answers `ok: false`, and
 *   `BAD_RESPONSE` when the answer does not match the contract.
 */
export async function callApi<A extends ApiAction>(
  action: A,
  payload: ApiActions[A]['request'],
): Promise<ApiActions[A]['response']> {
  const request: ApiRequest<A> = { ...payload, action };
  let result: unknown;
  try {
    result = LOCAL_RUNTIME ? await callLocalRuntime(LOCAL_RUNTIME, request) : (await wx.cloud.callFunction({ name: API_FUNCTION_NAME, data: request })).result;
  } catch (cause) {
    throw new ApiCallError('NETWORK', CLIENT_ERROR_MESSAGES.NETWORK, { cause });
  }
  return unwrap(action, result);
}

/** Development: the same event to the local runtime's `POST /fn/api`, identity in a header. */
function callLocalRuntime(runtime: { url: string; openId: string }, data: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    wx.request({
      url: runtime.url,
      method: 'POST',
      data,
      header: { 'content-type': 'application/json', 'x-certkeeper-openid': runtime.openId },
      success: (response) => resolve(response.data),
      fail: (error) => reject(new Error(error.errMsg)),
    });
  });
}

function unwrap<A extends ApiAction>(action: A, result: unknown): ApiActions[A]['response'] {
  if (isRecord(result)) {
    // The function is ours and typed against the same contract: the envelope is checked, the
    // data inside it is trusted to match `ApiActions[A]['response']`.
    if (result.ok === true && result.data !== undefined) {
      return result.data as ApiActions[A]['response'];
    } else if (result.ok === false && isRecord(result.error)) {
      throw serverError(result.error);
    }
  }
  throw new ApiCallError('BAD_RESPONSE', CLIENT_ERROR_MESSAGES.BAD_RESPONSE, {
    cause: new Error(`api/${action}: unexpected result ${describe(result)}`),
  });
}

function serverError(error: Record<string, unknown>): ApiCallError {
  // A code this build does not know (a newer deployment) still shows the function's message.
  const code = isServerErrorCode(error.code) ? error.code : 'INTERNAL';
  const message =
    typeof error.message === 'string' && error.message.trim() !== '' ? error.message : FALLBACK_SERVER_MESSAGE;
  const field = typeof error.field === 'string' ? error.field : undefined;
  const violations = Array.isArray(error.violations) ? error.violations.filter(isViolation) : [];
  return new ApiCallError(code, message, { ...(field === undefined ? {} : { field }), violations });
}

function isViolation(value: unknown): value is ApiViolation {
  return isRecord(value) && typeof value.field === 'string' && typeof value.rule === 'string' && typeof value.message === 'string';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, secret-free description of an unexpected result for logs: its type and top-level keys. */
function describe(result: unknown): string {
  if (isRecord(result)) return `{${Object.keys(result).join(',')}}`;
  return result === null ? 'null' : typeof result;
}
