import t from 'tap';
import { pushHint } from './docker-push.js';

t.test('a failed push names its likely cause and the registry', async (t) => {
  const image = '10.77.1.1:5000/funtainer/echo:1';
  t.match(pushHint(image, ['Get "https://10.77.1.1:5000/v2/": http: server gave HTTP response to HTTPS client']), /10\.77\.1\.1:5000 speaks plain HTTP.*--insecure-registry/);
  t.match(pushHint(image, ['unauthorized: authentication required']), /docker login 10\.77\.1\.1:5000/);
  t.match(pushHint(image, ['dial tcp 10.77.1.1:5000: connect: connection refused']), /10\.77\.1\.1:5000 is not reachable/);
  t.match(pushHint(image, ['Cannot connect to the Docker daemon at unix:///var/run/docker.sock']), /start Docker/);
  t.match(pushHint('funtainer/echo:1', ['something else']), /registry docker\.io is up/, 'a reference without a host names Docker Hub');
});
