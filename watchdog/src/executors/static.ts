/**
 * static mode: serve files from static_path (of-watchdog uses Go's http.FileServer). GET and HEAD only, a directory
 * serves its index.html, anything outside the root or missing is 404 so probing reveals nothing.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Executor, ExecutorDeps } from './executor.js';
import { contentTypeFor, isInside, resolveStaticPath } from './static-files.js';

interface FoundFile {
  readonly path: string;
  readonly size: number;
  readonly mtime: Date;
}

export class StaticExecutor implements Executor {
  private realRoot = '';

  constructor(
    private readonly root: string,
    private readonly deps: ExecutorDeps,
  ) {}

  async start(): Promise<void> {
    try {
      this.realRoot = await realpath(this.root);
    } catch {
      this.deps.log.warn('static_path does not exist yet; every request will be 404 until it does', { root: this.root });
      this.realRoot = this.root;
    }
  }

  async stop(): Promise<void> {}

  async invoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method Not Allowed\n', { allow: 'GET, HEAD' });
      return;
    }
    const file = await this.find(req.url ?? '/');
    if (file === undefined) {
      sendText(res, 404, '404 page not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': contentTypeFor(extname(file.path)),
      'content-length': String(file.size),
      'last-modified': file.mtime.toUTCString(),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    try {
      await pipeline(createReadStream(file.path), res);
    } catch (err) {
      this.deps.log.warn('static file transfer interrupted', { err, path: file.path });
    }
  }

  private async find(url: string): Promise<FoundFile | undefined> {
    const candidate = resolveStaticPath(this.realRoot, url);
    if (candidate === undefined) return undefined;
    try {
      let path = await realpath(candidate);
      if (!isInside(this.realRoot, path)) return undefined;
      let info = await stat(path);
      if (info.isDirectory()) {
        path = await realpath(join(path, 'index.html'));
        if (!isInside(this.realRoot, path)) return undefined;
        info = await stat(path);
      }
      return info.isFile() ? { path, size: info.size, mtime: info.mtime } : undefined;
    } catch {
      return undefined;
    }
  }
}

function sendText(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(body.length), ...extra });
  res.end(body);
}
