/** What the user reads when an endpoint they typed is refused. One place, so English can follow. */
export const ENDPOINT_TARGET_MESSAGES = {
  empty: '请填写要检查的域名，例如 api.example.com 或 api.example.com:8443',
  httpsOnly: '只能检查 https 地址：小程序的服务器域名必须使用 https',
  userinfo: '地址中不能包含用户名或密码',
  port: '端口号要在 1 到 65535 之间',
  hostInvalid: '这不是一个合法的域名，请只填写域名（可带端口），例如 api.example.com',
  wildcard: '通配符域名无法直接检查，请填写具体的域名，例如 api.example.com',
} as const;
