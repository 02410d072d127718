/**
 * How a monitored server looks wherever it is shown (the monitor list, the check result, the
 * certificate page): the verdict's label, tag theme and colour, the days left on the certificate it
 * serves, whether that is CertKeeper's latest, and the row a list shows. Unlike
 * `certificate-view.ts` this module holds words, so the three pages cannot drift apart; each page
 * puts `ENDPOINT_TEXT` into its own `strings`.
 */
import type { EndpointSummary, Verdict } from '../../typings/api';
import { EXPIRY_COLORS, formatDateTime } from './certificate-view';
import type { TagTheme } from './certificate-view';
import { fillTemplate } from './format';

/** A check's verdict, or `pending` before the first check. */
export type EndpointVerdict = Verdict | 'pending';

/** Days left at or below which the served certificate is shown as a warning, and as critical. */
const WARNING_DAYS = 30;
const CRITICAL_DAYS = 7;

export const ENDPOINT_TEXT = {
  verdicts: {
    ready: '可用于小程序',
    warning: '有风险',
    notReady: '不可用于小程序',
    unreachable: '连不上',
    pending: '检查中',
  } satisfies Record<EndpointVerdict, string>,
  daysLeft: '证书剩余 {days} 天',
  expiresToday: '证书今天到期',
  expiredDays: '证书已过期 {days} 天',
  deployedLatest: '已部署最新证书',
  deployedOther: '未部署最新证书',
  checkedAt: '{time} 检查',
  notChecked: '等待首次检查',
} as const;

export const VERDICT_THEMES: Readonly<Record<EndpointVerdict, TagTheme>> = {
  ready: 'success',
  warning: 'warning',
  notReady: 'danger',
  unreachable: 'danger',
  pending: 'primary',
};

/** Text colour of each verdict: TDesign's success / warning / error / brand colours. */
export const VERDICT_COLORS: Readonly<Record<EndpointVerdict, string>> = {
  ready: '#2ba471',
  warning: '#e37318',
  notReady: '#d54941',
  unreachable: '#d54941',
  pending: '#0052d9',
};

/** The days left on a served certificate as text and colour; empty text when unknown. */
export function servedExpiry(daysLeft: number | null): { text: string; color: string } {
  if (daysLeft === null) return { text: '', color: EXPIRY_COLORS.none };
  if (daysLeft < 0) return { text: fillTemplate(ENDPOINT_TEXT.expiredDays, { days: -daysLeft }), color: EXPIRY_COLORS.expired };
  if (daysLeft === 0) return { text: ENDPOINT_TEXT.expiresToday, color: EXPIRY_COLORS.critical };
  const level = daysLeft <= CRITICAL_DAYS ? 'critical' : daysLeft <= WARNING_DAYS ? 'warning' : 'safe';
  return { text: fillTemplate(ENDPOINT_TEXT.daysLeft, { days: daysLeft }), color: EXPIRY_COLORS[level] };
}

/** `https://api.example.com[:port]` with an IDN host in its Unicode form. */
export function displayUrl(endpoint: Pick<EndpointSummary, 'url' | 'host' | 'displayHost'>): string {
  return endpoint.displayHost === endpoint.host ? endpoint.url : endpoint.url.replace(endpoint.host, endpoint.displayHost);
}

/** The check result page of one endpoint (also the path notifications link to). */
export function monitorPageUrl(endpointId: string): string {
  return `/pages/monitor/index?id=${encodeURIComponent(endpointId)}`;
}

/** Render fields of one monitored server in a list. */
export interface EndpointRow {
  id: string;
  url: string;
  verdict: EndpointVerdict;
  verdictLabel: string;
  verdictTheme: TagTheme;
  /** The last check's one line, or ''. */
  summary: string;
  /** `证书剩余 12 天`, or '' when unknown. */
  daysLeft: string;
  daysColor: string;
  /** `已部署最新证书` / `未部署最新证书`, or '' when unknown. */
  deployed: string;
  deployedOk: boolean;
  /** When it was last checked, or that it has not been yet. */
  checkedAt: string;
  /** The check result page. */
  link: string;
}

export function endpointRow(endpoint: EndpointSummary): EndpointRow {
  const expiry = servedExpiry(endpoint.daysLeft);
  return {
    id: endpoint.id,
    url: displayUrl(endpoint),
    verdict: endpoint.verdict,
    verdictLabel: ENDPOINT_TEXT.verdicts[endpoint.verdict],
    verdictTheme: VERDICT_THEMES[endpoint.verdict],
    summary: endpoint.summary ?? '',
    daysLeft: expiry.text,
    daysColor: expiry.color,
    deployed: endpoint.deployedIsIssued === null ? '' : endpoint.deployedIsIssued ? ENDPOINT_TEXT.deployedLatest : ENDPOINT_TEXT.deployedOther,
    deployedOk: endpoint.deployedIsIssued === true,
    checkedAt: endpoint.checkedAt === null ? ENDPOINT_TEXT.notChecked : fillTemplate(ENDPOINT_TEXT.checkedAt, { time: formatDateTime(endpoint.checkedAt) }),
    link: monitorPageUrl(endpoint.id),
  };
}
