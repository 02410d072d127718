/** What changed between two checks of an endpoint, for the notifications. */
import { SEVERITY, type CheckId, type EndpointEvaluation } from './tls-evaluation';

export const CHANGE_KINDS = ['newCertificate', 'chainBroken', 'tlsWeakened', 'becameUnreachable', 'recovered', 'notReady'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** The check got worse between two evaluations that both judged it (`info` = not judged). */
function worsened(previous: EndpointEvaluation | null, next: EndpointEvaluation, id: CheckId): boolean {
  const before = previous?.checks.find((check) => check.id === id)?.status;
  const after = next.checks.find((check) => check.id === id)?.status;
  if (before === undefined || after === undefined || before === 'info' || after === 'info') return false;
  return SEVERITY[after] > SEVERITY[before];
}

/**
 * What the user should hear about, in `CHANGE_KINDS` order (several can come at once: a broken
 * chain also makes the server not ready). Without a previous evaluation only the states are told
 * (`becameUnreachable`, `notReady`): the other kinds need something to compare with.
 */
export function evaluationChanges(previous: EndpointEvaluation | null, next: EndpointEvaluation): ChangeKind[] {
  const before = previous?.fingerprints ?? [];
  const changes: Record<ChangeKind, boolean> = {
    newCertificate: before.length > 0 && next.fingerprints.some((f) => !before.includes(f)),
    chainBroken: worsened(previous, next, 'chainComplete'),
    tlsWeakened: worsened(previous, next, 'tls12') || worsened(previous, next, 'legacyTls'),
    becameUnreachable: next.verdict === 'unreachable' && previous?.verdict !== 'unreachable',
    recovered: previous !== null && !previous.wechatReady && next.wechatReady,
    notReady: next.verdict === 'notReady' && previous?.verdict !== 'notReady',
  };
  return CHANGE_KINDS.filter((kind) => changes[kind]);
}
