/**
 * The lifecycle's requests, as an internal service would send them: through the typed client of
 * libs/client (a body or a parameter the document does not allow does not compile), each response
 * checked against the document (test/support/ledger.ts). One import for the suites: the bodies
 * (request-bodies.ts), one method a route (funding-routes.ts) and the scenario steps
 * (funding-client.ts).
 */
export * from './request-bodies.js';
export * from './funding-routes.js';
export { FundingClient } from './funding-client.js';
