/**
 * `services/certificates.ts`: each function sends its action with the right payload through
 * `wx.cloud.callFunction` and returns the data.
 */
import {
  deleteCertificate,
  exportCertificate,
  getCertificate,
  listCertificates,
  revokeCertificate,
} from '../../miniprogram/services/certificates';
import { answer, mockCallFunction } from './support/cloud';
import type { CallFunctionMock } from './support/cloud';

describe('certificates service', () => {
  let callFunction: CallFunctionMock;

  beforeEach(() => {
    callFunction = mockCallFunction();
    callFunction.mockResolvedValue(answer({ ok: true, data: { marker: true } }));
  });

  function sent(): unknown {
    return callFunction.mock.calls.at(-1)?.[0];
  }

  test('each action with its payload', async () => {
    await expect(listCertificates()).resolves.toEqual({ marker: true });
    expect(sent()).toEqual({ name: 'api', data: { action: 'listCertificates' } });

    await listCertificates('c-2');
    expect(sent()).toEqual({ name: 'api', data: { action: 'listCertificates', cursor: 'c-2' } });

    await getCertificate('id-1');
    expect(sent()).toEqual({ name: 'api', data: { action: 'getCertificate', certificateId: 'id-1' } });

    await exportCertificate({ certificateId: 'id-1', format: 'pfx', password: 'secret-pass' });
    expect(sent()).toEqual({ name: 'api', data: { action: 'exportCertificate', certificateId: 'id-1', format: 'pfx', password: 'secret-pass' } });

    await revokeCertificate('id-1', 'keyCompromise');
    expect(sent()).toEqual({ name: 'api', data: { action: 'revokeCertificate', certificateId: 'id-1', reason: 'keyCompromise' } });

    await deleteCertificate('id-1');
    expect(sent()).toEqual({ name: 'api', data: { action: 'deleteCertificate', certificateId: 'id-1' } });
  });
});
