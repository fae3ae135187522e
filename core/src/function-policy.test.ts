import t from 'tap';
import { isPrivateFunction, privateLabelProblem } from './function-policy.js';

const label = (value: string) => ({ 'com.funtainer.private': value });

t.test('isPrivateFunction: every boolean spelling, and fail closed on anything else', async (t) => {
  t.equal(isPrivateFunction(undefined), false, 'no labels');
  t.equal(isPrivateFunction({ other: 'true' }), false, 'no private label');
  for (const yes of ['true', 'TRUE', '1', 'yes', 'on', ' Yes ']) t.equal(isPrivateFunction(label(yes)), true, yes);
  for (const no of ['false', '0', 'no', 'off', 'False']) t.equal(isPrivateFunction(label(no)), false, no);
  for (const odd of ['maybe', '', 'tru']) t.equal(isPrivateFunction(label(odd)), true, `"${odd}" is private`);
});

t.test('privateLabelProblem: only boolean spellings deploy', async (t) => {
  t.equal(privateLabelProblem(undefined), undefined);
  t.equal(privateLabelProblem(label('yes')), undefined);
  t.match(privateLabelProblem(label('maybe')), /com\.funtainer\.private: "maybe" is not a boolean/);
});
