import { ariCertificateId, chooseRenewalTime, type RenewalWindow } from '../../../server/domain/ari';

/** Independent reference: Node's base64url of the expected bytes. */
const b64u = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

describe('ariCertificateId (RFC 9773 §4.1)', () => {
  const AKI = '69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4';

  test('matches the RFC example', () => {
    expect(ariCertificateId(AKI, '00:87:65:43:21')).toBe('aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE');
  });

  test('adds the sign byte Node leaves off a high-bit serial, as in the RFC example', () => {
    // Node prints that serial as `87654321`.
    expect(ariCertificateId(AKI.replace(/:/g, ''), '87654321')).toBe('aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE');
    expect(ariCertificateId(AKI.toLowerCase(), '87654321')).toBe('aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE');
  });

  test('left-pads an odd-length serial to whole bytes', () => {
    expect(ariCertificateId('0102', 'ABC')).toBe(`${b64u('0102')}.${b64u('0abc')}`);
    expect(ariCertificateId('0102', 'FFF')).toBe(`${b64u('0102')}.${b64u('0fff')}`);
    expect(ariCertificateId('0102', '1')).toBe(`${b64u('0102')}.${b64u('01')}`);
  });

  test('drops redundant leading zero bytes but keeps a needed one', () => {
    expect(ariCertificateId('0102', '00007F')).toBe(`${b64u('0102')}.${b64u('7f')}`);
    expect(ariCertificateId('0102', '000080')).toBe(`${b64u('0102')}.${b64u('0080')}`);
    expect(ariCertificateId('0102', '80')).toBe(`${b64u('0102')}.${b64u('0080')}`);
    expect(ariCertificateId('0102', '0000')).toBe(`${b64u('0102')}.${b64u('00')}`);
  });

  test('is unpadded base64url for every length remainder', () => {
    // 20-byte AKI (remainder 2), 16-byte serial with high bit → 17 bytes (remainder 2), 18 bytes (remainder 0).
    const serial = 'F0E1D2C3B4A5968778695A4B3C2D1E0F';
    const id = ariCertificateId('FFFEFDFCFBFAF9F8F7F6F5F4F3F2F1F0EFEEEDEC', serial);
    expect(id).toBe(`${b64u('FFFEFDFCFBFAF9F8F7F6F5F4F3F2F1F0EFEEEDEC')}.${b64u(`00${serial}`)}`);
    expect(id).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(id).toContain('-');
    expect(id).toContain('_');
    expect(ariCertificateId('01', '010203')).toBe('AQ.AQID');
    expect(ariCertificateId('0102', '01020304')).toBe('AQI.AQIDBA');
  });

  test('refuses input that is not hexadecimal or empty', () => {
    expect(() => ariCertificateId('zz', '01')).toThrow(RangeError);
    expect(() => ariCertificateId('01', '0x01')).toThrow(RangeError);
    expect(() => ariCertificateId('', '01')).toThrow(RangeError);
    expect(() => ariCertificateId('01', '')).toThrow(RangeError);
  });
});

describe('chooseRenewalTime (RFC 9773 §4.2)', () => {
  const HOUR = 3_600_000;
  const start = Date.UTC(2025, 0, 2, 4, 0, 0);
  const window: RenewalWindow = { start, end: start + 48 * HOUR, explanationUrl: null, retryAfterMs: 21_600_000 };
  const before = start - 10 * HOUR;

  test('maps the random number uniformly onto the window', () => {
    expect(chooseRenewalTime(window, 0, before)).toBe(start);
    expect(chooseRenewalTime(window, 0.5, before)).toBe(start + 24 * HOUR);
    expect(chooseRenewalTime(window, 0.25, before)).toBe(start + 12 * HOUR);
    expect(chooseRenewalTime(window, 0.999999999, before)).toBeLessThanOrEqual(window.end);
  });

  test('always lands inside the window when the window is ahead', () => {
    for (let i = 0; i <= 100; i += 1) {
      const at = chooseRenewalTime(window, i / 100, before);
      expect(at).toBeGreaterThanOrEqual(window.start);
      expect(at).toBeLessThanOrEqual(window.end);
      expect(Number.isInteger(at)).toBe(true);
    }
  });

  test('clamps random numbers outside 0..1', () => {
    expect(chooseRenewalTime(window, -1, before)).toBe(window.start);
    expect(chooseRenewalTime(window, 7, before)).toBe(window.end);
    expect(chooseRenewalTime(window, Number.NaN, before)).toBe(window.start);
  });

  test('renews now when the window is in the past', () => {
    const after = window.end + HOUR;
    expect(chooseRenewalTime(window, 0, after)).toBe(after);
    expect(chooseRenewalTime(window, 0.99, after)).toBe(after);
  });

  test('renews now when the chosen time has passed, otherwise at the chosen time', () => {
    const inside = start + 24 * HOUR;
    expect(chooseRenewalTime(window, 0.25, inside)).toBe(inside);
    expect(chooseRenewalTime(window, 0.75, inside)).toBe(start + 36 * HOUR);
  });
});
