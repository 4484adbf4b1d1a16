export { NatsServer, NatsServerNotFoundError, NatsServerStartError, findNatsServerBinary, type NatsServerOptions } from './nats/nats-server.js';
export { ensureStreams, streamConfigs, type StreamOptions } from './nats/streams.js';
