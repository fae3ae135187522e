/**
 * The slices of FunctionProvider the autoscaling code depends on, named by role (faas `ServiceQuery` idea):
 * each component asks for the least it needs, so tests can hand it a small fake and the provider seam can
 * grow without touching the autoscaler.
 */
import type { FunctionProvider } from '../provider/provider.js';

/** Read and set replica counts (the scaler's whole view of the engine). */
export type ReplicaQuery = Pick<FunctionProvider, 'get' | 'scale'>;

/** Observe ready endpoints (the waker times cold starts to the first one). */
export type EndpointWatch = Pick<FunctionProvider, 'endpoints' | 'onEndpointsChanged'>;

/** Enumerate deployed functions (the autoscaler loop visits each every tick). */
export type FunctionLister = Pick<FunctionProvider, 'list' | 'namespaces'>;
