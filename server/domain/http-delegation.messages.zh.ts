/**
 * What the user reads beside the redirect snippets of http-01 delegation (`./http-delegation`):
 * one title and the notes per server, and the notes that hold for every server.
 * Pure (imports only types), so the Mini Program can show the same text.
 */
import type { RedirectServer } from './http-delegation';

export const REDIRECT_SERVER_TITLES: Record<RedirectServer, string> = {
  nginx: 'Nginx',
  apache: 'Apache（httpd）',
  caddy: 'Caddy',
  iis: 'IIS（web.config）',
};

export const REDIRECT_GENERAL_NOTES: readonly string[] = [
  '跳转必须在 80 端口（http://）上生效：CA 验证时总是先访问 http://你的域名/.well-known/acme-challenge/…，并且只跟随指向 80 或 443 端口的跳转。',
  '只开放 HTTPS 的网站也必须让 80 端口对这个路径有应答：可以直接按下面的规则跳转，也可以先跳到 https:// 再由 443 端口按同样的规则跳转；不要关闭 80 端口，也不要让这个路径返回 403 或 404。',
  '请原样复制跳转地址：其中包含你的专属标识，CertKeeper 只在这个地址上回应你自己申请的证书。',
  '如果网站前面有 CDN 或防火墙（WAF），请确认它们不缓存、不拦截 /.well-known/acme-challenge/ 路径。',
  '使用 302 临时跳转，不要改成 301：301 会被浏览器和 CDN 长期缓存，以后想撤掉这条规则时很麻烦。',
];

export const REDIRECT_SERVER_NOTES: Record<RedirectServer, readonly string[]> = {
  nginx: [
    '放进监听 80 端口的 server { … } 块里。',
    '如果这个 server 块里已经有写在 location 之外的 return 301 https://…;，它会先于这条规则生效：请把它移到 location / { … } 里面。',
    '改完后执行 nginx -t 检查配置，再执行 nginx -s reload 生效。',
  ],
  apache: [
    '放进 80 端口的 <VirtualHost *:80> 里，写在其他 Redirect / RedirectMatch 规则之前；需要启用 mod_alias（默认已启用）。',
    '如果 80 端口已经用 RewriteRule 把所有请求跳到 HTTPS，RewriteRule 会先生效：请在 443 端口的 <VirtualHost> 里也加上这一行，或者在那条 RewriteRule 前加上 RewriteCond %{REQUEST_URI} !^/\\.well-known/acme-challenge/。',
    '改完后执行 apachectl configtest 检查配置，再重新加载 Apache。',
  ],
  caddy: [
    '写进对应网站的站点块，例如 example.com { … }。Caddy 会先把 80 端口的请求跳到 HTTPS，再由这条规则跳转，CA 会跟随这两次跳转。',
    'Caddy 自带自动证书；只有希望改由 CertKeeper 签发证书时才需要这条规则。',
    '改完后执行 caddy reload 生效。',
  ],
  iis: [
    '需要先安装 IIS 的 URL Rewrite（URL 重写）模块。',
    '如果网站的 web.config 已经有 <rules>，只需把其中的 <rule> 复制进去，并放在第一位（在“HTTP 跳转 HTTPS”规则之前）。',
    '网站需要有 80 端口的 http 绑定。',
  ],
};
