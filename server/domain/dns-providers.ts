/**
 * The DNS providers CertKeeper can publish dns-01 records with: what each needs from the user and
 * how to give it the least privilege. One descriptor per provider; text in Chinese for the app.
 */

export type DnsProviderId = 'dnspod' | 'alidns' | 'cloudflare' | 'huaweicloud';
export const DNS_PROVIDER_IDS: readonly DnsProviderId[] = ['dnspod', 'alidns', 'cloudflare', 'huaweicloud'];

export interface CredentialField {
  key: string;
  /** Chinese label, e.g. "SecretId". */
  label: string;
  /** Secret fields are sealed at rest and never shown again after saving. */
  secret: boolean;
  placeholder: string;
  /** What a valid value looks like (checked before anything is stored). */
  pattern: RegExp;
}

export interface DnsProviderDescriptor {
  id: DnsProviderId;
  /** Chinese, e.g. "腾讯云 DNSPod". */
  displayName: string;
  fields: CredentialField[];
  /** Where the user creates the key. */
  keyPageUrl: string;
  /** Chinese: the narrowest permission that works. */
  leastPrivilege: string;
}

export const DNS_PROVIDERS: Readonly<Record<DnsProviderId, DnsProviderDescriptor>> = {
  dnspod: {
    id: 'dnspod',
    displayName: '腾讯云 DNSPod',
    fields: [
      { key: 'secretId', label: 'SecretId', secret: false, placeholder: 'AKID…', pattern: /^[A-Za-z0-9]{16,128}$/ },
      { key: 'secretKey', label: 'SecretKey', secret: true, placeholder: '', pattern: /^[A-Za-z0-9]{16,128}$/ },
    ],
    keyPageUrl: 'https://console.cloud.tencent.com/cam/capi',
    leastPrivilege: '建议在“访问管理”中新建子用户，只授予 QcloudDNSPodFullAccess（或仅允许 DescribeDomainList、CreateRecord、DeleteRecord、DescribeRecordList 的自定义策略），再为子用户创建密钥。',
  },
  alidns: {
    id: 'alidns',
    displayName: '阿里云 云解析 DNS',
    fields: [
      { key: 'accessKeyId', label: 'AccessKey ID', secret: false, placeholder: 'LTAI…', pattern: /^[A-Za-z0-9]{12,64}$/ },
      { key: 'accessKeySecret', label: 'AccessKey Secret', secret: true, placeholder: '', pattern: /^[A-Za-z0-9]{16,64}$/ },
    ],
    keyPageUrl: 'https://ram.console.aliyun.com/manage/ak',
    leastPrivilege: '建议在 RAM 访问控制中新建 RAM 用户，只授予 AliyunDNSFullAccess（或仅允许 DescribeDomains、AddDomainRecord、DeleteDomainRecord、DescribeDomainRecords 的自定义策略），再为它创建 AccessKey。',
  },
  cloudflare: {
    id: 'cloudflare',
    displayName: 'Cloudflare',
    fields: [{ key: 'apiToken', label: 'API 令牌', secret: true, placeholder: '', pattern: /^[A-Za-z0-9_-]{30,100}$/ }],
    keyPageUrl: 'https://dash.cloudflare.com/profile/api-tokens',
    leastPrivilege: '请使用“API 令牌”而不是 Global API Key：用“编辑区域 DNS”模板创建，权限为 Zone → DNS → Edit 和 Zone → Zone → Read，区域资源只选需要签发证书的域名。',
  },
  huaweicloud: {
    id: 'huaweicloud',
    displayName: '华为云 云解析服务 DNS',
    fields: [
      { key: 'accessKeyId', label: 'Access Key ID（AK）', secret: false, placeholder: '', pattern: /^[A-Za-z0-9]{16,64}$/ },
      { key: 'secretAccessKey', label: 'Secret Access Key（SK）', secret: true, placeholder: '', pattern: /^[A-Za-z0-9]{16,64}$/ },
      { key: 'region', label: '区域', secret: false, placeholder: 'cn-north-4', pattern: /^[a-z]{2}-[a-z]+-\d{1,3}$/ },
    ],
    keyPageUrl: 'https://console.huaweicloud.com/iam/#/mine/accessKey',
    leastPrivilege: '建议在统一身份认证 IAM 中新建用户，只授予 DNS FullAccess（或仅允许 dns:zone:list、dns:recordset:create、dns:recordset:delete 的自定义策略），再为它创建访问密钥。',
  },
};

export function isDnsProviderId(value: string): value is DnsProviderId {
  return (DNS_PROVIDER_IDS as readonly string[]).includes(value);
}
