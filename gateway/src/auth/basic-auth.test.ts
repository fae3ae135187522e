import t from 'tap';
import { BasicAuth } from './basic-auth.js';

const header = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

t.test('verify', async (t) => {
  const auth = new BasicAuth({ user: 'admin', password: 'p:w' });
  t.ok(auth.enabled);
  t.ok(auth.verify(header('admin:p:w')), 'password may contain a colon');
  t.ok(auth.verify(`basic ${Buffer.from('admin:p:w').toString('base64')}`), 'scheme is case-insensitive');
  for (const bad of [undefined, '', 'Bearer', 'Bearer x', header('admin:nope'), header('root:p:w'), header('admin'), 'Basic', 'Basic %%%']) t.notOk(auth.verify(bad), String(bad));
  const off = new BasicAuth(undefined);
  t.notOk(off.enabled);
  t.ok(off.verify('Bearer'), 'auth off ignores an empty bearer');
});
