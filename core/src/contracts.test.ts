import t from 'tap';
import { describeIssues, FunctionDeploymentSchema, QueueRequestSchema, ScaleServiceRequestSchema, SecretSchema } from './contracts.js';

t.test('faas-cli deploy body parses', async (t) => {
  const parsed = FunctionDeploymentSchema.parse({
    service: 'echo', image: 'funtainer/echo:latest', envProcess: 'cat', envVars: {}, constraints: [], secrets: [],
    labels: {}, annotations: {}, limits: { memory: '128Mi' }, requests: { cpu: '50m' }, readOnlyRootFilesystem: true,
  });
  t.equal(parsed.service, 'echo');
  t.same(parsed.limits, { memory: '128Mi' });
});

t.test('null maps from Go clients become empty', async (t) => {
  const parsed = FunctionDeploymentSchema.parse({ service: 'a', image: 'b', labels: null, annotations: null, envVars: null });
  t.same(parsed.labels, {});
  t.same(parsed.annotations, {});
  t.same(parsed.envVars, {});
  t.same(parsed.secrets, []);
});

t.test('bad specs name the field', async (t) => {
  const r = FunctionDeploymentSchema.safeParse({ service: 'Bad_Name', image: '', limits: { memory: 'lots' } });
  t.notOk(r.success);
  if (r.success) return;
  const lines = describeIssues(r.error);
  t.ok(lines.some((l) => l.startsWith('service:')), lines.join('\n'));
  t.ok(lines.some((l) => l.startsWith('image:')));
  t.ok(lines.some((l) => l.startsWith('limits.memory:')));
});

t.test('scale allows zero and rejects negatives and fractions', async (t) => {
  t.equal(ScaleServiceRequestSchema.parse({ serviceName: 'a', replicas: 0 }).replicas, 0);
  t.notOk(ScaleServiceRequestSchema.safeParse({ replicas: -1 }).success);
  t.notOk(ScaleServiceRequestSchema.safeParse({ replicas: 1.5 }).success);
  t.notOk(ScaleServiceRequestSchema.safeParse({ replicas: '2' }).success);
});

t.test('secrets and queue requests', async (t) => {
  t.ok(SecretSchema.safeParse({ name: 'api-key', value: 'x' }).success);
  t.notOk(SecretSchema.safeParse({ name: '../etc', value: 'x' }).success);
  t.notOk(SecretSchema.safeParse({ name: 'a', rawValue: '%%%' }).success);
  const base = { callId: 'c', function: 'echo', namespace: 'openfaas-fn', method: 'POST', path: '/', query: '', headers: {}, body: '', enqueuedAt: 1 };
  t.ok(QueueRequestSchema.safeParse({ ...base, callbackUrl: 'http://127.0.0.1:1/cb' }).success);
  t.notOk(QueueRequestSchema.safeParse({ ...base, callbackUrl: 'ftp://x/y' }).success);
});
