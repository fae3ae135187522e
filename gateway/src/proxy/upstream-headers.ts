/**
 * Header rewriting for the invocation proxy, both directions: what any hop drops (hop-by-hop headers and those
 * named in `Connection`) is decided in core's forward-headers; here the gateway adds its own rules on top, as
 * OpenFaaS does: the call id, the start time and X-Forwarded-*.
 */
import { HEADERS } from '@funtainer/core/headers';
import { forwardRequestHeaders, forwardResponseHeaders, type HeaderRecord, type RequestHeaderFilter } from '@funtainer/core/proxy/forward-headers';

export interface UpstreamRequestHeaders {
  /** Flat `[name, value, name, value, …]` list as undici accepts it. */
  readonly headers: string[];
  readonly callId: string;
  /** Declared Content-Length, or -1 when absent. */
  readonly contentLength: number;
  /** The client sent `Transfer-Encoding` (a body of unknown length follows). */
  readonly chunked: boolean;
}

/** The gateway's rules, applied in the same pass as core's and remembering what the additions below need. */
class GatewayRequestFilter implements RequestHeaderFilter {
  callId: string | undefined;
  host: string | undefined;
  hasForwardedFor = false;
  hasForwardedHost = false;

  constructor(private readonly dropAuthorization: boolean) {}

  keep(lower: string, value: string): boolean {
    switch (lower) {
      // Set from the replica's origin; the client's goes into X-Forwarded-Host.
      case 'host':
        this.host = value;
        return false;
      // The gateway sets X-Start-Time itself (as OpenFaaS does); a caller's (e.g. an async replay) is not kept beside it.
      case HEADERS.startTime:
        return false;
      case HEADERS.callId:
        if (this.callId !== undefined) return false; // keep one call id
        this.callId = value;
        return true;
      case HEADERS.forwardedFor:
        this.hasForwardedFor = true;
        return true;
      case HEADERS.forwardedHost:
        this.hasForwardedHost = true;
        return true;
      case 'authorization':
        return !this.dropAuthorization;
      default:
        return true;
    }
  }
}

/** Builds the headers sent to the replica. `newCallId` is only called when the client sent no X-Call-Id. */
export function buildUpstreamRequestHeaders(
  rawHeaders: readonly string[],
  remoteAddress: string | undefined,
  startTimeNs: string,
  newCallId: () => string,
  /** Private functions: the gateway's own credentials were checked and must not reach the function. */
  dropAuthorization = false,
): UpstreamRequestHeaders {
  const filter = new GatewayRequestFilter(dropAuthorization);
  const { headers, contentLength, chunked } = forwardRequestHeaders(rawHeaders, filter);
  let callId = filter.callId;
  if (callId === undefined) {
    callId = newCallId();
    headers.push(HEADERS.callId, callId);
  }
  headers.push(HEADERS.startTime, startTimeNs);
  if (!filter.hasForwardedFor && remoteAddress !== undefined) headers.push(HEADERS.forwardedFor, remoteAddress);
  if (!filter.hasForwardedHost && filter.host !== undefined) headers.push(HEADERS.forwardedHost, filter.host);
  return { headers, callId, contentLength, chunked };
}

/**
 * Response headers for the client: the replica's forwardable headers plus call id, start time and duration (the
 * replica's own X-Duration-Seconds, when it sent one, is kept: it measures the function alone).
 */
export function buildClientResponseHeaders(
  upstream: HeaderRecord,
  callId: string,
  startTimeNs: string,
  durationSeconds: number,
  closeConnection: boolean,
): Record<string, string | string[]> {
  const out = forwardResponseHeaders(upstream);
  out[HEADERS.callId] = callId;
  out[HEADERS.startTime] = startTimeNs;
  if (out[HEADERS.durationSeconds] === undefined) out[HEADERS.durationSeconds] = durationSeconds.toFixed(6);
  if (closeConnection) out.connection = 'close';
  return out;
}
