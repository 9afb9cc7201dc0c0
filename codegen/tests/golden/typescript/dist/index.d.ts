// Compiled by chanrest-codegen from src/index.ts: do not edit, regenerate.
export * from "./api.js";
export * as runtime from "./runtime.js";
export { DEFAULT_TIMEOUT_MS, type MessageEventLike, type CloseEventLike, type WebSocketLike, type WebSocketConstructor, type ReconnectOptions, type ConnectionOptions, type CallOptions, reconnectDelay, ChanrestError, ApiError, TimeoutError, ConnectionLostError, ClosedError, ConnectError, DecodeError, LaggedError, type Reply, type PushMessage, type Sink, type PageSink, Connection, Endpoint, type Converter, Route, RfcEndpoint, Feed, Subscription, Broadcasts, PageStream } from "./runtime.js";
