/**
 * Label names with meaning to Funtainer. `com.openfaas.*` are OpenFaaS' own, kept so existing stack.yml files
 * and alert rules work; `com.funtainer.*` are our extras (faas-cli passes unknown labels through untouched).
 */
export const LABELS = Object.freeze({
  scaleMin: 'com.openfaas.scale.min',
  scaleMax: 'com.openfaas.scale.max',
  scaleTarget: 'com.openfaas.scale.target',
  scaleType: 'com.openfaas.scale.type',
  scaleTargetProportion: 'com.openfaas.scale.target-proportion',
  scaleZero: 'com.openfaas.scale.zero',
  scaleZeroDuration: 'com.openfaas.scale.zero-duration',
  scaleFactor: 'com.openfaas.scale.factor',
  retryAttempts: 'com.openfaas.retry.attempts',
  retryCodes: 'com.openfaas.retry.codes',
  retryMinWait: 'com.openfaas.retry.min_wait',
  retryMaxWait: 'com.openfaas.retry.max_wait',
  /** One timeout for the whole call, applied to gateway and watchdog alike (duration string). */
  timeout: 'com.funtainer.timeout',
  /** Per-function bound on concurrent in-flight requests at the gateway; excess waits in a bounded queue. */
  maxConcurrency: 'com.funtainer.max_concurrency',
  /** `true` → invocation requires the gateway's credentials. */
  private: 'com.funtainer.private',
});
