/**
 * A minimal keep-alive connection pool for http mode, usable as node:http's `agent` (an "Agent-like object": all
 * ClientRequest needs is addRequest, keepAlive and the socket's 'free' event).
 *
 * node's Agent is general (many origins, per-request option merging, a name lookup, keep-alive hints parsed from a
 * materialised response header object, timer updates on every free/reuse); here there is exactly one origin, so a
 * request takes the most recently freed socket off a stack (LIFO: the warmest connection) or opens one, and a freed
 * socket goes back on the stack or to the oldest queued request. No timers: a socket idle longer than the server's
 * announced keep-alive (less a margin) is closed when found, and one the server closes leaves through 'close'.
 */
import type { ClientRequest } from 'node:http';
import { connect, type Socket } from 'node:net';

const kPool = Symbol('funtainer.upstreamPool');
const kIdleSince = Symbol('funtainer.idleSince');
type PooledSocket = Socket & { [kPool]?: UpstreamPool; [kIdleSince]?: number; _httpMessage?: ClientRequest | null };

/** node's http server default keepAliveTimeout is 5 s; reuse only well inside whatever the server announces. */
const KEEP_ALIVE_MARGIN_MS = 1000;

export class UpstreamPool {
  /** Read by ClientRequest: keep-alive requests (it then sends `Connection: keep-alive`). */
  readonly keepAlive = true;
  readonly protocol = 'http:';
  readonly defaultPort = 80;
  readonly options = {};
  /** Sockets open (idle or busy). */
  private open = 0;
  private readonly idle: PooledSocket[] = [];
  private readonly queued: ClientRequest[] = [];
  private destroyed = false;
  /** Idle sockets older than this are not reused (ms; 0 = no limit). Updated from the server's Keep-Alive hint. */
  idleLimitMs = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    readonly maxSockets: number,
  ) {}

  addRequest(req: ClientRequest): void {
    const socket = this.takeIdle();
    if (socket !== undefined) {
      (req as ClientRequest & { reusedSocket: boolean }).reusedSocket = true;
      req.onSocket(socket);
    } else if (this.open < this.maxSockets) {
      req.onSocket(this.openSocket());
    } else {
      this.queued.push(req);
    }
  }

  /** Closes the idle sockets and stops keeping freed ones (watchdog shutdown; later requests still get a socket). */
  destroy(): void {
    this.destroyed = true;
    for (const socket of this.idle) socket.destroy();
    this.idle.length = 0;
  }

  private takeIdle(): PooledSocket | undefined {
    const { idle } = this;
    const limit = this.idleLimitMs;
    for (;;) {
      const socket = idle.pop();
      if (socket === undefined) return undefined;
      if (socket.destroyed) continue;
      if (limit > 0 && performance.now() - (socket[kIdleSince] as number) > limit) {
        socket.destroy();
        continue;
      }
      return socket;
    }
  }

  private openSocket(): PooledSocket {
    const socket: PooledSocket = connect({ host: this.host, port: this.port, noDelay: true });
    socket[kPool] = this;
    this.open++;
    socket.on('free', onSocketFree);
    socket.on('close', onSocketClose);
    socket.on('agentRemove', onAgentRemove);
    // An idle socket has no request to report errors to; the busy one's errors reach its ClientRequest.
    socket.on('error', ignoreIdleError);
    return socket;
  }

  /** @internal The request on `socket` finished with a keep-alive response. */
  socketFree(socket: PooledSocket): void {
    const req = socket._httpMessage;
    if (!socket.writable || this.destroyed || (req !== null && req !== undefined && !req.shouldKeepAlive)) {
      socket.destroy();
      return;
    }
    socket._httpMessage = null;
    for (;;) {
      const next = this.queued.shift();
      if (next === undefined) break;
      if (next.destroyed) continue;
      (next as ClientRequest & { reusedSocket: boolean }).reusedSocket = true;
      next.onSocket(socket);
      return;
    }
    socket[kIdleSince] = performance.now();
    this.idle.push(socket);
  }

  /** @internal */
  socketClosed(socket: PooledSocket): void {
    if (socket[kPool] === undefined) return;
    socket[kPool] = undefined;
    this.open--;
    // A closed socket may still sit on the idle stack; takeIdle skips destroyed ones.
    while (this.queued.length > 0 && this.open < this.maxSockets) {
      const next = this.queued.shift() as ClientRequest;
      if (!next.destroyed) next.onSocket(this.openSocket());
    }
  }
}

function onSocketFree(this: PooledSocket): void {
  this[kPool]?.socketFree(this);
}

function onSocketClose(this: PooledSocket): void {
  this[kPool]?.socketClosed(this);
}

/** Upgrade/CONNECT took the socket over: it no longer counts against the pool. */
function onAgentRemove(this: PooledSocket): void {
  this[kPool]?.socketClosed(this);
  this.removeListener('free', onSocketFree);
}

function ignoreIdleError(): void {
  // Busy sockets report through their ClientRequest; an idle one that fails is dropped on 'close'.
}

/** `Keep-Alive: timeout=5` → how long an idle socket may be reused (ms), or 0 when there is no usable hint. */
export function idleLimitFromKeepAlive(value: string): number {
  const match = /timeout=(\d+)/.exec(value);
  if (match === null) return 0;
  const ms = Number(match[1]) * 1000 - KEEP_ALIVE_MARGIN_MS;
  return ms > 0 ? ms : 1;
}
