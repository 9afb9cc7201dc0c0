// The API explorer (chanrest::Explorer): reads the server's manifest at run time and lets a
// person try every action of any chanrest app.
//
// - The left column lists the consumers (path, dialect, doc), multiplexer streams, route
//   patterns of rest-framework-channels-dialect consumers, their actions and pushes.
// - An action's form is built from its argument schema (types, required fields, enums, nested
//   objects, defaults, descriptions); a raw JSON editor stays in sync with it. Field errors of
//   a 400 reply are shown next to their fields.
// - Calls go through the generated TypeScript runtime (Connection, Endpoint, RfcEndpoint,
//   Route, Subscription). The only socket-level code here is a tap: the WebSocket class handed
//   to the runtime wraps the browser's and records each frame sent and received, so the page
//   can show the exact frames, in order, and say which request a reply answers and which
//   subscription a push belongs to.
// - Replies are checked against the action's response schema (pushes against theirs).
// - The token is sent the way the app's authenticator reads it (config.json: query parameter
//   or cookie name); it is kept in sessionStorage, never in the shareable URL.
// - State lives in the URL's fragment: path, stream, route, action, arguments, route values.
//
// Build: `npm run build` in web/ (tsc; no bundler), which writes dist/ (committed, embedded in
// the chanrest crate).
import { ApiError, ChanrestError, Connection, Route, } from "../../clients/typescript/src/runtime.js";
let manifest = { consumers: [] };
let config = { manifest: "/manifest.json", token: { query: "token", cookie: "token" } };
const places = [];
// ---------------------------------------------------------------------------------------------
// The page's elements.
function element(id) {
    const found = document.getElementById(id);
    if (found === null)
        throw new Error(`#${id} is missing`);
    return found;
}
function make(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
        if (name === "class")
            el.className = value;
        else
            el.setAttribute(name, value);
    }
    el.append(...children);
    return el;
}
const ui = {
    title: element("api-title"),
    version: element("api-version"),
    auth: element("auth"),
    token: element("token"),
    tokenMode: element("token-mode"),
    tokenHelp: element("token-help"),
    filter: element("filter"),
    consumers: element("consumers"),
    detail: element("detail"),
    loadError: element("load-error"),
    intro: element("intro"),
    action: element("action"),
    actionTitle: element("action-title"),
    connStatus: element("conn-status"),
    actionMeta: element("action-meta"),
    actionDoc: element("action-doc"),
    call: element("call"),
    routeFields: element("route-fields"),
    routePattern: element("route-pattern"),
    routeParams: element("route-params"),
    routeQuery: element("route-query"),
    routeText: element("route-text"),
    routeError: element("route-error"),
    argFields: element("arg-fields"),
    argsForm: element("args-form"),
    argsJson: element("args-json"),
    argsJsonError: element("args-json-error"),
    generalErrors: element("general-errors"),
    share: element("share"),
    subsSection: element("subs-section"),
    subscriptions: element("subscriptions"),
    calls: element("calls"),
    framesUrl: element("frames-url"),
    frames: element("frames"),
};
// ---------------------------------------------------------------------------------------------
// Schemas: references, display, validation.
function definition(ref) {
    const prefix = "#/definitions/";
    if (!ref.startsWith(prefix))
        return true;
    const name = decodeURIComponent(ref.slice(prefix.length).replace(/~1/g, "/").replace(/~0/g, "~"));
    return manifest.definitions?.[name] ?? true;
}
/** The schema with `$ref` followed and a lone `allOf` merged (its own keys win). */
function resolve(schema, depth = 0) {
    if (schema === undefined)
        return true;
    if (typeof schema === "boolean" || depth > 32)
        return schema;
    const { $ref, allOf, ...rest } = schema;
    let base = true;
    if ($ref !== undefined)
        base = resolve(definition($ref), depth + 1);
    else if (allOf !== undefined && allOf.length === 1)
        base = resolve(allOf[0], depth + 1);
    else if (allOf !== undefined)
        return schema;
    if (base === true)
        return $ref === undefined && allOf === undefined ? schema : rest;
    if (base === false)
        return false;
    return { ...base, ...rest };
}
function typesOf(schema) {
    if (schema.type === undefined)
        return [];
    return typeof schema.type === "string" ? [schema.type] : [...schema.type];
}
/** The schema with every reference inlined (cycles left as `$ref`), for display. */
function inline(schema, seen = []) {
    if (schema === undefined)
        return true;
    if (typeof schema === "boolean")
        return schema;
    const out = {};
    for (const [key, value] of Object.entries(schema)) {
        if (key === "$ref" && typeof value === "string") {
            if (seen.includes(value)) {
                out[key] = value;
            }
            else {
                const target = inline(definition(value), [...seen, value]);
                if (typeof target === "object" && target !== null)
                    Object.assign(out, target);
                else
                    out[key] = value;
            }
        }
        else if (key === "properties" && typeof value === "object" && value !== null) {
            out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inline(v, seen)]));
        }
        else if ((key === "allOf" || key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
            out[key] = value.map((v) => inline(v, seen));
        }
        else if ((key === "items" || key === "additionalProperties") && (typeof value === "object" || typeof value === "boolean")) {
            out[key] = inline(value, seen);
        }
        else {
            out[key] = value;
        }
    }
    // A lone `allOf` of a reference reads better merged.
    const all = out["allOf"];
    if (Array.isArray(all) && all.length === 1 && typeof all[0] === "object" && all[0] !== null) {
        delete out["allOf"];
        return { ...all[0], ...out };
    }
    return out;
}
function jsonType(value) {
    if (value === null)
        return "null";
    if (Array.isArray(value))
        return "array";
    if (typeof value === "number")
        return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}
function sameJson(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
}
/** Where `value` departs from `schema` (draft-07's common keywords): one line per problem. */
function validate(schema, value, at = "", depth = 0) {
    const where = at === "" ? "the value" : at;
    const s = resolve(schema);
    if (s === true)
        return [];
    if (s === false)
        return [`${where}: no value is allowed here`];
    if (depth > 64)
        return [];
    const problems = [];
    const types = typesOf(s);
    const actual = jsonType(value);
    if (types.length > 0 && !types.includes(actual) && !(actual === "integer" && types.includes("number"))) {
        return [`${where}: expected ${types.join(" or ")}, got ${actual}`];
    }
    if (s.enum !== undefined && !s.enum.some((option) => sameJson(option, value))) {
        problems.push(`${where}: ${JSON.stringify(value)} is not one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`);
    }
    if (s.const !== undefined && !sameJson(s.const, value))
        problems.push(`${where}: expected ${JSON.stringify(s.const)}`);
    if (typeof value === "number") {
        if (s.minimum !== undefined && value < s.minimum)
            problems.push(`${where}: below the minimum ${s.minimum}`);
        if (s.maximum !== undefined && value > s.maximum)
            problems.push(`${where}: above the maximum ${s.maximum}`);
        if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum)
            problems.push(`${where}: not above ${s.exclusiveMinimum}`);
        if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum)
            problems.push(`${where}: not below ${s.exclusiveMaximum}`);
    }
    if (typeof value === "string") {
        if (s.minLength !== undefined && value.length < s.minLength)
            problems.push(`${where}: shorter than ${s.minLength}`);
        if (s.maxLength !== undefined && value.length > s.maxLength)
            problems.push(`${where}: longer than ${s.maxLength}`);
    }
    if (Array.isArray(value)) {
        if (s.minItems !== undefined && value.length < s.minItems)
            problems.push(`${where}: fewer than ${s.minItems} items`);
        if (s.maxItems !== undefined && value.length > s.maxItems)
            problems.push(`${where}: more than ${s.maxItems} items`);
        if (s.items !== undefined)
            value.forEach((item, i) => problems.push(...validate(s.items, item, `${at}[${i}]`, depth + 1)));
    }
    if (actual === "object") {
        const object = value;
        for (const name of s.required ?? []) {
            if (!(name in object))
                problems.push(`${at === "" ? "" : at + "."}${name}: missing (required)`);
        }
        for (const [name, item] of Object.entries(object)) {
            const path = at === "" ? name : `${at}.${name}`;
            const declared = s.properties?.[name];
            if (declared !== undefined)
                problems.push(...validate(declared, item, path, depth + 1));
            else if (s.additionalProperties !== undefined)
                problems.push(...validate(s.additionalProperties, item, path, depth + 1));
        }
    }
    if (s.allOf !== undefined)
        for (const part of s.allOf)
            problems.push(...validate(part, value, at, depth + 1));
    if (s.anyOf !== undefined && !s.anyOf.some((part) => validate(part, value, at, depth + 1).length === 0)) {
        problems.push(`${where}: matches none of the alternatives (anyOf)`);
    }
    if (s.oneOf !== undefined && s.oneOf.filter((part) => validate(part, value, at, depth + 1).length === 0).length !== 1) {
        problems.push(`${where}: does not match exactly one alternative (oneOf)`);
    }
    return problems;
}
const textOf = (value) => JSON.stringify(value) ?? String(value);
function keyOf(stream, id) {
    return `${stream ?? ""}\u0000${textOf(id)}`;
}
/** Everything the page knows about one socket URL. */
class Wire {
    path;
    url;
    frames = [];
    subs = new Map();
    connection = null;
    status = { state: "idle" };
    lastSent = null;
    seq = 0;
    sentCount = 0;
    pending = new Map();
    rfcPending = [];
    constructor(path, url) {
        this.path = path;
        this.url = url;
    }
    /** The consumer that serves `stream` at this path (for a plain path, the stream is null). */
    consumerOf(stream) {
        const place = places.find((p) => p.path === this.path && p.stream === stream && p.route === null);
        return place?.consumer ?? null;
    }
    add(frame) {
        this.frames.push(frame);
        if (current !== null && wireKey(current.place) === this.path)
            appendFrame(frame);
        return frame;
    }
    event(text) {
        this.add({ seq: ++this.seq, kind: "event", text, label: text, status: null, request: null, problems: null, checked: "" });
    }
    onSent(text) {
        const n = ++this.sentCount;
        let stream = null;
        let message = {};
        try {
            const value = JSON.parse(text);
            const record = isRecord(value) ? value : {};
            if (isRecord(record["payload"]) && typeof record["stream"] === "string") {
                stream = record["stream"];
                message = record["payload"];
            }
            else {
                message = record;
            }
        }
        catch {
            // Not JSON: logged as is.
        }
        const action = typeof message["action"] === "string" ? message["action"] : "";
        const rfc = "route" in message && !("request_id" in message);
        const consumer = this.consumerOf(stream);
        const renewal = [...this.subs.values()].some((sub) => sub.state !== "ended" && sub.subscribe.stream === stream && sameJson(sub.subscribe.requestId, message["request_id"]) && sub.subscribe.action === action);
        const frame = this.add({
            seq: ++this.seq,
            kind: "sent",
            text,
            label: `request #${n}${renewal ? " (subscription renewed after reconnecting)" : ""}`,
            status: null,
            request: n,
            problems: null,
            checked: "",
        });
        let answered = null;
        const answer = new Promise((resolve) => {
            answered = resolve;
        });
        const sent = {
            n,
            frame,
            stream,
            action,
            requestId: message["request_id"] ?? null,
            route: rfc ? String(message["route"]) : null,
            consumer,
            answered,
            answer,
        };
        this.lastSent = sent;
        if (rfc) {
            this.rfcPending.push(sent);
            return;
        }
        this.pending.set(keyOf(stream, sent.requestId), sent);
        const declared = consumer?.actions?.find((a) => a.name === action);
        const key = keyOf(stream, sent.requestId);
        if (declared !== undefined && (declared.pushes ?? []).length > 0 && declared.unsubscribe !== undefined && !this.subs.has(key)) {
            this.subs.set(key, {
                key,
                subscribe: sent,
                unsubscribe: declared.unsubscribe,
                consumer,
                pushes: 0,
                state: "pending",
                handle: null,
                args: Object.fromEntries(Object.entries(message).filter(([k]) => k !== "action" && k !== "request_id")),
            });
        }
    }
    onReceived(text) {
        let value;
        try {
            value = JSON.parse(text);
        }
        catch {
            this.add({ seq: ++this.seq, kind: "other", text, label: "not JSON", status: null, request: null, problems: null, checked: "" });
            return;
        }
        let stream = null;
        let message = value;
        if (isRecord(value) && "payload" in value && !("response_status" in value)) {
            stream = typeof value["stream"] === "string" ? value["stream"] : null;
            message = value["payload"];
        }
        if (!isRecord(message)) {
            this.add({ seq: ++this.seq, kind: "other", text, label: "unexpected", status: null, request: null, problems: null, checked: "" });
            return;
        }
        const action = typeof message["action"] === "string" ? message["action"] : null;
        if (!("response_status" in message) && typeof message["status"] === "number" && typeof message["route"] === "string") {
            // rest-framework-channels' dialect: the oldest request with this route and action.
            const route = message["route"];
            const index = this.rfcPending.findIndex((s) => s.route === route && (action === null || s.action === action));
            const status = message["status"];
            if (index < 0) {
                this.add({ seq: ++this.seq, kind: "other", text, label: `reply to no request in flight · ${status}`, status, request: null, problems: null, checked: "" });
                return;
            }
            const [sent] = this.rfcPending.splice(index, 1);
            this.settle(sent, text, status, message, "rfc");
            return;
        }
        const status = typeof message["response_status"] === "number" ? message["response_status"] : null;
        const id = message["request_id"] ?? null;
        const key = keyOf(stream, id);
        const sent = this.pending.get(key);
        if (sent !== undefined && (action === null || action === sent.action)) {
            this.pending.delete(key);
            this.settle(sent, text, status, message, "dcrf");
            return;
        }
        const sub = this.subs.get(key);
        const consumer = this.consumerOf(stream);
        const pushInfo = consumer?.pushes?.find((p) => p.name === action);
        const problems = pushInfo === undefined ? null : validate(pushInfo.data, message["data"] ?? null, "data");
        if (sub !== undefined) {
            sub.pushes += 1;
            const known = sub.subscribe.consumer?.actions?.find((a) => a.name === sub.subscribe.action)?.pushes ?? [];
            const undeclared = action !== null && known.length > 0 && !known.includes(action);
            this.add({
                seq: ++this.seq,
                kind: "push",
                text,
                label: `push \`${action ?? "?"}\` of subscription #${sub.subscribe.n} (${sub.subscribe.action}${stream === null ? "" : ", stream " + stream})${undeclared ? " · not a push this subscription declares" : ""}`,
                status,
                request: sub.subscribe.n,
                problems,
                checked: "push",
            });
            renderSubs();
            return;
        }
        this.add({
            seq: ++this.seq,
            kind: id === null ? "broadcast" : "other",
            text,
            label: id === null ? `broadcast \`${action ?? "?"}\`${stream === null ? "" : " on stream " + stream}` : `message for request id ${textOf(id)}, which nothing here sent`,
            status,
            request: null,
            problems,
            checked: "push",
        });
    }
    settle(sent, text, status, message, dialect) {
        const declared = sent.consumer?.actions?.find((a) => a.name === sent.action);
        const problems = [];
        const envelope = manifest.envelopes?.[dialect];
        if (envelope !== undefined)
            problems.push(...validate(envelope, message).map((p) => `envelope: ${p}`));
        const ok = status !== null && status >= 200 && status < 300;
        if (ok && declared !== undefined)
            problems.push(...validate(declared.response, message["data"] ?? null, "data"));
        const frame = this.add({
            seq: ++this.seq,
            kind: "reply",
            text,
            label: `reply to #${sent.n} · ${status ?? "?"}`,
            status,
            request: sent.n,
            problems: ok || envelope !== undefined ? problems : null,
            checked: ok ? "reply" : "envelope",
        });
        const sub = this.subs.get(keyOf(sent.stream, sent.requestId));
        if (sub !== undefined) {
            if (sub.subscribe === sent) {
                if (!ok)
                    sub.state = "ended";
                else if (sub.state === "pending")
                    sub.state = "live";
            }
            else if (sub.unsubscribe === sent.action && ok) {
                sub.state = "ended";
            }
            renderSubs();
        }
        sent.answered?.(frame);
        sent.answered = null;
    }
    /** The socket closed: requests in flight will get no reply. */
    onClosed(code) {
        this.event(`closed (code ${code})`);
        const lost = [...this.pending.values(), ...this.rfcPending];
        this.pending.clear();
        this.rfcPending = [];
        for (const sent of lost) {
            sent.answered = null;
        }
    }
}
function isRecord(value) {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
/** The browser's WebSocket, recording every frame into `wire`; the runtime drives it. */
function tapped(wire) {
    const Native = window.WebSocket;
    return class TappedWebSocket {
        socket;
        onopen = null;
        onmessage = null;
        onclose = null;
        onerror = null;
        constructor(url) {
            this.socket = new Native(url);
            this.socket.onopen = (event) => {
                wire.event(`open: ${url.replace(/([?&][^=]+=)[^&]*/g, "$1…")}`);
                this.onopen?.(event);
            };
            this.socket.onmessage = (event) => {
                if (typeof event.data === "string")
                    wire.onReceived(event.data);
                this.onmessage?.(event);
            };
            this.socket.onclose = (event) => {
                wire.onClosed(event.code);
                this.onclose?.(event);
            };
            this.socket.onerror = (event) => this.onerror?.(event);
        }
        get readyState() {
            return this.socket.readyState;
        }
        send(data) {
            wire.onSent(data);
            this.socket.send(data);
        }
        close(code, reason) {
            this.socket.close(code, reason);
        }
    };
}
const wires = new Map();
function token() {
    return sessionStorage.getItem("chanrest-explorer-token") ?? "";
}
function tokenMode() {
    return sessionStorage.getItem("chanrest-explorer-token-mode") === "cookie" ? "cookie" : "query";
}
function socketUrl(path) {
    const base = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}`;
    const t = token();
    if (t === "" || tokenMode() !== "query")
        return base;
    return `${base}${path.includes("?") ? "&" : "?"}${encodeURIComponent(config.token.query)}=${encodeURIComponent(t)}`;
}
function wireKey(place) {
    return place.path;
}
function wireFor(place) {
    const key = wireKey(place);
    let wire = wires.get(key);
    if (wire === undefined) {
        wire = new Wire(place.path, socketUrl(place.path));
        wires.set(key, wire);
    }
    return wire;
}
function connect(wire) {
    if (wire.connection !== null)
        return wire.connection;
    wire.status = { state: "connecting" };
    showConnStatus();
    const opening = Connection.open(wire.url, {
        WebSocket: tapped(wire),
        timeoutMs: 15_000,
        connectTimeoutMs: 5_000,
        reconnect: { initialDelayMs: 250, maxDelayMs: 5_000 },
    });
    wire.connection = opening;
    opening.then((connection) => {
        wire.status = connection.status;
        showConnStatus();
        connection.onStatus((status) => {
            wire.status = status;
            showConnStatus();
        });
    }, (error) => {
        wire.connection = null;
        wire.status = { state: "closed" };
        wire.event(`could not connect: ${error instanceof Error ? error.message : String(error)}`);
        showConnStatus();
    });
    return opening;
}
/** Closes every socket (the token changed): subscriptions end with them. */
async function resetWires() {
    const old = [...wires.values()];
    wires.clear();
    for (const wire of old) {
        const connection = await wire.connection?.catch(() => null);
        await connection?.close();
    }
}
// ---------------------------------------------------------------------------------------------
// The list of consumers and actions.
function buildPlaces() {
    places.length = 0;
    const byName = new Map(manifest.consumers.map((c) => [c.name, c]));
    const dialectOf = (c) => (c.dialect === "rfc" ? "rfc" : "dcrf");
    for (const consumer of manifest.consumers) {
        if (typeof consumer.path !== "string")
            continue;
        const dialect = dialectOf(consumer);
        places.push({ path: consumer.path, stream: null, consumer, host: consumer, route: null, dialect });
        for (const route of consumer.routes ?? []) {
            const target = byName.get(route.consumer);
            if (target !== undefined)
                places.push({ path: consumer.path, stream: null, consumer: target, host: consumer, route, dialect });
        }
    }
    for (const mux of manifest.multiplexers ?? []) {
        for (const { stream, consumer: name } of mux.streams) {
            const consumer = byName.get(name);
            if (consumer !== undefined)
                places.push({ path: mux.path, stream, consumer, host: consumer, route: null, dialect: "dcrf" });
        }
    }
}
function firstLine(text) {
    return (text ?? "").split(/\n\s*\n/)[0]?.replace(/\s+/g, " ").trim() ?? "";
}
function stateHash(place, action, extra = {}) {
    const params = new URLSearchParams();
    params.set("path", place.path);
    if (place.stream !== null)
        params.set("stream", place.stream);
    if (place.route !== null)
        params.set("route", place.route.pattern);
    params.set("action", action);
    for (const [key, value] of Object.entries(extra))
        params.set(key, value);
    return "#" + params.toString();
}
function actionList(place) {
    const list = make("ul", { class: "actions" });
    for (const action of place.consumer.actions ?? []) {
        const link = make("a", {
            href: stateHash(place, action.name),
            "data-path": place.path,
            "data-stream": place.stream ?? "",
            "data-route": place.route?.pattern ?? "",
            "data-action": action.name,
        }, make("code", {}, action.name));
        const summary = firstLine(action.doc);
        const item = make("li", { "data-search": `${place.consumer.name} ${place.path} ${place.route?.pattern ?? ""} ${action.name} ${summary}`.toLowerCase() }, link);
        if ((action.pushes ?? []).length > 0)
            item.append(make("span", { class: "tag" }, "subscribes"));
        if (summary !== "")
            item.append(make("span", { class: "summary" }, summary));
        list.append(item);
    }
    return list;
}
function pushList(consumer) {
    const pushes = consumer.pushes ?? [];
    if (pushes.length === 0)
        return null;
    const list = make("ul", { class: "pushes" });
    for (const push of pushes) {
        list.append(make("li", {}, make("code", {}, push.name), ` (${push.status ?? 200}) `, firstLine(push.doc)));
    }
    return make("details", { class: "push-list" }, make("summary", {}, `pushes (${pushes.length})`), list);
}
function renderNav() {
    ui.consumers.replaceChildren();
    for (const place of places) {
        if (place.route !== null)
            continue;
        const section = make("section", { class: "consumer" });
        const heading = make("h2", {}, place.consumer.name, " ", make("code", {}, place.path));
        if (place.stream !== null)
            heading.append(" ", make("span", { class: "tag" }, `stream ${place.stream}`));
        heading.append(" ", make("span", { class: `tag dialect-${place.dialect}` }, place.dialect));
        section.append(heading);
        const doc = firstLine(place.consumer.doc);
        if (doc !== "")
            section.append(make("p", { class: "doc" }, doc));
        section.append(actionList(place));
        const pushes = pushList(place.consumer);
        if (pushes !== null)
            section.append(pushes);
        for (const routed of places.filter((p) => p.route !== null && p.path === place.path && p.stream === place.stream)) {
            const route = routed.route;
            const block = make("div", { class: "route" });
            block.append(make("h3", {}, "route ", make("code", {}, route.pattern), " → ", routed.consumer.name));
            const routeDoc = firstLine(routed.consumer.doc);
            if (routeDoc !== "")
                block.append(make("p", { class: "doc" }, routeDoc));
            block.append(actionList(routed));
            section.append(block);
        }
        ui.consumers.append(section);
    }
}
function applyFilter() {
    const words = ui.filter.value.toLowerCase().split(/\s+/).filter((w) => w !== "");
    for (const item of ui.consumers.querySelectorAll("ul.actions > li")) {
        const text = item.dataset["search"] ?? "";
        item.hidden = !words.every((w) => text.includes(w));
    }
    for (const section of ui.consumers.querySelectorAll("section.consumer")) {
        section.hidden = words.length > 0 && section.querySelector("ul.actions > li:not([hidden])") === null;
    }
}
let current = null;
let leaves = [];
let groups = [];
let routeFields = [];
let args = {};
function pathId(path) {
    return "arg-" + path.map((p) => p.replace(/[^A-Za-z0-9_-]/g, "_")).join("--");
}
function getPath(root, path) {
    let value = root;
    for (const key of path) {
        if (!isRecord(value) || !(key in value))
            return { present: false, value: undefined };
        value = value[key];
    }
    return { present: true, value };
}
function setPath(root, path, present, value) {
    const parents = [root];
    let node = root;
    for (const key of path.slice(0, -1)) {
        const next = node[key];
        if (!isRecord(next)) {
            if (!present)
                return;
            node[key] = {};
        }
        node = node[key];
        parents.push(node);
    }
    const last = path[path.length - 1];
    if (present) {
        node[last] = value;
        return;
    }
    delete node[last];
    // Drop optional objects left empty.
    for (let depth = path.length - 1; depth > 0; depth -= 1) {
        const object = parents[depth];
        const groupPath = path.slice(0, depth);
        const group = groups.find((g) => sameJson(g.path, groupPath));
        if (Object.keys(object).length > 0 || group?.required === true)
            break;
        delete parents[depth - 1][groupPath[groupPath.length - 1]];
    }
}
/** Reads text typed into a field of `types` as the JSON value it most likely means. */
function parseText(text, types) {
    const numeric = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(text.trim());
    if ((types.includes("integer") || types.includes("number")) && numeric)
        return { value: Number(text), note: "" };
    if (types.includes("boolean") && (text === "true" || text === "false"))
        return { value: text === "true", note: "" };
    if (types.includes("null") && text === "null")
        return { value: null, note: "" };
    if (types.includes("string"))
        return { value: text, note: "" };
    if (types.length === 0 || types.includes("array") || types.includes("object")) {
        try {
            return { value: JSON.parse(text), note: "" };
        }
        catch {
            return { value: text, note: "not JSON: sent as text" };
        }
    }
    return { value: text, note: `not ${types.join(" or ")}: sent as text` };
}
function describeType(s) {
    const types = typesOf(s);
    const base = types.length === 0 ? (s.enum !== undefined ? "enum" : "any JSON") : types.join(" | ");
    return s.format !== undefined ? `${base}, ${s.format}` : base;
}
function buildField(container, name, schema, path, required, depth) {
    const s = resolve(schema);
    const object = typeof s === "boolean" ? {} : s;
    const types = typesOf(object);
    const id = pathId(path);
    const describedBy = [];
    if (object.properties !== undefined && depth < 8 && (types.length === 0 || types.includes("object"))) {
        const fieldset = make("fieldset", { class: "group", "data-path": path.join(".") });
        const legend = make("legend", {}, make("code", {}, name));
        if (required)
            legend.append(make("span", { class: "required", title: "required" }, " *"));
        fieldset.append(legend);
        if (object.description !== undefined)
            fieldset.append(make("p", { class: "hint" }, object.description));
        if (object.default !== undefined)
            fieldset.append(make("p", { class: "hint" }, `default: ${textOf(object.default)}`));
        const error = make("span", { class: "field-error", role: "alert" });
        fieldset.append(error);
        groups.push({ path, required, error });
        const needed = new Set(object.required ?? []);
        for (const [child, childSchema] of Object.entries(object.properties)) {
            buildField(fieldset, child, childSchema, [...path, child], needed.has(child), depth + 1);
        }
        if (object.additionalProperties === true || (isRecord(object.additionalProperties) && Object.keys(object.properties).length === 0)) {
            fieldset.append(make("p", { class: "hint" }, "Other keys are allowed: add them in the JSON editor."));
        }
        container.append(fieldset);
        return;
    }
    const field = make("div", { class: "field", "data-path": path.join(".") });
    const label = make("label", { for: id }, make("code", {}, name));
    if (required)
        label.append(make("span", { class: "required", title: "required" }, " *"));
    label.append(" ", make("span", { class: "type" }, describeType(object)));
    field.append(label);
    let control;
    let read;
    let write;
    const hint = make("span", { class: "hint", id: `${id}-note` });
    const options = object.enum ?? (types.length > 0 && types.every((t) => t === "boolean" || t === "null") ? [...(types.includes("boolean") ? [true, false] : []), ...(types.includes("null") ? [null] : [])] : null);
    if (options !== null) {
        const select = make("select", { id, name: path.join(".") });
        select.append(make("option", { value: "" }, required ? "(choose)" : "(omit)"));
        options.forEach((option, i) => select.append(make("option", { value: String(i) }, textOf(option))));
        control = select;
        read = () => {
            const option = options[Number(select.value)];
            return select.value === "" ? { present: false, value: undefined } : { present: true, value: option };
        };
        write = (value) => {
            const index = options.findIndex((o) => sameJson(o, value));
            select.value = value === undefined || index < 0 ? "" : String(index);
            hint.textContent = value !== undefined && index < 0 ? `${textOf(value)} is not an option (kept in the JSON)` : "";
        };
    }
    else {
        const multiline = types.length === 0 || types.includes("array") || types.includes("object");
        const input = multiline ? make("textarea", { id, rows: "2", spellcheck: "false" }) : make("input", { id, name: path.join(".") });
        if (input instanceof HTMLInputElement && types.length > 0 && types.every((t) => t === "integer" || t === "number")) {
            input.inputMode = types.includes("number") ? "decimal" : "numeric";
        }
        if (object.default !== undefined)
            input.placeholder = `default: ${textOf(object.default)}`;
        else if (multiline)
            input.placeholder = "JSON";
        control = input;
        read = () => {
            if (input.value === "")
                return { present: false, value: undefined };
            const parsed = parseText(input.value, types);
            hint.textContent = parsed.note;
            return { present: true, value: parsed.value };
        };
        write = (value) => {
            hint.textContent = "";
            input.value = value === undefined ? "" : typeof value === "string" && !multiline ? value : textOf(value);
        };
    }
    if (object.description !== undefined) {
        const description = make("span", { class: "description", id: `${id}-doc` }, object.description);
        field.append(description);
        describedBy.push(description.id);
    }
    const error = make("span", { class: "field-error", id: `${id}-error`, role: "alert" });
    describedBy.push(error.id, hint.id);
    control.setAttribute("aria-describedby", describedBy.join(" "));
    if (required)
        control.setAttribute("aria-required", "true");
    field.insertBefore(control, field.children[1] ?? null);
    field.append(hint, error);
    container.append(field);
    const leaf = { path, read, write, control, error, hint };
    leaves.push(leaf);
    const changed = () => {
        const { present, value } = leaf.read();
        setPath(args, path, present, value);
        clearFieldError(leaf);
        writeJson();
        saveState();
    };
    control.addEventListener("input", changed);
    control.addEventListener("change", changed);
}
function writeJson() {
    ui.argsJson.value = JSON.stringify(args, null, 2);
    ui.argsJsonError.textContent = "";
    ui.argsJson.removeAttribute("aria-invalid");
}
function fillForm() {
    for (const leaf of leaves)
        leaf.write(getPath(args, leaf.path).value);
}
function clearFieldError(leaf) {
    leaf.error.textContent = "";
    leaf.control.removeAttribute("aria-invalid");
}
function clearErrors() {
    for (const leaf of leaves)
        clearFieldError(leaf);
    for (const group of groups)
        group.error.textContent = "";
    for (const field of routeFields)
        field.error.textContent = "";
    ui.generalErrors.textContent = "";
}
/** Puts DRF-shaped field errors (`{"a": ["msg"], "data": {"title": ["msg"]}}`) next to their fields. */
function showFieldErrors(errors) {
    const general = [];
    const place = (value, path) => {
        if (Array.isArray(value) && value.every((m) => typeof m === "string")) {
            const messages = value.join(" ");
            const leaf = leaves.find((l) => sameJson(l.path, path));
            const group = groups.find((g) => sameJson(g.path, path));
            const route = path.length === 1 ? routeFields.find((f) => f.name === path[0]) : undefined;
            if (leaf !== undefined) {
                leaf.error.textContent = messages;
                leaf.control.setAttribute("aria-invalid", "true");
            }
            else if (group !== undefined) {
                group.error.textContent = messages;
            }
            else if (route !== undefined) {
                route.error.textContent = messages;
            }
            else {
                general.push(path.length === 0 || path[0] === "non_field_errors" ? messages : `${path.join(".")}: ${messages}`);
            }
            return;
        }
        if (isRecord(value)) {
            if (Object.keys(value).length === 1 && typeof value["detail"] === "string") {
                general.push(value["detail"]);
                return;
            }
            for (const [key, inner] of Object.entries(value))
                place(inner, [...path, key]);
            return;
        }
        general.push(`${path.length === 0 ? "" : path.join(".") + ": "}${textOf(value)}`);
    };
    for (const error of errors) {
        if (typeof error === "string")
            general.push(error);
        else
            place(error, []);
    }
    ui.generalErrors.textContent = general.join(" ");
    const first = leaves.find((l) => l.control.getAttribute("aria-invalid") === "true");
    first?.control.focus();
}
function routeParts(pattern) {
    const parts = [];
    const re = /<(?:(str|int|slug|path):)?([A-Za-z_][A-Za-z0-9_]*)>/g;
    let last = 0;
    for (let match = re.exec(pattern); match !== null; match = re.exec(pattern)) {
        if (match.index > last)
            parts.push({ literal: pattern.slice(last, match.index) });
        parts.push({ name: match[2], converter: (match[1] ?? "str") });
        last = match.index + match[0].length;
    }
    if (last < pattern.length)
        parts.push({ literal: pattern.slice(last) });
    return parts;
}
function buildRoute(place) {
    let route = Route.root();
    if (place.route === null)
        return route;
    for (const part of routeParts(place.route.pattern)) {
        if ("literal" in part) {
            route = route.literal(part.literal);
            continue;
        }
        const field = routeFields.find((f) => f.name === part.name);
        const text = field?.input.value ?? "";
        const s = resolve(field?.schema);
        const types = typeof s === "boolean" ? [] : typesOf(s);
        const value = text === "" ? undefined : parseText(text, types).value;
        route = route.param(part.name, part.converter, value);
    }
    const query = ui.routeQuery.value.trim();
    return query === "" ? route : route.literal(query.startsWith("?") ? query : `?${query}`);
}
function showRoute() {
    if (current === null || current.place.dialect !== "rfc")
        return;
    const route = buildRoute(current.place);
    ui.routeText.textContent = JSON.stringify(route.text);
    ui.routeError.textContent = route.error ?? "";
}
function buildRouteFields(place) {
    routeFields = [];
    ui.routeParams.replaceChildren();
    ui.routeQuery.value = "";
    if (place.dialect !== "rfc") {
        ui.routeFields.hidden = true;
        return;
    }
    ui.routeFields.hidden = false;
    ui.routePattern.textContent = place.route === null ? '"" (the consumer\'s own actions)' : place.route.pattern;
    for (const part of place.route === null ? [] : routeParts(place.route.pattern)) {
        if ("literal" in part)
            continue;
        const schema = place.route?.params?.find((p) => p.name === part.name)?.schema ?? true;
        const s = resolve(schema);
        const id = `route-${part.name}`;
        const input = make("input", { id, name: id, "aria-required": "true" });
        const error = make("span", { class: "field-error", id: `${id}-error`, role: "alert" });
        const field = make("div", { class: "field", "data-path": `route.${part.name}` });
        const label = make("label", { for: id }, make("code", {}, `<${part.name}>`), make("span", { class: "required" }, " *"), " ", make("span", { class: "type" }, `${part.converter}${typeof s === "boolean" ? "" : ", " + describeType(s)}`));
        field.append(label, input);
        const description = typeof s === "boolean" ? undefined : s.description;
        if (description !== undefined)
            field.append(make("span", { class: "description", id: `${id}-doc` }, description));
        field.append(error);
        input.setAttribute("aria-describedby", `${description === undefined ? "" : id + "-doc "}${id}-error route-error`);
        if (part.converter === "int")
            input.inputMode = "numeric";
        input.addEventListener("input", () => {
            error.textContent = "";
            showRoute();
            saveState();
        });
        ui.routeParams.append(field);
        routeFields.push({ name: part.name, converter: part.converter, schema, input, error });
    }
    showRoute();
}
// ---------------------------------------------------------------------------------------------
// Selecting an action, and the URL.
function findPlace(path, stream, route) {
    return places.find((p) => p.path === path && p.stream === stream && (p.route?.pattern ?? null) === route);
}
function saveState() {
    if (current === null)
        return;
    const extra = { args: JSON.stringify(args) };
    const values = {};
    for (const field of routeFields)
        if (field.input.value !== "")
            values[field.name] = field.input.value;
    if (Object.keys(values).length > 0)
        extra["params"] = JSON.stringify(values);
    if (ui.routeQuery.value !== "")
        extra["query"] = ui.routeQuery.value;
    const hash = stateHash(current.place, current.action.name, extra);
    ui.share.href = hash;
    if (location.hash !== hash)
        history.replaceState(null, "", hash);
}
function metaText(place, action) {
    const parts = [make("code", {}, place.path)];
    if (place.stream !== null)
        parts.push(" · stream ", make("code", {}, place.stream));
    if (place.route !== null)
        parts.push(" · route ", make("code", {}, place.route.pattern));
    parts.push(` · ${place.dialect} · ${place.consumer.name} · success status ${action.status ?? 200}`);
    if (action.detached === true)
        parts.push(" · detached");
    const pushes = action.pushes ?? [];
    if (pushes.length > 0)
        parts.push(" · pushes ", pushes.join(", "));
    if (action.unsubscribe !== undefined)
        parts.push(" · ended by ", make("code", {}, action.unsubscribe));
    return parts;
}
function select(place, action, state) {
    current = { place, action };
    ui.intro.hidden = true;
    ui.action.hidden = false;
    ui.actionTitle.replaceChildren(make("code", {}, action.name), " ", make("small", {}, place.consumer.name));
    ui.actionMeta.replaceChildren(...metaText(place, action));
    ui.actionDoc.textContent = action.doc ?? "";
    for (const link of ui.consumers.querySelectorAll("a[data-action]")) {
        const selected = link.dataset["path"] === place.path && link.dataset["stream"] === (place.stream ?? "") &&
            link.dataset["route"] === (place.route?.pattern ?? "") && link.dataset["action"] === action.name;
        if (selected)
            link.setAttribute("aria-current", "page");
        else
            link.removeAttribute("aria-current");
    }
    // The form.
    leaves = [];
    groups = [];
    ui.argsForm.replaceChildren();
    const schema = resolve(action.args);
    const routeNames = new Set((place.route?.params ?? []).map((p) => p.name));
    const object = typeof schema === "boolean" ? {} : schema;
    const needed = new Set(object.required ?? []);
    const properties = Object.entries(object.properties ?? {}).filter(([name]) => !routeNames.has(name));
    if (object.description !== undefined && object.description !== action.doc) {
        ui.argsForm.append(make("p", { class: "hint" }, object.description));
    }
    for (const [name, child] of properties)
        buildField(ui.argsForm, name, child, [name], needed.has(name), 0);
    if (properties.length === 0 && routeNames.size > 0) {
        ui.argsForm.append(make("p", { class: "hint" }, "No arguments besides the route's."));
    }
    else if (properties.length === 0) {
        ui.argsForm.append(make("p", { class: "hint" }, object.additionalProperties === true || object.properties === undefined && typeof schema !== "boolean" && object.type === "object"
            ? "No declared arguments; any keys may be sent with the JSON editor."
            : "No arguments."));
    }
    if (routeNames.size > 0) {
        ui.argsForm.append(make("p", { class: "hint" }, `${[...routeNames].join(", ")}: from the route.`));
    }
    buildRouteFields(place);
    // The state from the URL, if any.
    args = {};
    if (state !== null) {
        try {
            const parsed = JSON.parse(state.get("args") ?? "{}");
            if (isRecord(parsed))
                args = parsed;
        }
        catch {
            ui.argsJsonError.textContent = "The link's arguments are not JSON.";
        }
        try {
            const values = JSON.parse(state.get("params") ?? "{}");
            if (isRecord(values)) {
                for (const field of routeFields) {
                    const value = values[field.name];
                    if (value !== undefined)
                        field.input.value = typeof value === "string" ? value : textOf(value);
                }
            }
        }
        catch {
            ui.routeError.textContent = "The link's route values are not JSON.";
        }
        ui.routeQuery.value = state.get("query") ?? "";
        showRoute();
    }
    fillForm();
    writeJson();
    clearErrors();
    ui.calls.replaceChildren();
    const wire = wireFor(place);
    ui.framesUrl.textContent = wire.url.replace(/([?&][^=]+=)[^&]*/g, "$1…");
    ui.frames.replaceChildren();
    for (const frame of wire.frames)
        appendFrame(frame);
    renderSubs();
    showConnStatus();
    saveState();
    void connect(wire).catch(() => undefined);
}
function selectFromUrl() {
    const state = new URLSearchParams(location.hash.slice(1));
    const path = state.get("path");
    const actionName = state.get("action");
    if (path === null || actionName === null)
        return;
    const place = findPlace(path, state.get("stream"), state.get("route"));
    const action = place?.consumer.actions?.find((a) => a.name === actionName);
    if (place === undefined || action === undefined) {
        ui.loadError.textContent = `The link names an action this API does not have: ${actionName} on ${path}.`;
        return;
    }
    ui.loadError.textContent = "";
    select(place, action, state);
}
// ---------------------------------------------------------------------------------------------
// Sending, and showing what came back.
function statusClass(status) {
    if (status === null)
        return "none";
    if (status < 300)
        return "ok";
    if (status < 500)
        return "client";
    return "server";
}
function schemaNote(frame) {
    const problems = frame.problems;
    if (problems === null)
        return null;
    const what = frame.checked === "envelope" ? "error envelope" : "";
    if (problems.length === 0)
        return make("span", { class: "schema-ok" }, what === "" ? "matches its schema" : `${what} matches its schema`);
    const note = make("span", { class: "schema-bad" }, `${what === "" ? "" : what + " "}does not match its schema: `);
    note.append(problems.slice(0, 6).join("; ") + (problems.length > 6 ? ` (and ${problems.length - 6} more)` : ""));
    return note;
}
function appendFrame(frame) {
    const arrow = frame.kind === "sent" ? "→" : frame.kind === "event" ? "•" : "←";
    const item = make("li", {
        class: `frame frame-${frame.kind}`,
        "data-kind": frame.kind,
        "data-status": statusClass(frame.status),
        ...(frame.request === null ? {} : { "data-request": String(frame.request) }),
    });
    const head = make("div", { class: "frame-head" }, make("span", { class: "arrow", "aria-hidden": "true" }, arrow), " ", make("span", { class: "label" }, frame.label));
    const note = schemaNote(frame);
    if (note !== null)
        head.append(" · ", note);
    item.append(head);
    if (frame.kind !== "event")
        item.append(make("pre", { class: "frame-text" }, frame.text));
    ui.frames.append(item);
}
function showConnStatus() {
    if (current === null)
        return;
    const wire = wires.get(wireKey(current.place));
    const status = wire?.status ?? { state: "idle" };
    ui.connStatus.dataset["state"] = status.state;
    switch (status.state) {
        case "idle":
            ui.connStatus.textContent = "not connected";
            break;
        case "connecting":
            ui.connStatus.textContent = "connecting…";
            break;
        case "connected":
            ui.connStatus.textContent = "connected";
            break;
        case "reconnecting":
            ui.connStatus.textContent = `reconnecting… (attempt ${status.attempt})`;
            break;
        case "closed":
            ui.connStatus.textContent = "disconnected";
            break;
    }
}
function renderSubs() {
    if (current === null)
        return;
    const wire = wires.get(wireKey(current.place));
    const subs = [...(wire?.subs.values() ?? [])];
    ui.subsSection.hidden = subs.length === 0;
    ui.subscriptions.replaceChildren();
    for (const sub of subs) {
        const item = make("li", { class: `sub sub-${sub.state}`, "data-request": String(sub.subscribe.n), "data-state": sub.state });
        item.append(make("span", {}, `#${sub.subscribe.n} `, make("code", {}, sub.subscribe.action), ` ${textOf(sub.args)}`, sub.subscribe.stream === null ? "" : ` · stream ${sub.subscribe.stream}`, ` · ${sub.state} · ${sub.pushes} push${sub.pushes === 1 ? "" : "es"}`));
        if (sub.state !== "ended" && sub.unsubscribe !== null) {
            const button = make("button", { type: "button", class: "unsubscribe" }, `${sub.unsubscribe}`);
            button.title = `Send ${sub.unsubscribe} with request id ${textOf(sub.subscribe.requestId)}`;
            button.addEventListener("click", () => void unsubscribe(wire, sub));
            item.append(" ", button);
        }
        ui.subscriptions.append(item);
    }
}
async function unsubscribe(wire, sub) {
    if (sub.handle === null)
        return;
    const card = callCard(sub.unsubscribe ?? "unsubscribe", sub.consumer?.actions?.find((a) => a.name === sub.unsubscribe));
    wire.lastSent = null;
    const done = sub.handle.unsubscribe();
    await showOutcome(card, wire, done.then(() => undefined));
}
function callCard(action, declared) {
    const item = make("li", { class: "call", "data-action": action, "data-status": "pending" });
    const sent = make("div", { class: "call-sent" }, make("h4", {}, "Sent"));
    const reply = make("div", { class: "call-reply" }, make("h4", {}, "Reply"), make("p", { class: "hint" }, "waiting…"));
    const schema = make("details", { class: "call-schema", open: "" }, make("summary", {}, "Response schema"), make("pre", {}, JSON.stringify(inline(declared?.response), null, 2)));
    const outcome = make("p", { class: "call-outcome", role: "status" });
    item.append(make("h4", { class: "call-title" }, make("code", {}, action)), sent, make("div", { class: "reply-grid" }, reply, schema), outcome);
    ui.calls.prepend(item);
    return { item, sent, reply, outcome };
}
/** Shows the sent frame at once, then the reply frame the tap matched, and the call's outcome. */
async function showOutcome(card, wire, call) {
    const sent = wire.lastSent;
    if (sent !== null) {
        card.item.dataset["request"] = String(sent.n);
        card.sent.append(make("p", { class: "hint" }, `request #${sent.n}`), make("pre", { class: "frame-text" }, sent.frame.text));
    }
    let failure = null;
    try {
        await call;
    }
    catch (error) {
        failure = error;
    }
    const frame = sent === null ? null : await Promise.race([sent.answer, Promise.resolve(null)]);
    if (frame !== null) {
        card.item.dataset["status"] = statusClass(frame.status);
        card.reply.replaceChildren(make("h4", {}, "Reply ", make("span", { class: `badge status-${statusClass(frame.status)}` }, String(frame.status ?? "?"))));
        const note = schemaNote(frame);
        if (note !== null)
            card.reply.append(make("p", {}, note));
        card.reply.append(make("pre", { class: "frame-text" }, frame.text));
    }
    else {
        card.item.dataset["status"] = "none";
        card.reply.replaceChildren(make("h4", {}, "Reply"), make("p", { class: "hint" }, "none"));
    }
    if (failure instanceof ApiError) {
        card.outcome.textContent = failure.message;
        if (failure.status === 400)
            showFieldErrors(failure.errors);
        else
            showFieldErrors(failure.errors.filter((e) => typeof e !== "string"));
        if (failure.status !== 400)
            ui.generalErrors.textContent = failure.messages().join(" ") || failure.message;
    }
    else if (failure !== null) {
        card.outcome.textContent = failure instanceof Error ? failure.message : String(failure);
        card.item.dataset["status"] = frame === null ? "failed" : card.item.dataset["status"] ?? "failed";
    }
    else {
        card.outcome.textContent = "";
    }
}
async function send() {
    if (current === null)
        return;
    const { place, action } = current;
    clearErrors();
    let parsed;
    try {
        parsed = JSON.parse(ui.argsJson.value === "" ? "{}" : ui.argsJson.value);
    }
    catch (error) {
        ui.argsJsonError.textContent = `Not JSON: ${error instanceof Error ? error.message : String(error)}`;
        ui.argsJson.setAttribute("aria-invalid", "true");
        ui.argsJson.focus();
        return;
    }
    if (!isRecord(parsed)) {
        ui.argsJsonError.textContent = "The arguments must be a JSON object.";
        ui.argsJson.setAttribute("aria-invalid", "true");
        ui.argsJson.focus();
        return;
    }
    args = parsed;
    const wire = wireFor(place);
    let connection;
    try {
        connection = await connect(wire);
        await connection.waitForStatus((s) => s.state === "connected" || s.state === "closed");
    }
    catch (error) {
        ui.generalErrors.textContent = error instanceof Error ? error.message : String(error);
        return;
    }
    const card = callCard(action.name, action);
    wire.lastSent = null;
    let call;
    try {
        if (place.dialect === "rfc") {
            const route = buildRoute(place);
            if (route.error !== null) {
                ui.routeError.textContent = route.error;
                card.item.remove();
                return;
            }
            call = connection.rfcEndpoint().request(route, action.name, args).then(throwUnlessOk);
        }
        else {
            const endpoint = connection.endpoint(place.stream);
            const pushes = action.pushes ?? [];
            if (pushes.length > 0 && action.unsubscribe !== undefined) {
                call = endpoint.subscribe(action.name, action.unsubscribe, pushes, args).then((subscription) => {
                    const sub = wire.subs.get(keyOf(place.stream, subscription.requestId));
                    if (sub !== undefined)
                        sub.handle = subscription;
                    renderSubs();
                });
            }
            else {
                call = endpoint.request(action.name, args).then(throwUnlessOk);
            }
        }
    }
    catch (error) {
        call = Promise.reject(error instanceof ChanrestError ? error : new ChanrestError(String(error), action.name));
    }
    await showOutcome(card, wire, call);
}
function throwUnlessOk(reply) {
    if (reply.status < 200 || reply.status >= 300)
        throw new ApiError(reply.action, reply.status, reply.errors);
    return reply;
}
// ---------------------------------------------------------------------------------------------
// Start.
function wireEvents() {
    ui.call.addEventListener("submit", (event) => {
        event.preventDefault();
        void send();
    });
    ui.call.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void send();
        }
    });
    ui.argsJson.addEventListener("input", () => {
        try {
            const parsed = JSON.parse(ui.argsJson.value);
            if (!isRecord(parsed))
                throw new Error("the arguments must be a JSON object");
            for (const leaf of leaves) {
                if (!sameJson(getPath(args, leaf.path), getPath(parsed, leaf.path)))
                    clearFieldError(leaf);
            }
            args = parsed;
            ui.argsJsonError.textContent = "";
            ui.argsJson.removeAttribute("aria-invalid");
            fillForm();
            saveState();
        }
        catch (error) {
            ui.argsJsonError.textContent = `Not sent until fixed: ${error instanceof Error ? error.message : String(error)}`;
            ui.argsJson.setAttribute("aria-invalid", "true");
        }
    });
    ui.routeQuery.addEventListener("input", () => {
        showRoute();
        saveState();
    });
    ui.filter.addEventListener("input", applyFilter);
    document.addEventListener("keydown", (event) => {
        const target = event.target;
        const typing = target !== null && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
        if (event.key === "/" && !typing) {
            event.preventDefault();
            ui.filter.focus();
        }
    });
    ui.consumers.addEventListener("click", (event) => {
        const link = event.target.closest("a[data-action]");
        if (link !== null) {
            // Following the link changes the hash; move the focus to the form for keyboard users.
            setTimeout(() => ui.detail.focus(), 0);
        }
    });
    window.addEventListener("hashchange", selectFromUrl);
    ui.token.value = token();
    ui.tokenMode.value = tokenMode();
    ui.tokenHelp.textContent = `Sent as ?${config.token.query}= or the ${config.token.cookie} cookie, as the app's authenticator reads it. Kept in this tab only, never in links.`;
    ui.auth.addEventListener("submit", (event) => {
        event.preventDefault();
        sessionStorage.setItem("chanrest-explorer-token", ui.token.value);
        sessionStorage.setItem("chanrest-explorer-token-mode", ui.tokenMode.value);
        const cookie = encodeURIComponent(config.token.cookie);
        document.cookie = ui.tokenMode.value === "cookie" && ui.token.value !== ""
            ? `${cookie}=${encodeURIComponent(ui.token.value)}; path=/; SameSite=Strict`
            : `${cookie}=; path=/; max-age=0; SameSite=Strict`;
        void resetWires().then(() => {
            if (current !== null)
                select(current.place, current.action, new URLSearchParams(location.hash.slice(1)));
        });
    });
}
async function main() {
    const configReply = await fetch("config.json");
    if (configReply.ok)
        config = (await configReply.json());
    const reply = await fetch(config.manifest);
    if (!reply.ok)
        throw new Error(`${config.manifest}: HTTP ${reply.status}`);
    const loaded = (await reply.json());
    if (!isRecord(loaded) || !Array.isArray(loaded["consumers"]))
        throw new Error(`${config.manifest} is not a chanrest manifest`);
    manifest = loaded;
    ui.title.textContent = manifest.title ?? "API";
    ui.version.textContent = manifest.version ?? "";
    document.title = `${manifest.title ?? "API"} explorer`;
    buildPlaces();
    renderNav();
    wireEvents();
    selectFromUrl();
    document.body.dataset["loaded"] = "true";
}
main().catch((error) => {
    ui.loadError.textContent = `The explorer could not start: ${error instanceof Error ? error.message : String(error)}`;
});
