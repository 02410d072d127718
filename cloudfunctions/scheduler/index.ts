// The `scheduler` cloud function, fired every minute by its timer trigger (config.json): advances
// due orders and starts due renewals, bounded to well inside the platform's 60 s.
import { cloudEngine } from '../../server/handlers/cloud-runtime';
import { runSchedulerTick, type TickReport } from '../../server/usecases/scheduler-tick';

export async function main(): Promise<TickReport> {
  return runSchedulerTick(cloudEngine());
}
