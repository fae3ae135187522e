/**
 * Shared unit-test fixtures: a MemoryProvider with pausing layered on, and a helper to deploy a function with
 * scaling labels. Lives beside the code (not in test/) because the unit tests run from gateway/dist.
 */
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { DEFAULT_NAMESPACE, type QualifiedName } from '@funtainer/core/names';
import { MemoryProvider, type MemoryProviderOptions } from './memory-provider.js';
import { MemoryPausableProvider } from './memory-pausable.js';

export interface MemoryFixture {
  readonly engine: MemoryProvider;
  /** The provider the autoscaling code sees: scaling, endpoints and pausing, with every call recorded. */
  readonly provider: MemoryPausableProvider;
  deploy(name: string, labels?: Record<string, string>): Promise<QualifiedName>;
  /** Scale calls recorded for `fn` (pause/unpause excluded). */
  scaleCalls(fn: QualifiedName): number[];
}

export function createMemoryFixture(options: MemoryProviderOptions = {}): MemoryFixture {
  const engine = new MemoryProvider(options);
  const provider = new MemoryPausableProvider(engine);
  return {
    engine,
    provider,
    async deploy(name, labels = {}) {
      await engine.deploy(FunctionDeploymentSchema.parse({ service: name, image: `example/${name}:latest`, labels }));
      return { name, namespace: DEFAULT_NAMESPACE };
    },
    scaleCalls(fn) {
      const key = `${fn.name}.${fn.namespace}`;
      return provider.calls.filter((c) => c.op === 'scale' && c.fn === key).map((c) => c.replicas ?? -1);
    },
  };
}
