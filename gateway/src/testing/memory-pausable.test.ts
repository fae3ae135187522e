import t from 'tap';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { MemoryProvider } from './memory-provider.js';
import { MemoryPausableProvider } from './memory-pausable.js';
import { runPausableContract } from '../autoscaler/pausable.contract.js';

let counter = 0;
await runPausableContract(t, 'memory pausable', async () => {
  const inner = new MemoryProvider();
  await inner.start();
  const name = `fn-${++counter}`;
  await inner.deploy(FunctionDeploymentSchema.parse({ service: name, image: 'test/echo:1', namespace: 'openfaas-fn', labels: { 'com.openfaas.scale.min': '2' } }));
  return { provider: new MemoryPausableProvider(inner), fn: { name, namespace: 'openfaas-fn' } };
}, { readyDeadlineMs: 2000 });
