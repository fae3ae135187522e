/**
 * Test doubles for the Docker reconciler: an in-memory replica engine (containers are records; launch, remove and
 * stop just edit them and log what was asked) and local HTTP servers that answer the watchdog's `GET /_/ready`,
 * ready or not as the test says, so the reconciler's real readiness wait runs against them. Not a test file itself.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { QualifiedName } from '@funtainer/core/names';
import type { ReplicaIdentity } from '../provider/docker/labels.js';
import type { ReconcilerEngine } from '../provider/docker/reconciler.js';
import type { ObservedReplica } from '../provider/docker/replica-engine.js';

/** A stand-in watchdog: `/_/ready` answers 200 while `ready` is true, 503 otherwise; counts the probes. */
export interface ReadyServer {
  readonly url: string;
  ready: boolean;
  probes: number;
  close(): Promise<void>;
}

export async function readyServer(ready: boolean): Promise<ReadyServer> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/_/ready') state.probes++;
    res.writeHead(req.url === '/_/ready' && state.ready ? 200 : 503).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const state: ReadyServer = {
    url: `http://127.0.0.1:${port}`,
    ready,
    probes: 0,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return state;
}

export class FakeReplicaEngine implements ReconcilerEngine {
  readonly containers = new Map<string, ObservedReplica>();
  readonly launched: ReplicaIdentity[] = [];
  readonly removed: string[] = [];
  readonly stopped: string[] = [];
  /** The next `failLaunches` launches throw this error (then launches succeed again). */
  failLaunches = 0;
  launchError: Error = new Error('engine unavailable');
  #next = 0;

  /** @param urlFor the watchdog URL a newly launched replica gets (a ReadyServer's URL, usually). */
  constructor(private readonly urlFor: (identity: ReplicaIdentity) => string | undefined) {}

  /** Puts a container in the engine as if something else had made it (a previous gateway, an older pass). */
  add(identity: ReplicaIdentity, url: string | undefined, state: 'running' | 'paused' | 'exited' = 'running'): string {
    const id = `c${this.#next++}-g${identity.generation}s${identity.slot}`;
    this.containers.set(id, { id, identity, url, running: state === 'running', paused: state === 'paused' });
    return id;
  }

  async list(fn?: QualifiedName): Promise<ObservedReplica[]> {
    return [...this.containers.values()].filter((c) => !fn || (c.identity.name === fn.name && c.identity.namespace === fn.namespace));
  }

  async launch(_spec: unknown, identity: ReplicaIdentity): Promise<{ id: string; url: string | undefined }> {
    if (this.failLaunches > 0) {
      this.failLaunches--;
      throw this.launchError;
    }
    this.launched.push(identity);
    const url = this.urlFor(identity);
    return { id: this.add(identity, url), url };
  }

  async remove(id: string): Promise<void> {
    this.removed.push(id);
    this.containers.delete(id);
  }

  async stopAndRemove(id: string): Promise<void> {
    this.stopped.push(id);
    this.containers.delete(id);
  }
}
