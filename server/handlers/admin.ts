/**
 * Admin-only actions of the `api` function: `doctor` (运维检查) and `bootstrap` (初始化数据库).
 *
 * Admins are OPENIDs listed in `CERTKEEPER_ADMIN_OPENIDS` (the composition root reads them). Anyone
 * else gets NOT_FOUND, before the request is even validated, as for another user's certificate: the
 * caller is authenticated (WeChat vouches for the OPENID), so UNAUTHENTICATED would be wrong and
 * would tell the client to sign in again; NOT_FOUND reveals neither that admin actions exist nor
 * who may run them. The runners check again, so no path reaches the admin services without it.
 */
import type { ApiAction, ApiActions, ApiError, ApiRequest, BootstrapResult } from '../../typings/api';
import { BOOTSTRAP_TEXT, DOCTOR_TEXT } from '../domain/doctor.messages.zh';
import { NotFoundError } from '../domain/errors';
import { COLLECTIONS, SECURITY_RULE } from '../ports/collections';
import type { Logger } from '../ports/logger';
import { bootstrapDatabase, type DatabaseReport } from '../usecases/bootstrap';
import { doctor, indexFields, type DoctorDeps } from '../usecases/doctor';
import type { ActionContext } from './api';

export interface AdminDependencies {
  /** The admins' OPENIDs; throws when the setting is malformed (then nobody is treated as admin). */
  admins: () => readonly string[];
  /** What the admin actions run on; built only for an admin's call. */
  services: () => DoctorDeps;
}

export type AdminAction = Extract<ApiAction, 'doctor' | 'bootstrap'>;

const ADMIN_ACTIONS: ReadonlySet<ApiAction> = new Set<AdminAction>(['doctor', 'bootstrap']);

export function isAdminAction(name: ApiAction): name is AdminAction {
  return ADMIN_ACTIONS.has(name);
}

/** Whether `openId` may run admin actions here. A malformed admin list admits nobody (and is logged). */
export function isAdmin(admin: AdminDependencies | undefined, openId: string, logger: Logger): boolean {
  if (!admin) return false;
  try {
    return admin.admins().includes(openId);
  } catch (error) {
    logger.error('admin.list_invalid', { error: error instanceof Error ? error.message : String(error) });
    return false;
  }
}

/** What a non-admin gets for an admin action. */
export function adminRefusal(): ApiError {
  return { code: 'NOT_FOUND', message: DOCTOR_TEXT.adminNotAvailable };
}

type AdminRunners = { [A in AdminAction]: (request: ApiRequest<A>, context: ActionContext) => Promise<ApiActions[A]['response']> };

export const ADMIN_RUNNERS: AdminRunners = {
  doctor: async (_request, context) => doctor(adminServices(context)),
  bootstrap: async (_request, context) => toBootstrapResult(await bootstrapDatabase(adminServices(context))),
};

function adminServices(context: ActionContext): DoctorDeps {
  if (!context.isAdmin) throw new NotFoundError('admin action');
  return context.admin();
}

/** The bootstrap's outcome as the app shows it, with what is left to do in the console. */
export function toBootstrapResult(report: DatabaseReport): BootstrapResult {
  const count = (status: string) => report.collections.filter((c) => c.status === status).length;
  const toDo = report.collections.flatMap((c) => c.indexes.filter((i) => i.presence !== 'present'));
  return {
    collections: report.collections.map((c) => ({
      name: c.name,
      status: c.status,
      detail: c.problem,
      indexes: c.indexes.map((i) => ({ name: i.index.name, fields: indexFields(i.index), state: i.presence })),
    })),
    summary: BOOTSTRAP_TEXT.summary({ created: count('created'), present: count('present'), failed: count('failed') }),
    manualSteps: [
      ...toDo.map((i) => BOOTSTRAP_TEXT.createIndex(i.collection, i.index.name, indexFields(i.index))),
      ...(report.clientAccess === 'none' ? [] : [BOOTSTRAP_TEXT.securityRule(COLLECTIONS.length, JSON.stringify(SECURITY_RULE))]),
    ],
  };
}
