/**
 * Admin actions of the `api` function (运维检查): only the OPENIDs the operator listed in
 * `CERTKEEPER_ADMIN_OPENIDS` may run them; everyone else gets NOT_FOUND.
 */
import type { BootstrapResult, DoctorReport } from '../../typings/api';
import { callApi } from './cloud';
import { ping } from './system';

/** Checks the deployment: each item passed, failed or to be checked by hand, with its fix. */
export function runDoctor(): Promise<DoctorReport> {
  return callApi('doctor', {});
}

/** Creates the collections that are missing (safe to run again) and says what is left to do by hand. */
export function bootstrapDatabase(): Promise<BootstrapResult> {
  return callApi('bootstrap', {});
}

/** Whether the signed-in user is an admin, from `ping`; false when the call fails (the entry just stays hidden). */
export async function checkAdmin(): Promise<boolean> {
  try {
    return (await ping()).isAdmin;
  } catch {
    return false;
  }
}
