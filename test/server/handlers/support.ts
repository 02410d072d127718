/**
 * The `api` function of a local runtime as the handler tests call it, typed by action
 * (`typings/api.ts`): `call` gives the response as it is, `ok` the data of a success and throws
 * on a refusal (naming the action and the error).
 */
import type { ApiAction, ApiActions, ApiRequest, ApiResponse } from '../../../typings/api';
import type { LocalRuntime } from '../../../server/local/runtime';

export interface ApiClient {
  readonly call: <A extends ApiAction>(openId: string, request: ApiRequest<A>) => Promise<ApiResponse<A>>;
  readonly ok: <A extends ApiAction>(openId: string, request: ApiRequest<A>) => Promise<ApiActions[A]['response']>;
}

/** `runtime` is read at each call, so a client can be made before `beforeAll` starts the runtime. */
export function apiClient(runtime: () => LocalRuntime): ApiClient {
  async function call<A extends ApiAction>(openId: string, request: ApiRequest<A>): Promise<ApiResponse<A>> {
    return runtime().api.call(request, openId);
  }

  async function ok<A extends ApiAction>(openId: string, request: ApiRequest<A>): Promise<ApiActions[A]['response']> {
    const response = await call(openId, request);
    if (!response.ok) throw new Error(`${request.action}: ${JSON.stringify(response.error)}`);
    return response.data;
  }

  return { call, ok };
}
