import t from 'tap';
import { withLocalBaseImages } from './local-base-images.js';

t.test('the local base is used only when the official one is absent and the local one present; explicit wins', async (t) => {
  const notes: string[] = [];
  const offline = (image: string) => image.endsWith(':local');
  const env = withLocalBaseImages({ PATH: '/bin' }, (l) => notes.push(l), offline);
  t.equal(env.FUNTAINER_NODE_IMAGE, 'funtainer/node-base:local');
  t.equal(env.FUNTAINER_BASE_IMAGE, 'funtainer/busybox-base:local');
  t.equal(notes.length, 2, 'each choice is said');
  t.same(withLocalBaseImages({}, () => {}, () => true), {}, 'official present: nothing changes');
  t.same(withLocalBaseImages({}, () => {}, () => false), {}, 'neither present: nothing changes (the build explains)');
  t.equal(withLocalBaseImages({ FUNTAINER_NODE_IMAGE: 'mine:1' }, () => {}, offline).FUNTAINER_NODE_IMAGE, 'mine:1');
});
