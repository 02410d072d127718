/**
 * The `api` function's dispatcher: validates the event, checks identity, runs one action and
 * maps every outcome to an `ApiResponse`. The cloud function and the local runtime both call it.
 */
import * as v from 'valibot';
import type { ApiAction, ApiActions, ApiError, ApiRequest, ApiResponse } from '../../typings/api';
import { explainOrderProblem } from '../domain/acme.messages.zh';
import { ConflictError, InputRejectedError, NotFoundError } from '../domain/errors';
import { AcmeError } from '../ports/acme';
import type { Clock } from '../ports/clock';
import type { FileStorage } from '../ports/files';
import type { Logger } from '../ports/logger';
import type { EngineDeps } from '../usecases/engine';
import { API_ERROR_MESSAGES, FIELD_RULE_MESSAGES } from './messages';
import { ACTION_RUNNERS } from './actions';
import { ACTION_SCHEMAS } from './schemas';
import { adminRefusal, isAdmin, isAdminAction, type AdminDependencies } from './admin';
import type { DoctorDeps } from '../usecases/doctor';

export interface ApiDependencies {
  /** The platform-verified caller, undefined when the invocation has none. */
  openId: string | undefined;
  clock: Clock;
  logger: Logger;
  /** Built on first use, so `ping` costs no SDK set-up. */
  engine?: () => EngineDeps;
  /** Where exports are put for download; without it exports come back as text only. */
  files?: FileStorage;
  /** Admin actions (`doctor`, `bootstrap`); absent: they answer NOT_FOUND to everyone. */
  admin?: AdminDependencies;
}

export interface ActionContext {
  openId: string;
  clock: Clock;
  logger: Logger;
  engine: () => EngineDeps;
  files: FileStorage | undefined;
  /** Whether the caller is one of the configured admins. */
  isAdmin: boolean;
  /** What the admin actions run on; throws for anyone but an admin. */
  admin: () => DoctorDeps;
}

export async function handleApi(event: unknown, deps: ApiDependencies): Promise<ApiResponse> {
  const started = deps.clock.now();
  const action = actionOf(event);
  const name = 'name' in action ? action.name : null;
  let response: ApiResponse;
  try {
    if ('error' in action) response = { ok: false, error: action.error };
    else if (!deps.openId) response = { ok: false, error: { code: 'UNAUTHENTICATED', message: API_ERROR_MESSAGES.UNAUTHENTICATED } };
    else {
      const context = contextOf(deps, deps.openId);
      // Admin actions do not exist for anyone else: refused before their request is even read.
      if (isAdminAction(action.name) && !context.isAdmin) response = { ok: false, error: adminRefusal() };
      else response = await runAction(action.name, event as Record<string, unknown>, context);
    }
  } catch (error) {
    const known = knownError(error);
    if (!known) {
      deps.logger.error('api.failed', { action: name, error: describeError(error) });
      return { ok: false, error: { code: 'INTERNAL', message: API_ERROR_MESSAGES.INTERNAL } };
    }
    response = { ok: false, error: known };
  }
  if (response.ok) deps.logger.info('api.ok', { action: name, ms: deps.clock.now() - started });
  else deps.logger.warn('api.rejected', { action: name, code: response.error.code, field: response.error.field, rules: response.error.violations?.map((v) => v.rule) });
  return response;
}

function contextOf(deps: ApiDependencies, openId: string): ActionContext {
  let engine: EngineDeps | null = null;
  const admin = isAdmin(deps.admin, openId, deps.logger);
  return {
    openId,
    clock: deps.clock,
    logger: deps.logger,
    files: deps.files,
    engine: () => {
      if (!deps.engine) throw new Error('api: this runtime has no issuance engine configured');
      engine ??= deps.engine();
      return engine;
    },
    isAdmin: admin,
    admin: () => {
      if (!admin || !deps.admin) throw new NotFoundError('admin action');
      return deps.admin.services();
    },
  };
}

async function runAction<A extends ApiAction>(name: A, event: Record<string, unknown>, context: ActionContext): Promise<ApiResponse<A>> {
  // Older SDKs inject `userInfo` into every event; identity never comes from it.
  const { userInfo: _ignored, ...request } = event;
  const schema = ACTION_SCHEMAS[name] as v.GenericSchema<unknown, ApiRequest<A>>;
  const parsed = v.safeParse(schema, request);
  if (!parsed.success) return { ok: false, error: invalidField(parsed.issues[0]) };
  const run = ACTION_RUNNERS[name] as (request: ApiRequest<A>, context: ActionContext) => Promise<ApiActions[A]['response']>;
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
  if (!Object.hasOwn(ACTION_RUNNERS, action)) {
    return { error: { code: 'UNKNOWN_ACTION', message: API_ERROR_MESSAGES.UNKNOWN_ACTION, field: 'action' } };
  }
  return { name: action as ApiAction };
}

function invalidField(issue: v.BaseIssue<unknown> | undefined): ApiError {
  const field = issue ? (v.getDotPath(issue) ?? undefined) : undefined;
  const unknown = issue?.kind === 'schema' && issue.type === 'strict_object' && issue.expected === 'never';
  const template = unknown ? FIELD_RULE_MESSAGES.unknownField : FIELD_RULE_MESSAGES.invalidField;
  return { code: 'INVALID_REQUEST', message: template.replace('{field}', field ?? ''), ...(field ? { field } : {}) };
}

/** Errors with a meaning for the user; anything else is INTERNAL. */
function knownError(error: unknown): ApiError | null {
  if (error instanceof InputRejectedError) {
    const [first] = error.violations;
    return { code: 'INVALID_REQUEST', message: first?.message ?? API_ERROR_MESSAGES.INVALID_REQUEST, ...(first ? { field: first.field } : {}), violations: [...error.violations] };
  }
  if (error instanceof NotFoundError) return { code: 'NOT_FOUND', message: API_ERROR_MESSAGES.NOT_FOUND };
  if (error instanceof ConflictError) return { code: error.rule === 'rateLimited' ? 'RATE_LIMITED' : 'CONFLICT', message: error.userMessage };
  if (error instanceof AcmeError) {
    const { explanation, fix } = explainOrderProblem(error.kind);
    return { code: 'CA_ERROR', message: `${explanation}${fix}` };
  }
  return null;
}

/** Name and message only: stacks and causes may carry request data. */
function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
}
