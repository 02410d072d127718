/** `utils/endpoint-view.ts`: the verdict's words and colours and a list row, the same on every page. */
import { EXPIRY_COLORS } from '../../miniprogram/utils/certificate-view';
import { ENDPOINT_TEXT, VERDICT_COLORS, VERDICT_THEMES, displayUrl, endpointRow, servedExpiry } from '../../miniprogram/utils/endpoint-view';
import { endpointSummary } from './support/fixtures';

const NOW = Date.UTC(2026, 5, 15, 4, 0, 0);

describe('endpoint view helpers', () => {
  test('every verdict has a label, a tag theme and a colour; blocking verdicts are red', () => {
    expect(ENDPOINT_TEXT.verdicts).toEqual({ ready: '可用于小程序', warning: '有风险', notReady: '不可用于小程序', unreachable: '连不上', pending: '检查中' });
    expect(VERDICT_THEMES.ready).toBe('success');
    expect(VERDICT_THEMES.warning).toBe('warning');
    expect(VERDICT_THEMES.notReady).toBe('danger');
    expect(VERDICT_COLORS.notReady).toBe(VERDICT_COLORS.unreachable);
  });

  test('days left: text and colour by how close expiry is; nothing when unknown', () => {
    expect(servedExpiry(45)).toEqual({ text: '证书剩余 45 天', color: EXPIRY_COLORS.safe });
    expect(servedExpiry(30)).toEqual({ text: '证书剩余 30 天', color: EXPIRY_COLORS.warning });
    expect(servedExpiry(7)).toEqual({ text: '证书剩余 7 天', color: EXPIRY_COLORS.critical });
    expect(servedExpiry(0)).toEqual({ text: '证书今天到期', color: EXPIRY_COLORS.critical });
    expect(servedExpiry(-3)).toEqual({ text: '证书已过期 3 天', color: EXPIRY_COLORS.expired });
    expect(servedExpiry(null).text).toBe('');
  });

  test('URLs show an IDN host in Unicode, keeping the port', () => {
    expect(displayUrl({ url: 'https://xn--1jqs90m.xn--fiqs8s:8443', host: 'xn--1jqs90m.xn--fiqs8s', displayHost: '证书.中国' })).toBe('https://证书.中国:8443');
    expect(displayUrl({ url: 'https://[2001:db8::1]', host: '2001:db8::1', displayHost: '2001:db8::1' })).toBe('https://[2001:db8::1]');
  });

  test('a row links to the check result and leaves unknown facts empty', () => {
    const row = endpointRow(endpointSummary(NOW, { id: 'ep/1', deployedIsIssued: null, daysLeft: null }));
    expect(row.link).toBe('/pages/monitor/index?id=ep%2F1');
    expect(row.deployed).toBe('');
    expect(row.daysLeft).toBe('');
    expect(endpointRow(endpointSummary(NOW, { deployedIsIssued: false })).deployed).toBe('未部署最新证书');
  });
});
