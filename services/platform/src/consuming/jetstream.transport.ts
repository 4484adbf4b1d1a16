import { EventEmitter } from 'node:events';
import type { BusEvent } from '@lienganh/contracts';
import { Logger } from '@nestjs/common';
import {
  BaseRpcContext,
  ClientProxy,
  Server,
  type CustomTransportStrategy,
  type MessageHandler,
  type ReadPacket,
  type WritePacket,
} from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { isObservable, lastValueFrom } from 'rxjs';
import { JetStreamEventConsumer, type ConsumerLogger, type EventConsumerOptions, type EventContext } from './event-consumer.js';

/**
 * NestJS glue for the backbone: `JetStreamTransport` feeds durable JetStream consumers into
 * `@EventPattern('<CloudEvents type>')` handlers, `JetStreamClientProxy` emits events through
 * the service's publisher. Nest's built-in NATS transport is core NATS (fire and forget), so
 * it would lose events when nobody listens; this one acks only after the handler succeeded.
 */

export const JETSTREAM_TRANSPORT = Symbol('JETSTREAM');

/** One durable consumer of the transport; its handler is the Nest event dispatch. */
export type JetStreamConsumerConfig = Omit<EventConsumerOptions, 'logger'>;

export interface JetStreamTransportOptions {
  /**
   * Owned by the caller, who creates it with `reconnect: true, maxReconnectAttempts: -1` and
   * closes it after the application: the consumers keep working across server restarts.
   */
  connection: NatsConnection;
  consumers: JetStreamConsumerConfig[];
  logger?: ConsumerLogger;
}

export type JetStreamStatus = 'connected' | 'disconnected' | 'reconnecting';

export type JetStreamEvents = {
  disconnect: (server?: string) => void;
  reconnect: (server?: string) => void;
};

/** What a handler gets as `@Ctx()`: where the event came from and how often it was delivered. */
export class JetStreamContext extends BaseRpcContext<[EventContext & { consumer: string }]> {
  getSubject(): string {
    return this.args[0].subject;
  }

  getSequence(): number {
    return this.args[0].seq;
  }

  getDeliveryCount(): number {
    return this.args[0].deliveryCount;
  }

  getConsumer(): string {
    return this.args[0].consumer;
  }
}

/**
 * Handlers must be idempotent: delivery is at least once (see `JetStreamEventConsumer`).
 * A handler failure naks the message for a later retry and, after `maxDeliveries`, moves it
 * to the dead-letter stream. Nest turns a thrown `Error` into "Internal server error" (and
 * logs the original); throw an `RpcException('why')` to keep the reason in the dead letter.
 */
export class JetStreamTransport extends Server<JetStreamEvents, JetStreamStatus> implements CustomTransportStrategy {
  override transportId = JETSTREAM_TRANSPORT;
  // Handler failures come back to the consumer (nak / dead letter) instead of being only logged.
  override readonly propagatesEventHandlerErrors = true;
  protected override readonly logger = new Logger(JetStreamTransport.name);
  private consumers: JetStreamEventConsumer[] = [];
  private readonly emitter = new EventEmitter();
  private readonly ignoredTypes = new Set<string>();
  private statusIterator: AsyncIterable<unknown> | undefined;

  constructor(private readonly options: JetStreamTransportOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    const logger = this.options.logger ?? this.logger;
    try {
      this.consumers = this.options.consumers.map(
        (config) =>
          new JetStreamEventConsumer(this.options.connection, { ...config, logger }, (event, context) =>
            this.dispatch(config.name, event, context),
          ),
      );
      await Promise.all(this.consumers.map((consumer) => consumer.start()));
    } catch (error) {
      await this.close();
      callback(error);
      return;
    }
    this._status$.next('connected');
    this.watchStatus().catch(() => undefined); // ends with the connection
    callback();
  }

  /** Stops every consumer gracefully; the connection stays open (it belongs to the caller). */
  async close(): Promise<void> {
    (this.statusIterator as { stop?: () => void } | undefined)?.stop?.();
    this.statusIterator = undefined;
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    this.consumers = [];
    this.emitter.removeAllListeners();
  }

  on<EventKey extends keyof JetStreamEvents = keyof JetStreamEvents, EventCallback extends JetStreamEvents[EventKey] = JetStreamEvents[EventKey]>(
    event: EventKey,
    callback: EventCallback,
  ): void {
    this.emitter.on(event, callback);
  }

  unwrap<T>(): T {
    return this.options.connection as T;
  }

  private async dispatch(consumer: string, event: BusEvent, context: EventContext): Promise<void> {
    const handler = this.getHandlerByPattern(event.type);
    if (!handler?.isEventHandler) {
      // Not this service's business: ack and move on (logged once per type).
      if (!this.ignoredTypes.has(event.type)) {
        this.ignoredTypes.add(event.type);
        this.logger.log(`consumer ${consumer}: no @EventPattern handler for ${event.type}; such events are acked and ignored`);
      }
      return;
    }
    await this.invoke(handler, event, new JetStreamContext([{ ...context, consumer }]));
  }

  /** Runs the handler between Nest's processing hooks and waits for its stream, if it returns one. */
  private invoke(handler: MessageHandler, event: BusEvent, context: JetStreamContext): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const runEndHook = this.createProcessingEndHookRunner(context);
      const run = async () => {
        try {
          const result: unknown = await handler(event, context);
          if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
          resolve();
        } catch (error) {
          reject(error);
        } finally {
          runEndHook();
        }
      };
      try {
        this.onProcessingStartHook(this.transportId, context, run);
      } catch (error) {
        reject(error);
      }
    });
  }

  private async watchStatus(): Promise<void> {
    const status = this.options.connection.status();
    this.statusIterator = status;
    for await (const change of status) {
      if (change.type === 'disconnect') {
        this._status$.next('disconnected');
        this.emitter.emit('disconnect', change.server);
      } else if (change.type === 'reconnecting') {
        this._status$.next('reconnecting');
      } else if (change.type === 'reconnect') {
        this._status$.next('connected');
        this.emitter.emit('reconnect', change.server);
      }
    }
  }
}

/** Publishes events durably; the platform's `JetStreamEventPublisher#publish` fits. */
export type PublishEvents = (events: BusEvent[]) => Promise<void>;

export interface JetStreamClientOptions {
  publish: PublishEvents;
}

export class RequestResponseNotSupportedError extends Error {
  override readonly name = 'RequestResponseNotSupportedError';
  constructor() {
    super('JetStreamClientProxy only emits events: the backbone has no request/response, use emit(type, event)');
  }
}

export class EventPatternMismatchError extends Error {
  override readonly name = 'EventPatternMismatchError';
}

/**
 * `client.emit(event.type, event)` publishes a `BusEvent`; the observable completes once the
 * publisher has made it durable. Takes its options object so that it also works as
 * `ClientsModule.register([{ name, customClass: JetStreamClientProxy, options: { publish } }])`.
 */
export class JetStreamClientProxy extends ClientProxy<Record<never, Function>, 'connected'> {
  private readonly publishEvents: PublishEvents;

  constructor(options: JetStreamClientOptions) {
    super();
    this.publishEvents = options.publish;
  }

  /** Nothing to connect: the publisher owns the connection. */
  async connect(): Promise<void> {
    this._status$.next('connected');
  }

  async close(): Promise<void> {}

  unwrap<T>(): T {
    return this.publishEvents as T;
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({ err: new RequestResponseNotSupportedError(), isDisposed: true });
    return () => undefined;
  }

  protected async dispatchEvent<T = undefined>(packet: ReadPacket): Promise<T> {
    const event = packet.data as BusEvent;
    if (typeof event !== 'object' || event === null || event.type !== packet.pattern) {
      throw new EventPatternMismatchError(`emit(pattern, event): the pattern must be the event's CloudEvents type (got ${String(packet.pattern)})`);
    }
    // Trace context set through setOnDispatchHook travels in the traceparent extension.
    const traceparent = packet.metadata?.traceparent;
    await this.publishEvents([traceparent && !event.traceparent ? { ...event, traceparent } : event]);
    return undefined as T;
  }
}
