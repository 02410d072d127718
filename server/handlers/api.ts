/**
 * The `api` function's dispatcher: validates the event, checks identity, runs one action and
 * maps every outcome to an `ApiResponse`. The cloud function and the local runtime both call it.
 */
import * as v from 'valibot';
import type { ApiAction, ApiActions, ApiError, ApiRequest, ApiResponse } from '../../typings/api';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { API_ERROR_MESSAGES, FIELD_RULE_MESSAGES } from './messages';

export interface ApiDependencies {
  /** The platform-verified caller, undefined when the invocation has none. */
  openId: string | undefined;
  clock: Clock;
  logger: Logger;
}

interface ActionContext extends ApiDependencies {
  openId: string;
}

type ActionTable = {
  [A in ApiAction]: {
    schema: v.GenericSchema<unknown, ApiRequest<A>>;
    run: (request: ApiRequest<A>, context: ActionContext) => Promise<ApiActions[A]['response']>;
  };
};

const ACTIONS: ActionTable = {
  ping: {
    schema: v.strictObject({ action: v.literal('ping') }),
    run: async (_request, { openId, clock }) => ({ openId, serverTime: clock.now() }),
  },
};

export async function handleApi(event: unknown, deps: ApiDependencies): Promise<ApiResponse> {
  const started = deps.clock.now();
  const action = actionOf(event);
  const name = 'name' in action ? action.name : null;
  let response: ApiResponse;
  try {
    if ('error' in action) response = { ok: false, error: action.error };
    else if (!deps.openId) response = { ok: false, error: { code: 'UNAUTHENTICATED', message: API_ERROR_MESSAGES.UNAUTHENTICATED } };
    else response = await runAction(action.name, event as Record<string, unknown>, { ...deps, openId: deps.openId });
  } catch (error) {
    deps.logger.error('api.failed', { action: name, error: describeError(error) });
    return { ok: false, error: { code: 'INTERNAL', message: API_ERROR_MESSAGES.INTERNAL } };
  }
  if (response.ok) deps.logger.info('api.ok', { action: name, ms: deps.clock.now() - started });
  else deps.logger.warn('api.rejected', { action: name, code: response.error.code, field: response.error.field });
  return response;
}

async function runAction<A extends ApiAction>(
  name: A,
  event: Record<string, unknown>,
  context: ActionContext,
): Promise<ApiResponse<A>> {
  const { schema, run } = ACTIONS[name];
  // Older SDKs inject `userInfo` into every event; identity never comes from it.
  const { userInfo: _ignored, ...request } = event;
  const parsed = v.safeParse(schema, request);
  if (!parsed.success) return { ok: false, error: invalidField(parsed.issues[0]) };
  return { ok: true, data: await run(parsed.output, context) };
}

function actionOf(event: unknown): { name: ApiAction } | { error: ApiError } {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return { error: { code: 'INVALID_REQUEST', message: FIELD_RULE_MESSAGES.notObject } };
  }
  const action = (event as { action?: unknown }).action;
  if (typeof action !== 'string' || action === '') {
    return { error: { code: 'INVALID_REQUEST', message: FIELD_RULE_MESSAGES.missingAction, field: 'action' } };
  }
  if (!Object.hasOwn(ACTIONS, action)) {
    return { error: { code: 'UNKNOWN_ACTION', message: API_ERROR_MESSAGES.UNKNOWN_ACTION, field: 'action' } };
  }
  return { name: action as ApiAction };
}

function invalidField(issue: v.BaseIssue<unknown> | undefined): ApiError {
  const field = issue ? v.getDotPath(issue) ?? issue.path?.map((item) => String(item.key)).join('.') : undefined;
  const unknown = issue?.kind === 'schema' && issue.type === 'strict_object' && issue.expected === 'never';
  const template = unknown ? FIELD_RULE_MESSAGES.unknownField : FIELD_RULE_MESSAGES.invalidField;
  return { code: 'INVALID_REQUEST', message: template.replace('{field}', field ?? ''), ...(field ? { field } : {}) };
}

/** Name and message only: stacks and causes may carry request data. */
function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
}
