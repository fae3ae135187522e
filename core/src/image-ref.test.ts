import t from 'tap';
import { imageLocation, imageReferenceProblem } from './image-ref.js';
import { envNameProblem, labelKeyProblem } from './spec-keys.js';

t.test('image references Docker accepts are valid', async (t) => {
  for (const ref of [
    'echo', 'echo:latest', 'library/echo', 'ghcr.io/openfaas/of-watchdog:0.9.10', 'localhost/echo', 'localhost:5000/a/b:c',
    '127.0.0.1:5000/fn', 'Registry.Example.com/team/fn', 'a.b-c/d__e/e-f---g:v1.2_3', `fn@sha256:${'0'.repeat(64)}`,
    `fn:1@sha256:${'f'.repeat(64)}`, '[::1]:5000/echo', 'funtainer/node-base:local',
  ]) {
    t.equal(imageReferenceProblem(ref), undefined, ref);
  }
});

t.test('malformed references name what is wrong', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['', /empty/], ['a b', /whitespace/], ['Echo', /repository component "Echo"|registry/],
    ['echo:', /invalid tag/], ['echo:.x', /invalid tag/], [`echo:${'x'.repeat(129)}`, /invalid tag/], ['echo@md5', /invalid digest/],
    ['/echo', /repository component ""/], ['echo/', /repository component ""/], ['a//b', /repository component ""/],
    ['-echo', /repository component "-echo"/], ['echo_', /repository component/], ['host:99999/echo', /invalid registry port/],
    ['ho_st.io/echo', /invalid registry host/], [`${'a'.repeat(256)}`, /at most 255/], ['echo:1:2', /invalid tag|repository component/],
    ['../../etc/passwd', /registry host|repository component/], ['echo?x=1', /repository component/],
  ];
  for (const [ref, message] of cases) {
    t.match(imageReferenceProblem(ref) ?? 'VALID', message, JSON.stringify(ref));
  }
});

t.test('env names and label keys', async (t) => {
  t.equal(envNameProblem('PATH'), undefined);
  t.equal(envNameProblem('dotted.name-ok'), undefined);
  for (const bad of ['', 'A=B', 'A\nB', 'A\u0000', '__proto__', 'x'.repeat(1025)]) t.not(envNameProblem(bad), undefined, JSON.stringify(bad));
  for (const ok of ['com.openfaas.scale.min', 'example.com/team', 'faas_function', 'a', 'A1']) t.equal(labelKeyProblem(ok), undefined, ok);
  for (const bad of ['', '-a', 'a-', 'a b', '__proto__', 'constructor', 'k'.repeat(254), 'é']) t.not(labelKeyProblem(bad), undefined, JSON.stringify(bad));
});

t.test('image location: registry, repository and tag or digest, as the registry API names them', async (t) => {
  t.same(imageLocation('10.77.1.1:5000/funtainer/echo:1'), { registry: '10.77.1.1:5000', repository: 'funtainer/echo', reference: '1' });
  t.same(imageLocation('registry.local/echo'), { registry: 'registry.local', repository: 'echo', reference: 'latest' });
  t.same(imageLocation('localhost:5000/a/b:2@sha256:' + 'a'.repeat(64)), { registry: 'localhost:5000', repository: 'a/b', reference: 'sha256:' + 'a'.repeat(64) }, 'the digest wins');
  t.same(imageLocation('echo:3'), { registry: 'docker.io', repository: 'library/echo', reference: '3' });
  t.same(imageLocation('docker.io/team/echo'), { registry: 'docker.io', repository: 'team/echo', reference: 'latest' });
  t.same(imageLocation('index.docker.io/echo'), { registry: 'docker.io', repository: 'library/echo', reference: 'latest' });
});
