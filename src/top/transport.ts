/**
 * How `karana top` gets bus messages from a running `karana run`: a {@link TopTransport} (injected, so tests
 * can feed it), and its implementation over the Foxglove WebSocket protocol (`foxglove.websocket.v1`, spec:
 * https://github.com/foxglove/ws-protocol/blob/main/docs/spec.md) with `FoxgloveClient` from
 * `@foxglove/ws-protocol` over `ws`: the server advertises channels (one per bus topic, named as in
 * src/bus/topics.ts with or without a leading `/`, e.g. `/runtime.stats`; JSON encoding), the client subscribes to the ones it wants and decodes each message's
 * UTF-8 JSON.
 */
import wsProtocol, { type Channel } from '@foxglove/ws-protocol';
import WebSocket from 'ws';

// The package is CommonJS: Node's ESM loader gives its exports as the default export only.
const { FoxgloveClient } = wsProtocol;

export interface TopHandlers {
  /** A decoded message on a subscribed topic. */
  onMessage(topic: string, payload: unknown): void;
  /** A message that could not be decoded, or a server status that says something went wrong. */
  onProblem(message: string): void;
  /** The connection is gone (the run ended or the network dropped). */
  onClose(reason: string): void;
}

export interface TopTransport {
  /**
   * Connect and subscribe to `topics`. Resolves once the first of them (the one `karana top` cannot do
   * without) is subscribed. Rejects with a message naming the URL when the connection fails or that topic is
   * not advertised within the timeout.
   */
  open(topics: readonly string[], handlers: TopHandlers): Promise<void>;
  close(): void;
}

export interface FoxgloveTransportOptions {
  /** How long to wait for the connection and for the first topic's channel, ms (default 10 000). */
  readonly timeoutMs?: number;
}

/** A {@link TopTransport} that is a Foxglove WebSocket client of `url` (e.g. `ws://127.0.0.1:8765`). */
export function foxgloveTransport(url: string, options: FoxgloveTransportOptions = {}): TopTransport {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let client: InstanceType<typeof FoxgloveClient> | null = null;
  let closing = false;
  return {
    open(topics, handlers) {
      const required = topics[0];
      if (required === undefined) return Promise.reject(new Error('"topics" must name at least one topic'));
      return new Promise<void>((resolve, reject) => {
        let settled = false;
        const fail = (message: string): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          closing = true;
          client?.close();
          reject(new Error(message));
        };
        const timer = setTimeout(() => fail(`${url} did not advertise "${required}" within ${timeoutMs / 1000} s: is the stats publisher on in that \`karana run\`?`), timeoutMs);
        let ws: WebSocket;
        try {
          ws = new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
        } catch (err) {
          fail(`cannot connect to "${url}": ${err instanceof Error ? err.message : String(err)}`);
          return;
        }
        const c = new FoxgloveClient({ ws: ws });
        client = c;
        const bySubscription = new Map<number, string>();
        const subscribed = new Set<string>();
        const decoder = new TextDecoder();
        c.on('error', (err: Error) => {
          if (!settled) fail(`cannot connect to ${url}: ${err.message || 'WebSocket error'} — is \`karana run\` serving the Foxglove live view there?`);
          else handlers.onProblem(`${url}: ${err.message}`);
        });
        c.on('close', () => {
          if (!settled) fail(`${url} closed the connection before "${required}" was advertised`);
          else if (!closing) handlers.onClose(`${url} closed the connection`);
        });
        c.on('advertise', (channels: Channel[]) => {
          for (const ch of channels) {
            const topic = busTopicOf(ch.topic);
            if (!topics.includes(topic) || subscribed.has(topic)) continue;
            if (ch.encoding !== 'json') {
              handlers.onProblem(`${url}: channel "${ch.topic}" is encoded as "${ch.encoding}", karana top reads json`);
              continue;
            }
            subscribed.add(topic);
            bySubscription.set(c.subscribe(ch.id), topic);
          }
          if (!settled && subscribed.has(required)) {
            settled = true;
            clearTimeout(timer);
            resolve();
          }
        });
        c.on('message', (m: { subscriptionId: number; data: ArrayBufferView }) => {
          const topic = bySubscription.get(m.subscriptionId);
          if (topic === undefined) return;
          let payload: unknown;
          try {
            payload = JSON.parse(decoder.decode(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength)));
          } catch (err) {
            handlers.onProblem(`bad ${topic} message: not JSON (${err instanceof Error ? err.message : String(err)})`);
            return;
          }
          handlers.onMessage(topic, payload);
        });
        c.on('status', (s: { level: number; message: string }) => {
          if (s.level >= 2) handlers.onProblem(`${url}: ${s.message}`);
        });
      });
    },
    close() {
      closing = true;
      client?.close();
      client = null;
    },
  };
}

/** The bus topic a channel carries: its name, without the leading `/` Foxglove topics have (`/runtime.stats`). */
export function busTopicOf(channelTopic: string): string {
  return channelTopic.startsWith('/') ? channelTopic.slice(1) : channelTopic;
}
