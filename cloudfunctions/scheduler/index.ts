// The `scheduler` cloud function, fired every minute by its timer trigger (config.json): renewals,
// reminders, order steps and deliveries that are due, bounded to well inside the platform's 60 s;
// when more is due than one call can do, the rest goes to the `worker` function.
import { fanOutToWorkers } from '../../server/adapters/wechat/context';
import { cloudEngine } from '../../server/handlers/cloud-runtime';
import { runSchedulerTick, type TickReport } from '../../server/usecases/scheduler-tick';

export async function main(): Promise<TickReport> {
  return runSchedulerTick(cloudEngine(), { fanOut: fanOutToWorkers });
}
