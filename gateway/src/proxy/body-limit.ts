/**
 * Enforces max_body_bytes on request bodies of unknown length (chunked uploads) while they stream through;
 * bodies with a Content-Length are checked before dispatch instead, so the common case adds no stream.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { BodyTooLargeError } from '../errors.js';

export class BodyLimit extends Transform {
  #seen = 0;

  constructor(private readonly limitBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.limitBytes) callback(new BodyTooLargeError(this.limitBytes));
    else callback(null, chunk);
  }
}
