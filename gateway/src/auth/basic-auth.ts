/**
 * HTTP basic auth as OpenFaaS does it (realm "Restricted"), with constant-time comparison: both sides are
 * hashed first so timingSafeEqual always sees equal-length inputs and the length of the secret never leaks.
 * Disabled (no credentials) means every request passes, including faas-cli's `Authorization: Bearer` with an
 * empty token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export class BasicAuth {
  readonly #user: Buffer | undefined;
  readonly #password: Buffer | undefined;

  /** `undefined` credentials turn authentication off. */
  constructor(credentials: Credentials | undefined) {
    this.#user = credentials === undefined ? undefined : digest(credentials.user);
    this.#password = credentials === undefined ? undefined : digest(credentials.password);
  }

  get enabled(): boolean {
    return this.#user !== undefined;
  }

  /** True when auth is off, or the header carries the configured user and password. */
  verify(authorization: string | undefined): boolean {
    if (this.#user === undefined || this.#password === undefined) return true;
    if (authorization === undefined || authorization.length < 6 || authorization.slice(0, 6).toLowerCase() !== 'basic ') return false;
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return false;
    const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), this.#user);
    const passwordOk = timingSafeEqual(digest(decoded.slice(colon + 1)), this.#password);
    return userOk && passwordOk;
  }
}
