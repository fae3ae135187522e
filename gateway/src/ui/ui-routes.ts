/**
 * The web UI (OpenFaaS calls it the portal): the static files of `gateway/ui/` served at `/ui/`, behind the
 * same basic auth as `/system/*` (a 401 with `WWW-Authenticate` makes the browser prompt, as OpenFaaS does).
 * The UI is a handful of small files, so they are read once when the gateway starts and answered from memory:
 * no static-file dependency, no disk access per request, and a missing or unknown file fails the start instead
 * of the first page view. The `/` → `/ui/` redirect lives with the other open routes (routes/system-info.ts).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { FuntainerError } from '@funtainer/core/errors';
import type { BasicAuth } from '../auth/basic-auth.js';
import { requireBasicAuth } from '../plugins/system-auth.js';
import { methodTable } from '../routes/method-table.js';

/** `gateway/ui/`, found from `gateway/dist/ui/` (tests, `node gateway/dist/main.js`, the Docker image alike). */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../ui/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Every UI response carries these. The CSP allows only files from this origin (no inline script or style,
 * no eval), so API data can never run as code even if it reached the DOM as markup; nosniff makes the
 * browser trust our Content-Type; the UI is never framed (clickjacking of the delete and scale buttons).
 */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

interface UiAsset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

/** Reads every file of `dir` (flat) into memory; throws when a file has no known type or index.html is missing. */
export async function loadUiAssets(dir: string): Promise<ReadonlyMap<string, UiAsset>> {
  const assets = new Map<string, UiAsset>();
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
    throw new FuntainerError('FUNTAINER_ERR_INTERNAL', `web UI folder ${dir} cannot be read`, { cause: err });
  });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const contentType = CONTENT_TYPES[extname(entry.name)];
    if (contentType === undefined) {
      throw new FuntainerError('FUNTAINER_ERR_INTERNAL', `web UI file ${join(dir, entry.name)} has no known content type`);
    }
    const body = await readFile(join(dir, entry.name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(entry.name, { body, contentType, etag });
  }
  if (!assets.has('index.html')) throw new FuntainerError('FUNTAINER_ERR_INTERNAL', `web UI folder ${dir} has no index.html`);
  return assets;
}

export interface UiRouteOptions {
  readonly auth: BasicAuth;
  /** Defaults to DEFAULT_UI_DIR; tests point it elsewhere. */
  readonly dir?: string;
}

export function uiRoutes(options: UiRouteOptions): FastifyPluginAsync {
  return async (app) => {
    const assets = await loadUiAssets(options.dir ?? DEFAULT_UI_DIR);
    requireBasicAuth(app, options.auth);
    // onSend runs for errors too, so the 401 that triggers the browser's prompt and 404s carry them as well.
    app.addHook('onSend', async (_request, reply) => {
      reply.headers(UI_SECURITY_HEADERS);
    });

    // Relative URLs in index.html (app.js, style.css) need the trailing slash.
    methodTable(app, '/ui', { GET: async (_request, reply) => reply.redirect('/ui/', 302) });
    methodTable(app, '/ui/*', {
      GET: async (request, reply) => {
        const name = (request.params as { '*': string })['*'] || 'index.html';
        const asset = assets.get(name);
        if (asset === undefined) throw new FuntainerError('FUNTAINER_ERR_NOT_FOUND', `no UI file ${name}`);
        // no-cache = revalidate every time: after a gateway upgrade the browser never runs a stale UI, and the
        // ETag keeps revalidation to a 304 without a body.
        reply.header('cache-control', 'no-cache').header('etag', asset.etag);
        if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
        return reply.type(asset.contentType).send(asset.body);
      },
    });
  };
}
