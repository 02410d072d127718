// The `acmehttp` cloud function, reached through CloudBase's HTTP access service (route e.g.
// `/acmehttp`): serves delegated http-01 answers to CAs. No identity, no ACME, no secrets: it reads
// `challengeTokens` only, so its bundle stays small and its cold start short.
import { CloudBaseStore } from '../../server/adapters/store/cloudbase-store';
import { jsonLogger, systemClock } from '../../server/adapters/system';
import { cloudDatabase } from '../../server/adapters/wechat/context';
import { handleAcmeHttp, type HttpAccessResponse } from '../../server/handlers/acmehttp';

export async function main(event: unknown): Promise<HttpAccessResponse> {
  return handleAcmeHttp(event, { store: () => new CloudBaseStore(cloudDatabase()), clock: systemClock, logger: jsonLogger('acmehttp') });
}
