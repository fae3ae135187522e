import t from 'tap';
import { parseTickJobId, ScheduleRunSchema } from './schedule-records.js';

t.test('parseTickJobId: the id BullMQ gives a scheduler tick, and nothing else', async (t) => {
  t.same(parseTickJobId('repeat:echo.openfaas-fn:1767225600000'), { schedulerId: 'echo.openfaas-fn', tickMs: 1767225600000 });
  for (const id of [undefined, '', 'b7c1d1e0-call', 'repeat:echo.openfaas-fn', 'repeat::1', 'repeat:a:b:1', 'repeat:echo:12x', `repeat:echo:${'9'.repeat(20)}`]) {
    t.equal(parseTickJobId(id), undefined, String(id));
  }
});

t.test('ScheduleRunSchema: what the worker writes is what the gateway reads', async (t) => {
  t.same(ScheduleRunSchema.parse({ callId: 'repeat:a.b:1', tick: 1, extra: true }), { callId: 'repeat:a.b:1', tick: 1 });
  t.notOk(ScheduleRunSchema.safeParse({ callId: 'x' }).success);
});
