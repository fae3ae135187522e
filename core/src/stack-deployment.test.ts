import t from 'tap';
import { parseStack, toDeployment } from './stack.js';

function stackWith(fn: Record<string, unknown>) {
  return parseStack({ provider: { name: 'openfaas' }, functions: { fn: { image: 'funtainer/fn:latest', ...fn } } }, { file: 'stack.yml' });
}

t.test('toDeployment maps every OpenFaaS field', async (t) => {
  const stack = stackWith({
    fprocess: 'node index.js',
    environment: { A: 'env', B: 'env' },
    secrets: ['api-key'],
    labels: { team: 'x' },
    annotations: { topic: 'y' },
    limits: { memory: '128Mi' },
    requests: { cpu: '50m' },
    readonly_root_filesystem: true,
    constraints: ['node.platform.os == linux'],
    namespace: 'staging',
  });
  const fn = { ...stack.functions[0]!, fileEnvironment: { B: 'file' } };
  t.same(toDeployment(fn), {
    service: 'fn',
    image: 'funtainer/fn:latest',
    namespace: 'staging',
    envProcess: 'node index.js',
    envVars: { A: 'env', B: 'file' },
    constraints: ['node.platform.os == linux'],
    secrets: ['api-key'],
    labels: { team: 'x' },
    annotations: { topic: 'y' },
    limits: { memory: '128Mi' },
    requests: { cpu: '50m' },
    readOnlyRootFilesystem: true,
  });
});

t.test('the template fprocess applies only when the function has none', async (t) => {
  const [fn] = stackWith({}).functions;
  t.equal(toDeployment(fn!, { templateFprocess: 'node server.js' }).envProcess, 'node server.js');
  const [own] = stackWith({ fprocess: 'cat' }).functions;
  t.equal(toDeployment(own!, { templateFprocess: 'node server.js' }).envProcess, 'cat');
});

t.test('Funtainer extras become labels and the mode env', async (t) => {
  const [fn] = stackWith({
    timeout: 30,
    max_concurrency: 4,
    private: true,
    mode: 'streaming',
    labels: { 'com.funtainer.timeout': '5s' },
    scale: { min: 0, max: 3, target: 50, type: 'capacity', zero: true, zero_duration: '5m' },
  }).functions;
  const spec = toDeployment(fn!);
  t.same(spec.labels, {
    'com.funtainer.timeout': '30s',
    'com.funtainer.max_concurrency': '4',
    'com.funtainer.private': 'true',
    'com.openfaas.scale.min': '0',
    'com.openfaas.scale.max': '3',
    'com.openfaas.scale.target': '50',
    'com.openfaas.scale.type': 'capacity',
    'com.openfaas.scale.zero': 'true',
    'com.openfaas.scale.zero-duration': '5m',
  });
  t.equal(spec.envVars.mode, 'streaming');
});

t.test('--namespace overrides the function namespace', async (t) => {
  const [fn] = stackWith({ namespace: 'a' }).functions;
  t.equal(toDeployment(fn!, { namespace: 'b' }).namespace, 'b');
});
