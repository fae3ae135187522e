/**
 * Shared setup for Docker provider tests: one isolated test run (labels, network, secrets dir), the echo image,
 * and a factory for providers scoped to that run with test-friendly timings.
 */
import type { Test } from 'tap';
import { FunctionDeploymentSchema, type FunctionDeployment, type FunctionDeploymentInput } from '@funtainer/core/contracts';
import { DockerProvider } from '@funtainer/gateway/provider/docker/docker-provider';
import type { DockerProviderOptions } from '@funtainer/gateway/provider/docker/docker-provider-options';
import { createDockerTestRun, dockerUnavailableReason, ensureEchoImage, type DockerTestRun } from './docker.js';

export interface DockerProviderFixture {
  readonly run: DockerTestRun;
  readonly image: string;
  makeProvider(extra?: Partial<DockerProviderOptions>): Promise<DockerProvider>;
  spec(service: string, extra?: Partial<FunctionDeploymentInput>): FunctionDeployment;
}

/** undefined (after printing why) when Docker is not available; the caller then skips. */
export async function setUpDockerProviderFixture(t: Test): Promise<DockerProviderFixture | undefined> {
  const reason = await dockerUnavailableReason();
  if (reason) {
    console.log(`# SKIP docker provider tests: ${reason}`);
    t.comment(`skipping: ${reason}`);
    return undefined;
  }
  const started = Date.now();
  const image = await ensureEchoImage();
  t.comment(`echo image ${image} ready in ${Date.now() - started} ms`);
  const run = await createDockerTestRun();
  t.teardown(() => run.cleanup());
  return {
    run,
    image,
    makeProvider: (extra = {}) =>
      DockerProvider.create({
        network: run.network,
        secretsDir: run.secretsDir,
        extraLabels: run.labels,
        drainMs: 100,
        stopGraceSeconds: 3,
        readyTimeoutMs: 20_000,
        sweepIntervalMs: 1_000,
        pullTimeoutMs: 15_000,
        ...(process.env['FUNTAINER_TEST_LOG'] ? { logger: consoleLogger } : {}),
        ...extra,
      }),
    spec: (service, extra = {}) => FunctionDeploymentSchema.parse({ image, envProcess: 'node handler.js', ...extra, service }),
  };
}

/** FUNTAINER_TEST_LOG=1 prints the provider's log lines (as TAP comments) when a test needs debugging. */
const consoleLogger = {
  info: (obj: object, msg?: string) => console.log(`# info ${msg ?? ''} ${JSON.stringify(obj)}`),
  warn: (obj: object, msg?: string) => console.log(`# warn ${msg ?? ''} ${JSON.stringify(obj)}`),
  error: (obj: object, msg?: string) => console.log(`# error ${msg ?? ''} ${JSON.stringify(obj)}`),
};

/** POSTs `body` to a replica (or any watchdog URL) and returns the parsed JSON. */
export async function invoke(url: string, query = '', body = 'hi'): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}/${query ? `?${query}` : ''}`, {
    method: 'POST', body, headers: { 'content-type': 'text/plain' }, signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { raw: text };
  }
  return { status: response.status, json };
}
