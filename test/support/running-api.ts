/**
 * The real API as most suites run it: started, with a client of it, before their tests; stopped
 * and its data directory removed after them.
 */
import { removeDataDir, startApi, type ApiProcess } from './api-process.js';
import { FundingClient } from './funding-client.js';

/** Starts the API (with `startApi`'s options) and a client of it. */
export async function startApiWithClient(
  options?: Parameters<typeof startApi>[0],
): Promise<{ api: ApiProcess; client: FundingClient }> {
  const api = await startApi(options);
  return { api, client: new FundingClient(api.url) };
}

/** Stops the API and removes its data directory. */
export async function stopAndRemove(api: ApiProcess): Promise<void> {
  await api.stop();
  removeDataDir(api.dataDir);
}
