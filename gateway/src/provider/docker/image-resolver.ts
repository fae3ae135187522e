/**
 * Makes sure an image is present before a definition is accepted, as the pull policy says (image-policy.ts): a
 * local image is used as it is, a missing one is pulled (progress logged) within a deadline, and only from a
 * registry the operator listed. A refused or failed pull is the deployer's problem (bad name, no access) and
 * becomes a 400 naming the image, never the host. Returns the image facts container-spec needs.
 */
import type Docker from 'dockerode';
import { engineMessage, imagePullError, isNotFound, mapDockerError, withDeadline } from './docker-errors.js';
import type { ImageFacts } from '../replica-rules.js';
import type { ProviderLogger } from './docker-provider-options.js';
import { registryOf } from '@funtainer/core/image-ref';
import { pullDecision, type ImagePolicy } from './image-policy.js';

interface PullEvent {
  status?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
}

export class ImageResolver {
  constructor(
    private readonly docker: Docker,
    private readonly engineTimeoutMs: number,
    private readonly pullTimeoutMs: number,
    private readonly logger: ProviderLogger,
    private readonly policy: ImagePolicy,
  ) {}

  async ensure(image: string): Promise<ImageFacts> {
    const local = await this.#inspect(image);
    const decision = pullDecision(image, local !== undefined, this.policy);
    if (typeof decision !== 'string') throw decision;
    if (decision === 'use-local' && local) return local;
    await this.#pull(image);
    const pulled = await this.#inspect(image);
    if (!pulled) throw imagePullError(image, registryOf(image), new Error('the image is still missing after the pull'));
    return pulled;
  }

  /** Facts of a local image, or undefined when it is not present. */
  async #inspect(image: string): Promise<ImageFacts | undefined> {
    try {
      const info = await withDeadline(this.engineTimeoutMs, 'inspect an image', () => this.docker.getImage(image).inspect());
      return { user: info.Config?.User ?? '' };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw mapDockerError(err, 'inspect an image');
    }
  }

  async #pull(image: string): Promise<void> {
    const started = Date.now();
    this.logger.info({ image }, 'pulling image');
    try {
      await withDeadline(this.pullTimeoutMs, `pull image ${image}`, async (signal) => {
        const stream = await this.docker.pull(image, { abortSignal: signal });
        await this.#followProgress(image, stream);
      });
    } catch (err) {
      const wrapped = imagePullError(image, registryOf(image), err);
      // the engine's own words go to the operator's log only
      this.logger.warn({ image, err: wrapped.message, engine: engineMessage(err) }, 'image pull failed');
      throw wrapped;
    }
    this.logger.info({ image, durationMs: Date.now() - started }, 'image pulled');
  }

  #followProgress(image: string, stream: NodeJS.ReadableStream): Promise<void> {
    let lastStatus = '';
    return new Promise((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null, output: PullEvent[]) => {
          const failed = output.find((event) => event.error !== undefined);
          if (err) reject(err);
          else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
          else resolve();
        },
        (event: PullEvent) => {
          // Layer-level progress is too chatty for logs; one line per distinct status is enough.
          if (event.status && event.status !== lastStatus && !event.id) this.logger.info({ image, status: event.status }, 'pull progress');
          if (event.status) lastStatus = event.status;
        },
      );
    });
  }
}
