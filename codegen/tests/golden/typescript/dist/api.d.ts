// Compiled by chanrest-codegen from src/api.ts: do not edit, regenerate.
import * as rt from "./runtime.js";
/**
* One line of an order.
*/
export interface Line {
	item: string;
	note?: string | null;
	quantity: number;
}
export interface Lookup {
	pk: number;
}
export type NoArgs = {
	[key: string]: unknown;
};
/**
* An order.
*/
export interface Order {
	gift: Line | null;
	id: number;
	lines: Array<Line>;
	status: Status;
	tags: {
		[key: string]: string;
	};
	total: number;
}
export interface PlaceArgs {
	express?: boolean;
	lines: Array<Line>;
}
/**
* Where an order is.
*/
export type Status = "open" | "shipped" | {
	cancelled: string;
};
/**
* Every push of consumer `Orders`.
*/
export type OrdersPush = {
	readonly action: "changed";
	readonly data: Order;
} | {
	readonly action: "cancelled";
	readonly data: {
		pk: number;
	};
} | {
	readonly action: "announced";
	readonly data: string;
};
/**
* The pushes of a `watch-order` subscription.
*/
export type OrdersWatchOrderPush = {
	readonly action: "changed";
	readonly data: Order;
} | {
	readonly action: "cancelled";
	readonly data: {
		pk: number;
	};
};
/**
* Orders of the shop.
*
* A typed client of consumer `Orders`: one method per action.
*/
export declare class OrdersClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "Orders";
	/** Where the consumer is mounted. */
	static readonly path = "/ws/orders/";
	/** Where calls go: a connection, and the multiplexer stream if any. */
	readonly endpoint: rt.Endpoint;
	/** A client on an endpoint: `connection.endpoint()` for the consumer's own path, `connection.endpoint("stream")` on a multiplexer. */
	constructor(endpoint: rt.Endpoint);
	/** Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<OrdersClient>;
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): OrdersClient;
	/** The pushes this consumer broadcasts to groups (`request_id: null`), from now on. */
	broadcasts(): rt.Broadcasts<OrdersPush>;
	/**
	* Places an order.
	*
	* Action `place`; succeeds with status 201.
	*/
	place(args: PlaceArgs, options?: rt.CallOptions): Promise<Order>;
	/**
	* Action `count`.
	*/
	count(options?: rt.CallOptions): Promise<number>;
	/**
	* Builds a report; takes a while.
	*
	* Action `export`; runs detached: the server answers other calls meanwhile.
	*/
	export(args: {
		format: "csv" | "json";
	}, options?: rt.CallOptions): Promise<string | null>;
	/**
	* An action whose name is a keyword in Rust.
	*
	* Action `type`; causes pushes `announced`.
	*/
	type(args: {
		[key: string]: unknown;
	}, options?: rt.CallOptions): Promise<unknown>;
	/**
	* Pushes changes of one order.
	*
	* Action `watch-order`; succeeds with status 201; a subscription: pushes `changed`, `cancelled`; ended by `unwatch-order`.
	*/
	watchOrder(args: Lookup, options?: rt.CallOptions): Promise<rt.Subscription<OrdersWatchOrderPush, null, null>>;
	/**
	* Action `unwatch-order`; succeeds with status 204.
	*/
	unwatchOrder(args: Lookup, options?: rt.CallOptions): Promise<null>;
}
/**
* A typed client of consumer `Stock`: one method per action.
*/
export declare class StockClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "Stock";
	/** Where calls go: a connection, and the multiplexer stream if any. */
	readonly endpoint: rt.Endpoint;
	/** A client on an endpoint: `connection.endpoint()` for the consumer's own path, `connection.endpoint("stream")` on a multiplexer. */
	constructor(endpoint: rt.Endpoint);
	/** Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<StockClient>;
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): StockClient;
	/**
	* Stock per item.
	*
	* Action `levels`.
	*/
	levels(args: {
		items?: Array<string>;
	}, options?: rt.CallOptions): Promise<{
		[key: string]: number;
	}>;
}
/** The multiplexer at `/ws/`: one socket, each consumer on its own stream. */
export declare class WsMultiplexer {
	/** Where the multiplexer is mounted. */
	static readonly path = "/ws/";
	/** The connection. */
	readonly connection: rt.Connection;
	/** Stream `orders`: consumer `Orders`. */
	readonly orders: OrdersClient;
	/** Stream `stock`: consumer `Stock`. */
	readonly stock: StockClient;
	/** Clients for the streams of an open connection to the multiplexer. */
	constructor(connection: rt.Connection);
	/** Connects to the multiplexer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<WsMultiplexer>;
}
