import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * What the hub's nodes advertise as their leaf address in tests (`hubNatsConfig`'s `advertise`):
 * a site learns it on connecting and dials it when its line drops, and on loopback the real leaf
 * port would answer, which a province whose line is cut cannot reach. Nothing listens here.
 */
export const UNREACHABLE_LEAF_ADDRESS = '127.0.0.1:9';

/**
 * A TCP link to a port on loopback that a test can cut and restore: a province's line to the
 * centre. While cut, what was connected is dropped and new connections are closed at once.
 */
export class LinkProxy {
  private readonly sockets = new Set<Socket>();
  private up = true;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async open(targetPort: number): Promise<LinkProxy> {
    let proxy: LinkProxy | undefined;
    const server = createServer((client) => proxy!.accept(client, targetPort));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    proxy = new LinkProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  get url(): string {
    return `nats-leaf://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.up = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.up = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: Socket, targetPort: number): void {
    if (!this.up) return void client.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      this.sockets.add(from);
      from.pipe(to);
      from.once('error', () => to.destroy());
      from.once('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }
}
