/**
 * The connect-time half of the callback policy (core/callback-policy.ts): callbacks go out through an undici
 * Agent whose connector resolves the receiver's name itself, judges EVERY address it resolves to, and lets the
 * socket connect only to those checked addresses (net.connect's `lookup` hook, so there is no second lookup a
 * rebinding DNS server could answer differently). Literal IPs are judged before connecting, and the socket's
 * actual peer is judged once more before a byte of the callback is written.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { checkAddress, type CallbackPolicy } from '@funtainer/core/callback-policy';

/** Same code the gateway answers on submit, so logs and `GET /system/async/<id>` name one cause. */
export const CALLBACK_DENIED_CODE = 'FUNTAINER_ERR_CALLBACK_URL_DENIED';

export class CallbackAddressDeniedError extends Error {
  readonly code = CALLBACK_DENIED_CODE;
  readonly reason: string;
  constructor(address: string, reason: string) {
    super(`callback address ${address} is not allowed by the callback policy (${reason})`);
    this.name = 'CallbackAddressDeniedError';
    this.reason = reason;
  }
}

/** All addresses of a name (injectable so tests can play a rebinding DNS server). */
export type ResolveAll = (hostname: string, family: number, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolveAll: ResolveAll = (hostname, family, callback) => dnsLookup(hostname, { all: true, family }, callback);

/** A `lookup` for net.connect that fails unless every resolved address passes the policy. */
export function guardedLookup(policy: CallbackPolicy, resolveAll: ResolveAll = systemResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname, options.family === 4 || options.family === 6 ? options.family : 0, (err, addresses) => {
      if (err) return callback(err, '', 0);
      if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      for (const { address } of addresses) {
        const verdict = checkAddress(address, policy);
        if (!verdict.allowed) return callback(new CallbackAddressDeniedError(`${address} (${hostname})`, verdict.reason), '', 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

export function createGuardedConnector(policy: CallbackPolicy, connectTimeoutMs: number, resolveAll?: ResolveAll): buildConnector.connector {
  const connect = buildConnector({ timeout: connectTimeoutMs, lookup: guardedLookup(policy, resolveAll) });
  return (options, callback) => {
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    // net.connect skips `lookup` for a literal IP, so a literal is judged here.
    if (isIP(host) !== 0) {
      const verdict = checkAddress(host, policy);
      if (!verdict.allowed) return callback(new CallbackAddressDeniedError(host, verdict.reason), null);
    }
    connect(options, (err, socket) => {
      if (err) return callback(err, null);
      const peer = socket.remoteAddress;
      const verdict = peer ? checkAddress(peer, policy) : ({ allowed: false, reason: 'not-an-address' } as const);
      if (!verdict.allowed) {
        socket.destroy();
        return callback(new CallbackAddressDeniedError(peer ?? 'unknown peer', verdict.reason), null);
      }
      return callback(null, socket);
    });
  };
}

/** The dispatcher every callback POST uses; closed with the runtime. */
export function createCallbackAgent(policy: CallbackPolicy, connectTimeoutMs: number): Agent {
  return new Agent({ connect: createGuardedConnector(policy, connectTimeoutMs) });
}
