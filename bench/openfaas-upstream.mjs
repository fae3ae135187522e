// The function upstream of bench/openfaas.mjs, the same process code behind both platforms: a bare node:http server
// answering every path with a small JSON (as watchdog-bare-server.mjs does), plus the one faas-provider route the
// OpenFaaS gateway calls on its own, GET /system/functions (polled every few seconds for its metrics), so this
// process can also be the gateway's `functions_provider_url`. OpenFaaS CE's gateway forwards /function/<name> to
// the provider as is; a real provider (faas-netes, faasd) proxies it once more to the function, and here the
// "provider" is the function itself: one hop, as in Funtainer's gateway → replica. Prints {"port":N}.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? process.argv[2] ?? 0);
const body = JSON.stringify({ hello: 'world' });
const functions = JSON.stringify([{ name: 'echo', image: 'bench', namespace: 'openfaas-fn', replicas: 1, availableReplicas: 1, invocationCount: 0, labels: {}, annotations: {} }]);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const payload = req.method === 'GET' && req.url === '/system/functions' ? functions : body;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.on('SIGTERM', () => process.exit(0));
