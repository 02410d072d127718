import { explainOrderProblem } from '../../../server/domain/acme.messages.zh';
import type { OrderProblemKind } from '../../../server/domain/order';

// Every kind the engine can record; the Record type in the messages module keeps the two in step.
const KINDS: OrderProblemKind[] = [
  'accountDoesNotExist', 'alreadyReplaced', 'alreadyRevoked', 'badCSR', 'badNonce', 'badPublicKey', 'badRevocationReason',
  'badSignatureAlgorithm', 'caa', 'compound', 'connection', 'dns', 'externalAccountRequired', 'incorrectResponse',
  'invalidContact', 'malformed', 'orderNotReady', 'rateLimited', 'rejectedIdentifier', 'serverInternal', 'tls',
  'unauthorized', 'unsupportedContact', 'unsupportedIdentifier', 'userActionRequired', 'otherProblem', 'timeout',
  'unreachable', 'caDnsFailure', 'caTlsFailure', 'httpError', 'unexpected', 'challengeNotOffered', 'certificateMismatch',
  'orderExpired', 'internal',
];

test.each(KINDS)('%s has a Chinese explanation and a fix', (kind) => {
  const { explanation, fix } = explainOrderProblem(kind);
  expect(explanation).toMatch(/[\u4e00-\u9fa5]/);
  expect(fix).toMatch(/[\u4e00-\u9fa5]/);
});

test('CAA and connection problems name the concrete fix', () => {
  expect(explainOrderProblem('caa').fix).toContain('CAA');
  expect(explainOrderProblem('connection').fix).toContain('80');
});
