import { shortenId } from '../../miniprogram/utils/format';

describe('shortenId', () => {
  test('keeps the first and last four characters of a long id', () => {
    expect(shortenId('oVnKa5Ed3Xc2Hq0gYtLmW9sBz7Pf')).toBe('oVnK…z7Pf');
  });

  test('returns ids too short to shorten unchanged', () => {
    expect(shortenId('')).toBe('');
    expect(shortenId('o_test')).toBe('o_test');
    expect(shortenId('abcdefghi')).toBe('abcdefghi');
  });

  test('shortens from one character past the two kept ends', () => {
    expect(shortenId('abcdefghij')).toBe('abcd…ghij');
  });

  test('honours a custom number of kept characters', () => {
    expect(shortenId('oVnKa5Ed3Xc2Hq0gYtLmW9sBz7Pf', 6)).toBe('oVnKa5…sBz7Pf');
  });
});
