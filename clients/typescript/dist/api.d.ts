// Compiled by chanrest-codegen from src/api.ts: do not edit, regenerate.
import * as rt from "./runtime.js";
/**
* Adds two integers.
*/
export interface AddArgs {
	/**
	* The first addend.
	*/
	a: number;
	/**
	* The second addend.
	*/
	b: number;
}
/**
* Returns its `data` argument verbatim (`null` when absent).
*/
export interface BenchEchoArgs {
	/**
	* Any JSON value.
	*
	* Optional: the server takes `null` when it is omitted.
	*/
	data?: unknown;
}
/**
* Sends `data` to every subscriber of the feed as a `message` push (one group send,
* no database), then answers.
*/
export interface BenchPublishArgs {
	/**
	* Any JSON value.
	*
	* Optional: the server takes `null` when it is omitted.
	*/
	data?: unknown;
}
/**
* The data of a `delete` push: the deleted row's primary key.
*/
export interface Deleted {
	/**
	* The deleted row's primary key.
	*/
	pk: Pk;
}
/**
* Arguments naming one row (`retrieve`, `delete`, `subscribe_instance`, ...).
*/
export interface Lookup {
	/**
	* The row's primary key.
	*/
	pk: Pk;
}
/**
* The arguments of an action declared without any (`action name() -> T;`): any object,
* extra keys ignored.
*/
export type NoArgs = {
	[key: string]: unknown;
};
/**
* A primary key: an integer, or a string for text keys.
*/
export type Pk = number | string;
/**
* The reply of `slow`.
*/
export interface Slept {
	/**
	* The seconds slept.
	*/
	slept: number;
}
/**
* Sleeps for `delay` seconds without holding up the connection's other actions, then
* answers how long it slept.
*/
export interface SlowArgs {
	/**
	* Seconds to sleep, from 0 to 300.
	*/
	delay: number;
}
/**
* A todo item.
*/
export interface Todo {
	/**
	* Done yet?
	*/
	done: boolean;
	/**
	* Assigned by the database; never reused, even after a delete.
	*/
	id: number;
	/**
	* Who owns it (may be empty).
	*/
	owner: string;
	/**
	* What to do.
	*/
	title: string;
}
/**
* Arguments of `partial_update`: only the fields sent change.
*/
export interface TodoDetailPartialUpdateArgs {
	/**
	* The fields to write.
	*/
	data: TodoPatch;
}
/**
* Arguments of `update`: the required fields and any others, or with `partial` only the
* fields sent.
*/
export interface TodoDetailUpdateArgs {
	/**
	* The fields to write.
	*/
	data: TodoWrite;
	/**
	* `update` only: write just the fields sent, as `partial_update` does (DRF's
	* `update(partial=True)`, which rest-framework-channels reaches with `"partial": true`).
	*/
	partial?: boolean;
}
/**
* Arguments of `create`.
*/
export interface TodoListCreateArgs {
	/**
	* The new row's fields.
	*/
	data: TodoWrite;
}
/**
* Arguments of a page-number paginated `list`: `page` (from the route's query string,
* `todos/?page=2`; default 1) and the filters (query fields, e.g. `todos/?done=true`).
*/
export interface TodoListListArgs {
	/**
	* Done yet?
	*/
	done?: boolean;
	/**
	* Who owns it (may be empty).
	*/
	owner?: string;
	/**
	* The page, from 1, or `"last"`.
	*/
	page?: number | null;
}
/**
* One page of a page-number paginated list, in DRF's shape, with `next` and `previous` as
* routes (`todos/?page=3`), `null` at the ends.
*/
export interface TodoListListResponse {
	/**
	* Rows matching the filters, over all pages.
	*/
	count: number;
	/**
	* The route of the next page.
	*/
	next: string | null;
	/**
	* The route of the previous page.
	*/
	previous: string | null;
	/**
	* This page's rows.
	*/
	results: Array<Todo>;
}
/**
* What `patch` takes for [`Todo`]: only the fields sent change.
*/
export interface TodoPatch {
	/**
	* Done yet?
	*/
	done?: boolean;
	/**
	* Who owns it (may be empty).
	*/
	owner?: string;
	/**
	* What to do.
	*/
	title?: string;
}
/**
* What `create` and `update` take for [`Todo`]; fields with a default may be omitted.
*/
export interface TodoWrite {
	/**
	* Done yet?
	*/
	done?: boolean;
	/**
	* Who owns it (may be empty).
	*/
	owner?: string;
	/**
	* What to do.
	*/
	title: string;
}
/**
* Arguments of `create`.
*/
export interface TodosCreateArgs {
	/**
	* The new row's fields.
	*/
	data: TodoWrite;
}
/**
* Arguments of `list` and query subscriptions: equality filters on the model's query fields,
* as top-level keys (other keys, such as dcrf-client's `data: {}`, are ignored).
*/
export interface TodosListArgs {
	/**
	* Done yet?
	*/
	done?: boolean;
	/**
	* Who owns it (may be empty).
	*/
	owner?: string;
}
/**
* Arguments of a paginated `list`: DCRF's `limit` and `offset` (a bad or non-positive limit
* falls back to the default, a bad offset to 0) and the filters.
*/
export interface TodosPagedListArgs {
	/**
	* Done yet?
	*/
	done?: boolean;
	/**
	* Rows per page (default and maximum set by the consumer).
	*/
	limit?: number;
	/**
	* Rows to skip.
	*/
	offset?: number;
	/**
	* Who owns it (may be empty).
	*/
	owner?: string;
}
/**
* One page of a paginated list, in DCRF's shape.
*/
export interface TodosPagedListResponse {
	/**
	* Rows matching the filters, over all pages.
	*/
	count: number;
	/**
	* The page size used.
	*/
	limit: number;
	/**
	* The offset used.
	*/
	offset: number;
	/**
	* This page's rows.
	*/
	results: Array<Todo>;
}
/**
* Arguments of `update` (the required fields and any others) and `patch` (only the fields
* sent).
*/
export interface TodosPatchArgs {
	/**
	* The fields to write.
	*/
	data: TodoPatch;
	/**
	* The row's primary key.
	*/
	pk: Pk;
}
/**
* Arguments of a paginated `list`: DCRF's `limit` and `offset` (a bad or non-positive limit
* falls back to the default, a bad offset to 0) and the filters.
*/
export interface TodosStreamedListArgs {
	/**
	* Done yet?
	*/
	done?: boolean;
	/**
	* Rows per page (default and maximum set by the consumer).
	*/
	limit?: number;
	/**
	* Rows to skip.
	*/
	offset?: number;
	/**
	* Who owns it (may be empty).
	*/
	owner?: string;
}
/**
* One page of a paginated list, in DCRF's shape.
*/
export interface TodosStreamedListResponse {
	/**
	* Rows matching the filters, over all pages.
	*/
	count: number;
	/**
	* The page size used.
	*/
	limit: number;
	/**
	* The offset used.
	*/
	offset: number;
	/**
	* This page's rows.
	*/
	results: Array<Todo>;
}
/**
* Arguments of `list` and query subscriptions: equality filters on the model's query fields,
* as top-level keys (other keys, such as dcrf-client's `data: {}`, are ignored).
*/
export interface TodosSubscribeListArgs {
	/**
	* Done yet?
	*/
	done?: boolean;
	/**
	* Who owns it (may be empty).
	*/
	owner?: string;
}
/**
* Arguments of `list` and query subscriptions: equality filters on the model's query fields,
* as top-level keys (other keys, such as dcrf-client's `data: {}`, are ignored).
*/
export interface TodosUnsubscribeListArgs {
	/**
	* Done yet?
	*/
	done?: boolean;
	/**
	* Who owns it (may be empty).
	*/
	owner?: string;
}
/**
* Arguments of `update` (the required fields and any others) and `patch` (only the fields
* sent).
*/
export interface TodosUpdateArgs {
	/**
	* The fields to write.
	*/
	data: TodoWrite;
	/**
	* The row's primary key.
	*/
	pk: Pk;
}
/**
* `PUT /api/todos/`: creates a todo.
*/
export interface ViewCreateArgs {
	/**
	* The new todo.
	*/
	data: TodoWrite;
}
/**
* `GET /api/todos/`: the todos, filtered.
*/
export interface ViewListArgs {
	/**
	* The filters.
	*
	* Optional: the server takes `{}` when it is omitted.
	*/
	query?: ViewQuery;
}
/**
* The `parameters` of [`TodoView`]'s detail actions: the path's `<pk>`.
*/
export interface ViewPk {
	/**
	* The todo's id.
	*/
	pk: number;
}
/**
* The `query` of [`TodoView`]'s `list`: `GET /api/todos/`'s filters.
*/
export interface ViewQuery {
	/**
	* Only todos done (or not).
	*/
	done?: boolean | null;
	/**
	* Only todos of any of these owners.
	*/
	owner?: Array<string>;
}
/**
* `GET /api/todos/<pk>/`: one todo.
*/
export interface ViewRetrieveArgs {
	/**
	* The path parameters.
	*/
	parameters: ViewPk;
}
/**
* `PATCH /api/todos/<pk>/`: changes the fields sent.
*/
export interface ViewUpdateArgs {
	/**
	* The fields to change.
	*/
	data: TodoPatch;
	/**
	* The path parameters.
	*/
	parameters: ViewPk;
}
/**
* Every push of consumer `Plain`.
*/
export type PlainPush = {
	readonly action: "create";
	readonly data: Todo;
} | {
	readonly action: "update";
	readonly data: Todo;
} | {
	readonly action: "delete";
	readonly data: Todo;
};
/**
* The pushes of a `subscribe_todos` subscription.
*/
export type PlainSubscribeTodosPush = {
	readonly action: "create";
	readonly data: Todo;
} | {
	readonly action: "update";
	readonly data: Todo;
} | {
	readonly action: "delete";
	readonly data: Todo;
};
/**
* Small actions that show the protocol: echo, arithmetic, errors, permissions and
* detached work.
*
* A typed client of consumer `Plain`: one method per action.
*/
export declare class PlainClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "Plain";
	/** Where the consumer is mounted. */
	static readonly path = "/ws/plain/";
	/** Where calls go: a connection, and the multiplexer stream if any. */
	readonly endpoint: rt.Endpoint;
	/** A client on an endpoint: `connection.endpoint()` for the consumer's own path, `connection.endpoint("stream")` on a multiplexer. */
	constructor(endpoint: rt.Endpoint);
	/** Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<PlainClient>;
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): PlainClient;
	/** The pushes this consumer broadcasts to groups (`request_id: null`), from now on. */
	broadcasts(): rt.Broadcasts<PlainPush>;
	/**
	* Returns all of its arguments (everything but `action` and `request_id`) as an object.
	*
	* Action `echo`.
	*/
	echo(args: {
		[key: string]: unknown;
	}, options?: rt.CallOptions): Promise<{
		[key: string]: unknown;
	}>;
	/**
	* Adds two integers.
	*
	* Action `add`.
	*/
	add(args: AddArgs, options?: rt.CallOptions): Promise<number>;
	/**
	* Always fails inside its handler: a 500 reply; the connection stays open.
	*
	* Action `fail`.
	*/
	fail(options?: rt.CallOptions): Promise<null>;
	/**
	* Refused by the consumer's permission class: a 403 reply.
	*
	* Action `forbidden`.
	*/
	forbidden(options?: rt.CallOptions): Promise<null>;
	/**
	* Sleeps for `delay` seconds without holding up the connection's other actions, then
	* answers how long it slept.
	*
	* Action `slow`; runs detached: the server answers other calls meanwhile.
	*/
	slow(args: SlowArgs, options?: rt.CallOptions): Promise<Slept>;
	/**
	* Subscribes this request id to every todo change: `create`, `update` and `delete`
	* pushes with the todo, after each commit.
	*
	* Action `subscribe_todos`; succeeds with status 201; a subscription: pushes `create`, `update`, `delete`; ended by `unsubscribe_todos`.
	*/
	subscribeTodos(options?: rt.CallOptions): Promise<rt.Subscription<PlainSubscribeTodosPush, null, null>>;
	/**
	* Stops the todo pushes of this request id.
	*
	* Action `unsubscribe_todos`; succeeds with status 204.
	*/
	unsubscribeTodos(options?: rt.CallOptions): Promise<null>;
}
/**
* Every push of consumer `Bench`.
*/
export type BenchPush = {
	readonly action: "message";
	readonly data: unknown;
};
/**
* The pushes of a `subscribe` subscription.
*/
export type BenchSubscribePush = {
	readonly action: "message";
	readonly data: unknown;
};
/**
* The benchmark endpoint: as little work per message as the protocol allows.
*
* A typed client of consumer `Bench`: one method per action.
*/
export declare class BenchClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "Bench";
	/** Where the consumer is mounted. */
	static readonly path = "/ws/bench/";
	/** Where calls go: a connection, and the multiplexer stream if any. */
	readonly endpoint: rt.Endpoint;
	/** A client on an endpoint: `connection.endpoint()` for the consumer's own path, `connection.endpoint("stream")` on a multiplexer. */
	constructor(endpoint: rt.Endpoint);
	/** Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<BenchClient>;
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): BenchClient;
	/** The pushes this consumer broadcasts to groups (`request_id: null`), from now on. */
	broadcasts(): rt.Broadcasts<BenchPush>;
	/**
	* Returns its `data` argument verbatim (`null` when absent).
	*
	* Action `echo`.
	*/
	echo(args: BenchEchoArgs, options?: rt.CallOptions): Promise<unknown>;
	/**
	* Subscribes this request id to the benchmark feed: every `publish`, from any
	* connection, reaches it as a `message` push carrying this request id.
	*
	* Action `subscribe`; a subscription: pushes `message`; ended by `unsubscribe`.
	*/
	subscribe(options?: rt.CallOptions): Promise<rt.Subscription<BenchSubscribePush, null, null>>;
	/**
	* Stops the feed for this request id.
	*
	* Action `unsubscribe`; succeeds with status 204.
	*/
	unsubscribe(options?: rt.CallOptions): Promise<null>;
	/**
	* Joins the benchmark feed as a plain group member: every `publish` reaches this
	* socket once more as a `message` push with `request_id: null` (the same bytes for
	* every plain member, as Channels' `group_add` gives). Not a subscription: its pushes
	* belong to no request, so it declares no `#[unsubscribe]`.
	*
	* Action `join`; causes pushes `message`.
	*/
	join(options?: rt.CallOptions): Promise<null>;
	/**
	* Leaves the feed joined with `join` (subscriptions made with `subscribe` stay).
	*
	* Action `leave`; succeeds with status 204.
	*/
	leave(options?: rt.CallOptions): Promise<null>;
	/**
	* Sends `data` to every subscriber of the feed as a `message` push (one group send,
	* no database), then answers.
	*
	* Action `publish`.
	*/
	publish(args: BenchPublishArgs, options?: rt.CallOptions): Promise<null>;
}
/**
* Every push of consumer `Todos`.
*/
export type TodosPush = {
	readonly action: "create";
	readonly data: Todo;
} | {
	readonly action: "update";
	readonly data: Todo;
} | {
	readonly action: "delete";
	readonly data: Deleted;
};
/**
* The pushes of a `subscribe_instance` subscription.
*/
export type TodosSubscribeInstancePush = {
	readonly action: "update";
	readonly data: Todo;
} | {
	readonly action: "delete";
	readonly data: Deleted;
};
/**
* The pushes of a `subscribe_list` subscription.
*/
export type TodosSubscribeListPush = {
	readonly action: "create";
	readonly data: Todo;
} | {
	readonly action: "update";
	readonly data: Todo;
} | {
	readonly action: "delete";
	readonly data: Deleted;
};
/**
* Todos: DCRF's generic actions, instance subscriptions and query subscriptions.
*
* A typed client of consumer `Todos`: one method per action.
*/
export declare class TodosClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "Todos";
	/** Where the consumer is mounted. */
	static readonly path = "/ws/todos/";
	/** Where calls go: a connection, and the multiplexer stream if any. */
	readonly endpoint: rt.Endpoint;
	/** A client on an endpoint: `connection.endpoint()` for the consumer's own path, `connection.endpoint("stream")` on a multiplexer. */
	constructor(endpoint: rt.Endpoint);
	/** Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<TodosClient>;
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): TodosClient;
	/** The pushes this consumer broadcasts to groups (`request_id: null`), from now on. */
	broadcasts(): rt.Broadcasts<TodosPush>;
	/**
	* The rows matching the filters (top-level keys naming query fields).
	*
	* Action `list`.
	*/
	list(args: TodosListArgs, options?: rt.CallOptions): Promise<Array<Todo>>;
	/**
	* One row by primary key.
	*
	* Action `retrieve`.
	*/
	retrieve(args: Lookup, options?: rt.CallOptions): Promise<Todo>;
	/**
	* Creates a row from `data`.
	*
	* Action `create`; succeeds with status 201.
	*/
	create(args: TodosCreateArgs, options?: rt.CallOptions): Promise<Todo>;
	/**
	* Writes row `pk` from `data`: every required field must be sent; an omitted field with a default keeps its value.
	*
	* Action `update`.
	*/
	update(args: TodosUpdateArgs, options?: rt.CallOptions): Promise<Todo>;
	/**
	* Changes the fields of row `pk` that `data` sets.
	*
	* Action `patch`.
	*/
	patch(args: TodosPatchArgs, options?: rt.CallOptions): Promise<Todo>;
	/**
	* Deletes row `pk`.
	*
	* Action `delete`; succeeds with status 204.
	*/
	delete(args: Lookup, options?: rt.CallOptions): Promise<null>;
	/**
	* Pushes `update` and `delete` for row `pk` to this request id, after each commit.
	*
	* Action `subscribe_instance`; succeeds with status 201; a subscription: pushes `update`, `delete`; ended by `unsubscribe_instance`.
	*/
	subscribeInstance(args: Lookup, options?: rt.CallOptions): Promise<rt.Subscription<TodosSubscribeInstancePush, null, null>>;
	/**
	* Stops the pushes of this request id.
	*
	* Action `unsubscribe_instance`; succeeds with status 204.
	*/
	unsubscribeInstance(args: Lookup, options?: rt.CallOptions): Promise<null>;
	/**
	* Pushes `create`, `update` and `delete` to this request id as rows enter, change in, or leave the filtered set.
	*
	* Action `subscribe_list`; succeeds with status 201; a subscription: pushes `create`, `update`, `delete`; ended by `unsubscribe_list`.
	*/
	subscribeList(args: TodosSubscribeListArgs, options?: rt.CallOptions): Promise<rt.Subscription<TodosSubscribeListPush, null, null>>;
	/**
	* Stops the pushes of this request id.
	*
	* Action `unsubscribe_list`; succeeds with status 204.
	*/
	unsubscribeList(args: TodosUnsubscribeListArgs, options?: rt.CallOptions): Promise<null>;
}
/**
* Todos, listed a page at a time (`limit` defaults to 2).
*
* A typed client of consumer `TodosPaged`: one method per action.
*/
export declare class TodosPagedClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "TodosPaged";
	/** Where the consumer is mounted. */
	static readonly path = "/ws/todos-paged/";
	/** Where calls go: a connection, and the multiplexer stream if any. */
	readonly endpoint: rt.Endpoint;
	/** A client on an endpoint: `connection.endpoint()` for the consumer's own path, `connection.endpoint("stream")` on a multiplexer. */
	constructor(endpoint: rt.Endpoint);
	/** Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<TodosPagedClient>;
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): TodosPagedClient;
	/**
	* One page of the rows matching the filters (`limit`, `offset`).
	*
	* Action `list`.
	*/
	list(args: TodosPagedListArgs, options?: rt.CallOptions): Promise<TodosPagedListResponse>;
}
/**
* Todos, streamed: `list` replies once per page (`limit` defaults to 2) until the last;
* `list_cancel` stops the streams in flight.
*
* A typed client of consumer `TodosStreamed`: one method per action.
*/
export declare class TodosStreamedClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "TodosStreamed";
	/** Where the consumer is mounted. */
	static readonly path = "/ws/todos-streamed/";
	/** Where calls go: a connection, and the multiplexer stream if any. */
	readonly endpoint: rt.Endpoint;
	/** A client on an endpoint: `connection.endpoint()` for the consumer's own path, `connection.endpoint("stream")` on a multiplexer. */
	constructor(endpoint: rt.Endpoint);
	/** Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<TodosStreamedClient>;
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): TodosStreamedClient;
	/**
	* Every page of the rows matching the filters, one reply per page with this request's id.
	*
	* Action `list`; runs detached: the server answers other calls meanwhile; a paged stream: one reply per page, ending with the page where `count == 0 || offset + limit >= count`; cancelled by `list_cancel`.
	*/
	list(args: TodosStreamedListArgs, options?: rt.CallOptions): rt.PageStream<TodosStreamedListResponse>;
	/**
	* Stops the streamed lists in flight.
	*
	* Action `list_cancel`.
	*/
	listCancel(options?: rt.CallOptions): Promise<null>;
}
/**
* The HTTP todo endpoint `/api/todos/` over the socket (view_as_consumer): each action is
* an HTTP request; the reply's `data` is the response body (the todo, the list, or the
* endpoint's own error body) and `response_status` its HTTP status.
*
* A typed client of consumer `TodoView`: one method per action.
*/
export declare class TodoViewClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "TodoView";
	/** Where the consumer is mounted. */
	static readonly path = "/ws/view/";
	/** Where calls go: a connection, and the multiplexer stream if any. */
	readonly endpoint: rt.Endpoint;
	/** A client on an endpoint: `connection.endpoint()` for the consumer's own path, `connection.endpoint("stream")` on a multiplexer. */
	constructor(endpoint: rt.Endpoint);
	/** Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<TodoViewClient>;
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): TodoViewClient;
	/**
	* `GET /api/todos/`: the todos, filtered.
	*
	* Action `list`.
	*/
	list(args: ViewListArgs, options?: rt.CallOptions): Promise<unknown>;
	/**
	* `GET /api/todos/<pk>/`: one todo.
	*
	* Action `retrieve`.
	*/
	retrieve(args: ViewRetrieveArgs, options?: rt.CallOptions): Promise<unknown>;
	/**
	* `PUT /api/todos/`: creates a todo.
	*
	* Action `create`; succeeds with status 201.
	*/
	create(args: ViewCreateArgs, options?: rt.CallOptions): Promise<unknown>;
	/**
	* `PATCH /api/todos/<pk>/`: changes the fields sent.
	*
	* Action `update`.
	*/
	update(args: ViewUpdateArgs, options?: rt.CallOptions): Promise<unknown>;
}
/**
* Todos in rest-framework-channels' dialect: `{"action", "route", ...}`; the routes
* `todos/` and `todos/<pk>/` lead to [`TodoList`] and [`TodoDetail`].
*
* A typed client of consumer `RfcTodos` at one route (rest-framework-channels' dialect): one method per action, one per route of its own.
*/
export declare class RfcTodosClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "RfcTodos";
	/** Where the consumer is mounted. */
	static readonly path = "/ws/rfc/";
	/** Where calls go: a connection in rest-framework-channels' dialect. */
	readonly endpoint: rt.RfcEndpoint;
	/** The route every call of this client carries. */
	readonly route: rt.Route;
	/** A client on an endpoint (`connection.rfcEndpoint()`) at `route` (the empty route for the consumer's own actions). */
	constructor(endpoint: rt.RfcEndpoint, route?: rt.Route);
	/** Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<RfcTodosClient>;
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): RfcTodosClient;
	/**
	* The consumer's own action, for messages whose route matches no pattern.
	*
	* Action `ping` on the client's route.
	*/
	ping(options?: rt.CallOptions): Promise<string>;
	/**
	* Route `todos/<pk>/`: consumer `TodoDetail`, with `pk`.
	*/
	todosPk(pk: number): TodoDetailClient;
	/**
	* Route `todos/`: consumer `TodoList`.
	*/
	todos(): TodoListClient;
}
/**
* One todo (route `todos/<pk>/`). A todo owned by `locked` can be retrieved but not
* changed (403).
*
* A typed client of consumer `TodoDetail` at one route (rest-framework-channels' dialect): one method per action.
*/
export declare class TodoDetailClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "TodoDetail";
	/** Where calls go: a connection in rest-framework-channels' dialect. */
	readonly endpoint: rt.RfcEndpoint;
	/** The route every call of this client carries. */
	readonly route: rt.Route;
	/** A client on an endpoint (`connection.rfcEndpoint()`) at `route` (the empty route for the consumer's own actions). */
	constructor(endpoint: rt.RfcEndpoint, route?: rt.Route);
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): TodoDetailClient;
	/**
	* The row named by the route's `pk`.
	*
	* Action `retrieve` on the client's route.
	*/
	retrieve(options?: rt.CallOptions): Promise<Todo>;
	/**
	* Writes the row named by the route's `pk` from `data`: every required field must be sent; an omitted field with a default keeps its value.
	*
	* Action `update` on the client's route.
	*/
	update(args: TodoDetailUpdateArgs, options?: rt.CallOptions): Promise<Todo>;
	/**
	* Changes the fields `data` sets of the row named by the route's `pk`.
	*
	* Action `partial_update` on the client's route.
	*/
	partialUpdate(args: TodoDetailPartialUpdateArgs, options?: rt.CallOptions): Promise<Todo>;
	/**
	* Deletes the row named by the route's `pk`.
	*
	* Action `destroy` on the client's route; succeeds with status 204.
	*/
	destroy(options?: rt.CallOptions): Promise<null>;
	/**
	* Flips `done` and returns the todo.
	*
	* Action `toggle` on the client's route.
	*/
	toggle(options?: rt.CallOptions): Promise<Todo>;
}
/**
* The todo list (route `todos/`): pages of 2 (`todos/?page=2`), filters on the query
* fields (`todos/?done=true`), and `create`.
*
* A typed client of consumer `TodoList` at one route (rest-framework-channels' dialect): one method per action.
*/
export declare class TodoListClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "TodoList";
	/** Where calls go: a connection in rest-framework-channels' dialect. */
	readonly endpoint: rt.RfcEndpoint;
	/** The route every call of this client carries. */
	readonly route: rt.Route;
	/** A client on an endpoint (`connection.rfcEndpoint()`) at `route` (the empty route for the consumer's own actions). */
	constructor(endpoint: rt.RfcEndpoint, route?: rt.Route);
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): TodoListClient;
	/**
	* One page of the rows matching the filters (`?page=N` on the route); `next` and `previous` are routes.
	*
	* Action `list` on the client's route.
	*/
	list(args: TodoListListArgs, options?: rt.CallOptions): Promise<TodoListListResponse>;
	/**
	* Creates a row from `data`.
	*
	* Action `create` on the client's route; succeeds with status 201.
	*/
	create(args: TodoListCreateArgs, options?: rt.CallOptions): Promise<Todo>;
}
/** The multiplexer at `/ws/`: one socket, each consumer on its own stream. */
export declare class WsMultiplexer {
	/** Where the multiplexer is mounted. */
	static readonly path = "/ws/";
	/** The connection. */
	readonly connection: rt.Connection;
	/** Stream `todos`: consumer `Todos`. */
	readonly todos: TodosClient;
	/** Stream `plain`: consumer `Plain`. */
	readonly plain: PlainClient;
	/** Clients for the streams of an open connection to the multiplexer. */
	constructor(connection: rt.Connection);
	/** Connects to the multiplexer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<WsMultiplexer>;
}
