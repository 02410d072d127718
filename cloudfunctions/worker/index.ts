// The `worker` cloud function: one batch of due work handed over by the scheduler. Only the
// scheduler calls it (a call from the Mini Program carries an OPENID and is refused).
import * as v from 'valibot';
import { wechatCallerOpenId } from '../../server/adapters/wechat/context';
import { cloudEngine } from '../../server/handlers/cloud-runtime';
import { runWorkerBatch, WORK_KINDS, type TickReport, type WorkKind } from '../../server/usecases/scheduler-tick';

const Batch = v.strictObject({
  kind: v.picklist(WORK_KINDS as [WorkKind, ...WorkKind[]]),
  ids: v.pipe(v.array(v.pipe(v.string(), v.maxLength(128))), v.maxLength(1000)),
});

export async function main(event: unknown): Promise<TickReport> {
  if (wechatCallerOpenId() !== undefined) throw new Error('worker: only the scheduler may call this function');
  // Function-to-function calls may carry the SDK's `userInfo`; only the batch is read.
  const { userInfo: _ignored, ...batch } = (event ?? {}) as Record<string, unknown>;
  return runWorkerBatch(cloudEngine(), v.parse(Batch, batch));
}
