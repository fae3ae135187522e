// The gateway backed by the in-memory provider whose one function `echo` points at UPSTREAM_URL (a bare
// server or a function container). Auth off, port 0; prints its port. Used by bench/gateway.sh.
import { Registry } from 'prom-client';
import { buildGateway } from '../gateway/dist/app.js';
import { loadConfig } from '../gateway/dist/config.js';
import { MemoryProvider } from '../gateway/dist/testing/memory-provider.js';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';

const upstream = process.env.UPSTREAM_URL;
const replicas = Number(process.env.REPLICAS ?? 1);
const provider = new MemoryProvider({ endpointUrl: () => upstream });
await provider.start();
await provider.deploy(FunctionDeploymentSchema.parse({ service: 'echo', image: 'bench', labels: { 'com.openfaas.scale.min': String(replicas) } }));
const config = loadConfig({ port: '0', metrics_port: '0', bind_address: '127.0.0.1', basic_auth: 'false', ...process.env.GATEWAY_ENV ? JSON.parse(process.env.GATEWAY_ENV) : {} });
const gateway = await buildGateway({ provider, config, registry: new Registry() });
const { port } = await gateway.listen();
console.log(JSON.stringify({ port }));
process.on('SIGTERM', async () => { await gateway.close(); process.exit(0); });
