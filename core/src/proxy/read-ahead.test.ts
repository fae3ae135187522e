import t from 'tap';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { isSmallBody, readSmallBody, SMALL_BODY_BYTES } from './read-ahead.js';

function read(chunks: string[]): Promise<Buffer> {
  const req = new PassThrough();
  const done = new Promise<Buffer>((resolve) => readSmallBody(req as unknown as IncomingMessage, { smallBodyRead: resolve }));
  for (const c of chunks) req.write(c);
  req.end();
  return done;
}

t.test('isSmallBody: a declared length up to the limit, never chunked or empty', async (t) => {
  t.ok(isSmallBody({ contentLength: 1, chunked: false }));
  t.ok(isSmallBody({ contentLength: SMALL_BODY_BYTES, chunked: false }));
  t.notOk(isSmallBody({ contentLength: SMALL_BODY_BYTES + 1, chunked: false }));
  t.notOk(isSmallBody({ contentLength: 0, chunked: false }));
  t.notOk(isSmallBody({ contentLength: -1, chunked: true }));
});

t.test('readSmallBody hands over the whole body once, from one chunk or several', async (t) => {
  t.equal((await read(['{"a":1}'])).toString(), '{"a":1}');
  t.equal((await read(['ab', 'cd', 'ef'])).toString(), 'abcdef');
  t.equal((await read([])).length, 0);
});
