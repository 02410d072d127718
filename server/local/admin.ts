/**
 * The admin actions on one machine: the doctor checks the local engine's master key, the local CA,
 * the SQLite schema (where indexes can be read, unlike CloudBase), the scheduler's last tick and the
 * local `acmehttp` route, with the same code as in the cloud.
 */
import { httpGet } from '../adapters/http-get';
import { SqliteSchemaAdmin } from '../adapters/store/sqlite-schema-admin';
import type { SqliteStore } from '../adapters/store/sqlite-store';
import { readConfigSection, type Env } from '../config/read';
import type { AdminDependencies } from '../handlers/admin';
import type { EngineDeps } from '../usecases/engine';

export function localAdmin(input: { engine: EngineDeps; store: SqliteStore; env?: Env }): AdminDependencies {
  const { engine, store } = input;
  const env = input.env ?? process.env;
  return {
    admins: () => readConfigSection(env, 'adminOpenIds'),
    services: () => ({
      clock: engine.clock,
      logger: engine.logger,
      cipher: () => engine.cipher,
      cas: () => engine.cas,
      acme: engine.acme,
      // The local runtime issues from its own Pebble; the public CAs are the cloud doctor's business.
      caIds: ['pebble'],
      templates: () => engine.delivery.templates,
      // Read at each check: the runtime sets it once its HTTP server listens.
      acmeHttpBaseUrl: () => engine.dns.acmeHttpBaseUrl,
      schema: new SqliteSchemaAdmin(store),
      store: () => store,
      httpGet,
    }),
  };
}
