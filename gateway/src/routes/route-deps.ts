/** What the system-API route plugins receive; built once in app.ts. */
import type { GatewayConfig } from '../config.js';
import type { FunctionTable } from '../functions/function-table.js';
import type { QualifiedName } from '@funtainer/core/names';
import type { FunctionProvider } from '../provider/provider.js';
import type { ManualScaleHolds } from '../autoscaler/manual-scale.js';
import type { FunctionSchedules } from '../schedules/function-schedules.js';

export interface RouteDeps {
  readonly provider: FunctionProvider;
  readonly functions: FunctionTable;
  readonly config: GatewayConfig;
  /** The autoscaler's view of a function (target, current, paused, last decision) for GET /system/function. */
  readonly describeScaling?: ((fn: QualifiedName) => object | undefined) | undefined;
  /** The autoscaler's manual-scale holds, so a scale-function is not undone at the next tick. */
  readonly manualScale?: ManualScaleHolds | undefined;
  /** Cron schedules of functions (schedules/): kept in step with deploys, shown by GET /system/function. */
  readonly schedules?: FunctionSchedules | undefined;
  /** After every deploy, update and delete (topic subscriber cache). */
  readonly onFunctionChanged?: ((fn: QualifiedName) => void) | undefined;
}
