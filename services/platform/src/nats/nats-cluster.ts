import { createServer } from 'node:net';
import { NatsServer, NatsServerStartError, type NatsServerOptions } from './nats-server.js';

export interface NatsClusterOptions extends Omit<NatsServerOptions, 'port' | 'storeDir' | 'name' | 'host'> {
  /** Nodes in the cluster (default 3: JetStream keeps a meta leader while one is down). */
  size?: number;
  /** Cluster name shared by every node; a fresh one per cluster by default. */
  clusterName?: string;
  /** How long to wait for the JetStream meta leader after a start or a restart (default 30 s). */
  leaderTimeoutMs?: number;
  /** Arguments of one node only, after the shared `args` (e.g. `-c` a configuration naming its own leaf port). */
  nodeArgs?: (index: number) => string[];
}

/** What a node's monitoring endpoint says about the JetStream meta group (`/jsz`). */
interface MetaCluster {
  leader?: string;
  cluster_size?: number;
  /** The other peers of the meta group as this node sees them; `current` once caught up. */
  replicas?: { name: string; current?: boolean }[];
}

/**
 * A real cluster of `nats-server` nodes with JetStream on loopback, each its own child
 * process with its own temporary store, client port, route port and monitoring port: what
 * the fault tests kill and restart node by node. Built on `NatsServer`, so the extra
 * `args` (e.g. `-c deploy/nats/server.conf`) reach every node.
 */
export class NatsCluster {
  private constructor(
    readonly nodes: readonly NatsServer[],
    private readonly monitorPorts: readonly number[],
    private readonly leaderTimeoutMs: number,
  ) {}

  static async start(options: NatsClusterOptions = {}): Promise<NatsCluster> {
    const { size = 3, clusterName = `lienganh-${process.pid}-${Date.now().toString(36)}`, leaderTimeoutMs = 30_000, args = [], nodeArgs = () => [], ...nodeOptions } = options;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`cluster size must be a positive integer, not ${size}`);
    // Routes name each other's ports up front, so these are chosen before any node starts.
    const routePorts = await freePorts(size);
    const monitorPorts = await freePorts(size);
    const routeUrl = (port: number) => `nats://127.0.0.1:${port}`;
    const nodes: NatsServer[] = [];
    try {
      // Started together: a JetStream node waits for its peers before it says it is ready.
      const started = await Promise.allSettled(
        routePorts.map((routePort, index) =>
          NatsServer.start({
            ...nodeOptions,
            name: `${clusterName}-n${index + 1}`,
            args: [
              '--cluster_name', clusterName,
              '--cluster', routeUrl(routePort),
              '--routes', routePorts.filter((_, other) => other !== index).map(routeUrl).join(','),
              '-m', String(monitorPorts[index]),
              ...args,
              ...nodeArgs(index),
            ],
          }),
        ),
      );
      for (const result of started) if (result.status === 'fulfilled') nodes.push(result.value);
      const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
      const cluster = new NatsCluster(nodes, monitorPorts, leaderTimeoutMs);
      await cluster.awaitMetaLeader();
      return cluster;
    } catch (error) {
      await Promise.all(nodes.map((node) => node.dispose()));
      throw error;
    }
  }

  /** Every node's client URL, for a client's `servers` (it fails over between them). */
  get servers(): string[] {
    return this.nodes.map((node) => node.url);
  }

  /** The node index of a server name, as JetStream reports a stream's or consumer's leader. */
  indexOf(serverName: string): number {
    const index = this.nodes.findIndex((node) => node.name === serverName);
    if (index < 0) throw new RangeError(`no node of this cluster is named "${serverName}"`);
    return index;
  }

  /** Abrupt stop (SIGKILL) of one node, as a crashed machine would; its store stays. */
  async kill(node: number): Promise<void> {
    await this.node(node).kill();
  }

  /** Brings a node back on the same ports with the same store; resolves once it sees the meta leader again. */
  async restart(node: number): Promise<void> {
    await this.node(node).restart();
    await this.awaitMetaLeader();
  }

  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.dispose()));
  }

  /**
   * Resolves once every running node names the same JetStream meta leader, which must itself
   * be running, and the leader sees every other running node as a current peer: before that,
   * stream and consumer requests are refused (a replicated stream: "no suitable peers for placement").
   */
  async awaitMetaLeader(): Promise<string> {
    const deadline = Date.now() + this.leaderTimeoutMs;
    let seen = 'nothing yet';
    for (;;) {
      const running = this.nodes.map((node, index) => ({ node, index })).filter(({ node }) => node.isRunning);
      const metas = await Promise.all(running.map(({ index }) => this.metaCluster(index).catch((error: unknown) => ({ error: String(error) }))));
      const leaders = new Set(metas.map((meta) => ('leader' in meta ? meta.leader : undefined)));
      const [leader] = leaders;
      const leaderMeta = metas[running.findIndex(({ node }) => node.name === leader)];
      const currentPeers = leaderMeta && !('error' in leaderMeta) ? (leaderMeta.replicas ?? []).filter((peer) => peer.current && running.some(({ node }) => node.name === peer.name)).length : -1;
      if (leaders.size === 1 && leader && currentPeers >= running.length - 1) return leader;
      seen = JSON.stringify(metas);
      if (Date.now() > deadline) throw new NatsServerStartError(`no JetStream meta leader within ${this.leaderTimeoutMs} ms; the nodes said ${seen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async metaCluster(index: number): Promise<MetaCluster> {
    const response = await fetch(`http://127.0.0.1:${this.monitorPorts[index]}/jsz`, { signal: AbortSignal.timeout(2_000) });
    const body = (await response.json()) as { meta_cluster?: MetaCluster };
    return body.meta_cluster ?? {};
  }

  private node(index: number): NatsServer {
    const node = this.nodes[index];
    if (!node) throw new RangeError(`node ${index} does not exist (0-${this.nodes.length - 1})`);
    return node;
  }
}

/**
 * Loopback ports nothing listens on right now, all distinct. Another process may take one
 * before the node binds it: the start then fails with the server's own message.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject).listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
