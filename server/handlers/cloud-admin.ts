/**
 * What the admin actions run on in the cloud: the deployment's configuration read part by part
 * (so the doctor reports each wrong setting on its own item instead of failing as a whole), the
 * CloudBase database and its bootstrap, the public CAs, and a real HTTP GET for `acmehttp`.
 */
import { AcmeClientGateway } from '../adapters/acme/acme-client-gateway';
import { EnvelopeCipher } from '../adapters/crypto/envelope-cipher';
import { httpGet } from '../adapters/http-get';
import { CloudBaseSchemaAdmin } from '../adapters/store/cloudbase-bootstrap';
import { CloudBaseStore } from '../adapters/store/cloudbase-store';
import { jsonLogger, systemClock } from '../adapters/system';
import { cloudDatabase, cloudDatabaseAdmin } from '../adapters/wechat/context';
import { ConfigError, collectConfigProblems, readConfigSection, readSetting, type Env } from '../config/read';
import { SETTINGS, type SettingKey, type SettingValues } from '../config/schema';
import { caRegistryFromConfig } from '../config/services';
import type { AdminDependencies } from './admin';

export function cloudAdmin(env: Env = process.env): AdminDependencies {
  return {
    admins: () => readConfigSection(env, 'adminOpenIds'),
    services: () => ({
      clock: systemClock,
      logger: jsonLogger('doctor'),
      cipher: () => new EnvelopeCipher(readConfigSection(env, 'masterKeys')),
      masterKeyCount: () => readConfigSection(env, 'masterKeys').all.size,
      cas: () => caRegistryFromConfig(readConfigSection(env, 'ca')),
      acme: new AcmeClientGateway(),
      templates: () => setting(env, 'wechatTemplates'),
      acmeHttpBaseUrl: () => setting(env, 'acmeHttpUrl'),
      configProblems: () => collectConfigProblems(env).map((p) => `${p.setting} ${p.problem}`),
      schema: new CloudBaseSchemaAdmin(cloudDatabaseAdmin()),
      store: () => new CloudBaseStore(cloudDatabase()),
      httpGet,
    }),
  };
}

/** One setting's value, or its ConfigError: a wrong SMTP setting must not fail the templates item. */
function setting<K extends SettingKey>(env: Env, key: K): SettingValues[K] {
  const parsed = readSetting(env, key);
  if (!parsed.ok) throw new ConfigError([{ setting: SETTINGS[key].variable, problem: parsed.problem }]);
  return parsed.value;
}
