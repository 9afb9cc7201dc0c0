// Compiled by chanrest-codegen from src/runtime.ts: do not edit, regenerate.
/** How long a call waits for its reply unless configured otherwise (30 s). */
export declare const DEFAULT_TIMEOUT_MS = 3e4;
/** What the runtime reads from a message event. */
export interface MessageEventLike {
	readonly data: unknown;
}
/** What the runtime reads from a close event. */
export interface CloseEventLike {
	readonly code: number;
}
type Handler<E> = {
	bivarianceHack(event: E): void;
}["bivarianceHack"];
/** The part of the WebSocket API the runtime uses (browsers' WebSocket and `ws` fit). */
export interface WebSocketLike {
	readonly readyState: number;
	onopen: Handler<unknown> | null;
	onmessage: Handler<MessageEventLike> | null;
	onclose: Handler<CloseEventLike> | null;
	onerror: Handler<unknown> | null;
	send(data: string): void;
	close(code?: number, reason?: string): void;
}
/** A WebSocket class: `globalThis.WebSocket` in browsers, `WebSocket` from `ws` in Node. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;
/** Reconnection: exponential backoff with jitter, capped. */
export interface ReconnectOptions {
	/** Reconnect at all (default true). */
	enabled: boolean;
	/** Delay before the first attempt (default 100 ms). */
	initialDelayMs: number;
	/** The longest delay between attempts (default 30 s). */
	maxDelayMs: number;
	/** Growth of the delay per attempt (default 2). */
	multiplier: number;
	/** Fraction of each delay that is randomised, 0 to 1 (default 0.3). */
	jitter: number;
	/** Give up after this many failed attempts in a row (default null: never). */
	maxAttempts: number | null;
}
/** Settings of a Connection. */
export interface ConnectionOptions {
	/** The WebSocket class (default: `globalThis.WebSocket`; pass `ws`'s in Node before 22). */
	WebSocket?: WebSocketConstructor;
	/** Default timeout of every call (default DEFAULT_TIMEOUT_MS). */
	timeoutMs?: number;
	/** How long one connection attempt may take (default 10 s). */
	connectTimeoutMs?: number;
	/** Reconnection policy (merged with the defaults). */
	reconnect?: Partial<ReconnectOptions>;
	/**
	* Pushes kept per async iterator, or per subscription until its first listener or
	* iteration, before the oldest are dropped (default 1024).
	*/
	pushBuffer?: number;
}
/** Settings of one call. */
export interface CallOptions {
	/** This call's timeout. */
	timeoutMs?: number;
}
/** The delay before reconnect attempt `attempt` (from 1), jitter applied. */
export declare function reconnectDelay(options: ReconnectOptions, attempt: number): number;
/** Every error of a call, a subscription or connecting. */
export declare class ChanrestError extends Error {
	/** The action concerned, when there is one. */
	readonly action: string | null;
	constructor(message: string, action: string | null);
}
/** The server answered with a non-2xx `response_status`. */
export declare class ApiError extends ChanrestError {
	/** The `response_status`. */
	readonly status: number;
	/** The `errors` list: strings, or one object of field errors. */
	readonly errors: readonly unknown[];
	constructor(action: string | null, status: number, errors: readonly unknown[]);
	/** The plain messages among the errors: `["Not found"]` (DCRF) and
	* `[{"detail": "Not found"}]` (rest-framework-channels) both give `"Not found"`. */
	messages(): string[];
	/** The field errors object of a validation error (`[{"field": ["message"]}]`). */
	fieldErrors(): Record<string, unknown> | undefined;
	/** The messages for one field of a validation error. */
	field(name: string): string[];
}
/** No reply within the call's timeout. The server may still run the action. */
export declare class TimeoutError extends ChanrestError {
	readonly timeoutMs: number;
	constructor(action: string, timeoutMs: number);
}
/** The socket was lost while the call was in flight; it is not retried. */
export declare class ConnectionLostError extends ChanrestError {
	constructor(action: string);
}
/** The connection is closed for good. */
export declare class ClosedError extends ChanrestError {
	constructor();
}
/** Connecting failed. */
export declare class ConnectError extends ChanrestError {
	readonly url: string;
	constructor(url: string, message: string);
}
/** The server sent something that does not fit the contract. */
export declare class DecodeError extends ChanrestError {
	constructor(action: string | null, message: string);
}
/** An async iterator was read too slowly: this many pushes were dropped. */
export declare class LaggedError extends ChanrestError {
	readonly skipped: number;
	constructor(skipped: number);
}
/** A reply envelope as received, whatever its status. */
export interface Reply {
	readonly status: number;
	readonly action: string | null;
	readonly data: unknown;
	readonly errors: readonly unknown[];
	readonly requestId: unknown;
}
/** A push as delivered: its wire `action` and its `data`. */
export interface PushMessage {
	readonly action: string;
	readonly data: unknown;
}
/** The state of a connection. */
export type Status = {
	readonly state: "connecting";
} | {
	readonly state: "connected";
	readonly generation: number;
} | {
	readonly state: "reconnecting";
	readonly attempt: number;
} | {
	readonly state: "closed";
};
/** @internal */
export interface Sink {
	push(reply: Reply): void;
	end(error: ChanrestError): void;
}
/** @internal Where the replies of a paged stream go. */
export interface PageSink {
	/** A reply; `last` when it ends the stream. */
	reply(reply: Reply, last: boolean): void;
	end(error: ChanrestError): void;
	/** True once nobody listens: the request is not sent (again). */
	readonly stopped: boolean;
}
/**
* One WebSocket to a chanrest server, shared by every client and endpoint made from it.
* Open one with `Connection.open(url, options)`; close it with `close()`.
*/
export declare class Connection {
	readonly url: string;
	private readonly options;
	private readonly WebSocketClass;
	private socket;
	private generation;
	private connected;
	private closed;
	private nextId;
	private readonly pending;
	private rfcPending;
	private readonly subscriptions;
	private readonly pageStreams;
	private readonly broadcastSinks;
	private readonly waiting;
	private readonly statusListeners;
	private currentStatus;
	private reconnectTimer;
	private constructor();
	/** Connects to `url`; rejects with ConnectError if the first attempt fails. */
	static open(url: string, options?: ConnectionOptions): Promise<Connection>;
	/** The default call timeout. */
	get timeoutMs(): number;
	/** The current status. */
	get status(): Status;
	/** Calls `listener` on every status change; returns a function that stops it. */
	onStatus(listener: (status: Status) => void): () => void;
	/** Resolves when the status satisfies `predicate` (at once if it already does). */
	waitForStatus(predicate: (status: Status) => boolean): Promise<Status>;
	/** An endpoint: the consumer at the URL (no stream), or a multiplexer stream. */
	endpoint(stream?: string | null): Endpoint;
	/** Closes for good: pending calls reject with ClosedError, subscriptions end. */
	close(): Promise<void>;
	private setStatus;
	/** One connection attempt. */
	private attempt;
	/** A socket is open: serve it, renew subscriptions, let calls through. */
	private adopt;
	/** The socket of `generation` is gone. */
	private lost;
	private scheduleReconnect;
	/** Closed for good: fail everything, end every subscription. */
	private finish;
	/** Routes one message to the call, subscription or broadcast listener it is for. */
	private dispatch;
	/** @internal Sends a request once connected; settles with its reply within `timeoutMs`. */
	exchange(stream: string | null, action: string, id: number, args: Record<string, unknown>, timeoutMs: number, subscription: Sink | null): Promise<Reply>;
	/**
	* @internal Sends the request of a paged stream once connected (unless `sink` has stopped
	* meanwhile); its replies go to `sink` until the last one.
	*/
	openPages(stream: string | null, action: string, id: number, args: Record<string, unknown>, sink: PageSink): void;
	/** @internal Stops taking the replies of a paged stream; true if its last one had not come. */
	dropPages(id: number): boolean;
	/** @internal Sends a request in rest-framework-channels' dialect once connected; settles with its reply within `timeoutMs`. */
	exchangeRfc(route: string, action: string, args: Record<string, unknown>, timeoutMs: number): Promise<Reply>;
	/** An endpoint for a consumer in rest-framework-channels' dialect. */
	rfcEndpoint(): RfcEndpoint;
	/** @internal A fresh request id. */
	newId(): number;
	/** @internal Forgets a subscription; true if it was live. */
	dropSubscription(id: number): boolean;
	/** @internal Sends without waiting for a reply (best effort). */
	sendNow(stream: string | null, action: string, id: number, args: Record<string, unknown>): void;
	/** @internal Registers a listener for `request_id: null` pushes. */
	addBroadcastSink(stream: string | null, sink: Sink): () => void;
	/** @internal */
	get pushBuffer(): number;
}
/**
* Where a generated client sends its calls: a Connection, the multiplexer stream (if any),
* and the call timeout.
*/
export declare class Endpoint {
	readonly connection: Connection;
	readonly stream: string | null;
	private readonly ownTimeoutMs;
	constructor(connection: Connection, stream: string | null, timeoutMs: number | null);
	/** The call timeout in force. */
	get timeoutMs(): number;
	/** The same endpoint with another call timeout. */
	withTimeout(timeoutMs: number): Endpoint;
	/** Calls `action`; resolves with a successful reply's `data`, rejects with a ChanrestError. */
	call<R>(action: string, args: object | undefined, options?: CallOptions): Promise<R>;
	/** Sends a request and resolves with its reply whatever the status. */
	request(action: string, args: Record<string, unknown>, options?: CallOptions): Promise<Reply>;
	/**
	* Calls the subscribing action `action`; when it succeeds, resolves with the subscription
	* (the reply's data, and the pushes carrying this request's id). `unsubscribe` ends it.
	*/
	subscribe<
		P extends PushMessage,
		R,
		U
	>(action: string, unsubscribe: string, pushes: readonly string[], args: object | undefined, options?: CallOptions): Promise<Subscription<P, R, U>>;
	/**
	* Starts the paged stream `action` (see PageStream); `cancel` is the action that cancels it.
	* The request is sent at once, or when the connection is back.
	*/
	pages<P>(action: string, cancel: string, args: object | undefined, options?: CallOptions): PageStream<P>;
	/** The pushes this consumer broadcasts with `request_id: null`, from now on. */
	broadcasts<P extends PushMessage>(pushes: readonly string[]): Broadcasts<P>;
}
/** What a route parameter accepts: Django's path converters, as in the pattern (`<int:pk>`; `<pk>` is "str"). */
export type Converter = "str" | "int" | "slug" | "path";
/**
* The `route` of a call in rest-framework-channels' dialect, built from a pattern's text and
* typed parameters (`todos/` + `pk` + `/` → `todos/7/`). A parameter its converter does not
* accept makes the route invalid: calls on it reject with a ChanrestError without sending
* anything, rather than reach another route.
*/
export declare class Route {
	/** The route's text. */
	readonly text: string;
	/** Why the route is invalid, or null. */
	readonly error: string | null;
	private constructor();
	/** The empty route: a routed consumer's own actions. */
	static root(): Route;
	/** A route as written (`todos/7/`), sent as is. */
	static of(text: string): Route;
	/** The route followed by the literal `text`. */
	literal(text: string): Route;
	/** The route followed by parameter `name`: a string as is, a number or boolean as JSON writes it; `converter` must accept it. */
	param(name: string, converter: Converter, value: unknown): Route;
	toString(): string;
}
/**
* Where a generated client of a consumer in rest-framework-channels' dialect sends its calls:
* a Connection and the call timeout (replies are matched by order, action and route).
*/
export declare class RfcEndpoint {
	readonly connection: Connection;
	private readonly ownTimeoutMs;
	constructor(connection: Connection, timeoutMs: number | null);
	/** The call timeout in force. */
	get timeoutMs(): number;
	/** The same endpoint with another call timeout. */
	withTimeout(timeoutMs: number): RfcEndpoint;
	/** Calls `action` on `route`; resolves with a successful reply's `data`, rejects with a ChanrestError. */
	call<R>(route: Route, action: string, args: object | undefined, options?: CallOptions): Promise<R>;
	/** Sends a request and resolves with its reply whatever the status. */
	request(route: Route, action: string, args: Record<string, unknown>, options?: CallOptions): Promise<Reply>;
}
/** @internal Decodes pushes and hands them to callbacks and async iterators. */
export declare class Feed<P extends PushMessage> implements Sink {
	private readonly names;
	private readonly limit;
	private readonly listeners;
	private readonly queue;
	private readonly readers;
	private buffering;
	private iterating;
	private skipped;
	ended: boolean;
	constructor(names: readonly string[], limit: number);
	push(reply: Reply): void;
	end(error: ChanrestError): void;
	/** Ends without an error (unsubscribed). */
	stop(): void;
	private deliver;
	listen(push: (push: P) => void, error?: (error: ChanrestError) => void): () => void;
	iterator(): AsyncIterator<P>;
}
/**
* A live subscription: the subscribe reply's `data`, and its pushes through `onPush`
* callbacks or `for await` (an error push, an undeclared push or lag throws from the iterator
* without ending the subscription; iterate again to go on; the iterator finishes, after a last
* error, when the subscription is over). Pushes that arrive before the first `onPush` or
* iteration are kept (up to `pushBuffer`) and handed to whichever comes first.
*/
export declare class Subscription<
	P extends PushMessage,
	R,
	U
> implements AsyncIterable<P> {
	/** The subscribe reply's data. */
	readonly data: R;
	/** The subscribing request's id (carried by every push). */
	readonly requestId: number;
	private readonly endpoint;
	private readonly unsubscribeAction;
	private readonly args;
	private readonly feed;
	/** @internal */
	constructor(endpoint: Endpoint, id: number, data: R, unsubscribe: string, args: Record<string, unknown>, feed: Feed<P>);
	/** True once the subscription is over. */
	get ended(): boolean;
	/** Calls `listener` for each push (and `onError` for error items); returns an unlisten function. */
	onPush(listener: (push: P) => void, onError?: (error: ChanrestError) => void): () => void;
	[Symbol.asyncIterator](): AsyncIterator<P>;
	/** Ends the subscription: sends the unsubscribe action with the same request id and arguments. */
	unsubscribe(options?: CallOptions): Promise<U>;
}
/**
* A consumer's broadcasts (`request_id: null` pushes): callbacks or `for await`. Like a
* Subscription's, pushes that arrive before the first `onPush` or iteration are kept.
*/
export declare class Broadcasts<P extends PushMessage> implements AsyncIterable<P> {
	private readonly feed;
	private readonly stopListening;
	/** @internal */
	constructor(feed: Feed<P>, stop: () => void);
	/** Calls `listener` for each push; returns an unlisten function. */
	onPush(listener: (push: P) => void, onError?: (error: ChanrestError) => void): () => void;
	[Symbol.asyncIterator](): AsyncIterator<P>;
	/** Stops listening. */
	close(): void;
}
/**
* A paged stream: an action that answers one request with several replies, one page
* `{count, results, limit, offset}` each, all carrying the request's id. Iterate it with
* `for await`: it yields each page and finishes after the last one (the page where
* `count == 0 || offset + limit >= count`); an error reply, a lost connection or a page that
* takes longer than the timeout throws, and the stream is over. `cancel()` sends the
* consumer's cancel action and ends the stream at once; the server stops sending pages.
* (DCRF's `list_cancel` stops every stream of the consumer in flight on the connection:
* another one still running then throws an ApiError with status 499.) Leaving a `for await`
* early (`break`) stops listening without cancelling on the server.
*/
export declare class PageStream<P> implements AsyncIterable<P>, PageSink {
	/** The streaming request's id (carried by every page). */
	readonly requestId: number;
	private readonly endpoint;
	private readonly action;
	private readonly cancelAction;
	private readonly timeoutMs;
	private readonly queue;
	private readonly readers;
	/** The server's last reply (or an error) has come. */
	private over;
	private finished;
	/** @internal */
	constructor(endpoint: Endpoint, id: number, action: string, cancel: string, timeoutMs: number);
	/** True once the stream has ended (its last page or error was read, or it was cancelled). */
	get ended(): boolean;
	/** @internal */
	get stopped(): boolean;
	/** @internal */
	reply(reply: Reply, last: boolean): void;
	/** @internal */
	end(error: ChanrestError): void;
	private deliver;
	/** Stops here: later replies are dropped. True when the server had not ended the stream. */
	private finish;
	/** The next page, or `done` once the stream has ended; waits at most the timeout. */
	next(): Promise<IteratorResult<P>>;
	[Symbol.asyncIterator](): AsyncIterator<P>;
	/**
	* Cancels the stream: sends the cancel action (with a request id of its own) and resolves
	* with its reply; the stream has ended when this is called, whatever the outcome. Does
	* nothing on a stream that has already ended.
	*/
	cancel(options?: CallOptions): Promise<void>;
}
export {};
