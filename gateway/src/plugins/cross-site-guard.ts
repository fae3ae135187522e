/**
 * Refuses state-changing requests to the system API that a browser sends on behalf of another site (CSRF).
 * Since the web UI, an operator's browser may hold the gateway's basic-auth credentials and send them with any
 * request a hostile page triggers; with basic_auth off, any page could reach a gateway on localhost. Browsers
 * say where a request comes from (`Sec-Fetch-Site`, `Origin`); CLIs and faas-cli send neither, so they are
 * unaffected. Reads are left alone: without CORS headers the other site cannot see the response.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { FuntainerError } from '@funtainer/core/errors';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** PURE: why a request must be refused, or undefined when it may proceed. */
export function crossSiteWriteReason(method: string, headers: IncomingHttpHeaders): string | undefined {
  if (SAFE_METHODS.has(method)) return undefined;
  const fetchSite = headers['sec-fetch-site'];
  // `none`: typed or bookmarked by the user; `same-origin`: the web UI itself. `same-site` is another origin
  // (another port of the same host counts), so it is refused like `cross-site`.
  if (typeof fetchSite === 'string') return fetchSite === 'same-origin' || fetchSite === 'none' ? undefined : `Sec-Fetch-Site: ${fetchSite}`;
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `Origin: ${origin}`;
  }
  return originHost === headers.host ? undefined : `Origin ${origin} is not this gateway (${headers.host ?? 'no Host header'})`;
}

export function refuseCrossSiteWrites(scope: FastifyInstance): void {
  scope.addHook('onRequest', async (request) => {
    const reason = crossSiteWriteReason(request.method, request.headers);
    if (reason !== undefined) throw new FuntainerError('FUNTAINER_ERR_CROSS_SITE', `cross-site ${request.method} refused (${reason})`);
  });
}
