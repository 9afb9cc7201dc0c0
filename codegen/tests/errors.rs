//! A manifest the clients cannot express is an error that names the consumer, the action and
//! the field, never a silent "any" type.

use chanrest_codegen::{render_rust, render_typescript, Api, Error};
use serde_json::{json, Value};

/// A one-consumer manifest whose action `act` has `args` and `response`.
fn manifest(args: Value, response: Value, definitions: Value) -> String {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "format": 1,
        "title": "t",
        "version": "1",
        "consumers": [{
            "name": "Shop", "path": "/ws/", "dialect": "dcrf", "doc": "",
            "actions": [{"name": "act", "doc": "", "args": args, "response": response,
                         "status": 200, "detached": false, "pushes": []}],
            "pushes": []
        }],
        "multiplexers": [],
        "envelopes": {},
        "definitions": definitions
    })
    .to_string()
}

fn error(text: &str) -> Error {
    match Api::from_json(text) {
        Err(err) => err,
        Ok(api) => {
            // Also fine if a renderer refuses it, but one of them must.
            let rust = render_rust(&api, &Default::default()).err();
            let ts = render_typescript(&api, &Default::default()).err();
            rust.or(ts).expect("the manifest was accepted")
        }
    }
}

#[test]
fn an_unsupported_keyword_names_action_and_field() {
    let err = error(&manifest(
        json!({"type": "object", "properties": {"filter": {"type": "object", "properties": {
            "name": {"not": {"const": ""}}
        }}}}),
        json!({"type": "null"}),
        json!({}),
    ));
    assert_eq!(
        err.location,
        "consumer `Shop`, action `act`, arguments, field `filter.name`"
    );
    assert!(err.message.contains("`not`"), "{err}");
    assert!(
        err.to_string().starts_with("consumer `Shop`, action `act`"),
        "{err}"
    );
}

#[test]
fn a_problem_inside_a_definition_is_reported_where_it_is_used() {
    let err = error(&manifest(
        json!({"type": "object"}),
        json!({"type": "array", "items": {"$ref": "#/definitions/Row"}}),
        json!({"Row": {"type": "object", "properties": {"tags": {"patternProperties": {"^x": {}}}}}}),
    ));
    assert_eq!(
        err.location,
        "consumer `Shop`, action `act`, response, field `[].tags`"
    );
    assert!(err.message.contains("`patternProperties`"), "{err}");
}

#[test]
fn a_problem_in_an_unused_definition_names_the_definition() {
    let err = error(&manifest(
        json!({"type": "object"}),
        json!({"type": "null"}),
        json!({"Row": {"type": "object", "patternProperties": {"^x": {"type": "string"}}}}),
    ));
    assert_eq!(err.location, "definition `Row`");
    assert!(err.message.contains("`patternProperties`"), "{err}");
}

#[test]
fn a_dangling_reference_is_an_error_not_a_panic() {
    let err = error(&manifest(
        json!({"type": "object", "properties": {"row": {"$ref": "#/definitions/Missing"}}}),
        json!({"type": "null"}),
        json!({}),
    ));
    assert_eq!(
        err.location,
        "consumer `Shop`, action `act`, arguments, field `row`"
    );
    assert!(err.message.contains("#/definitions/Missing"), "{err}");
}

#[test]
fn arguments_must_be_an_object() {
    let err = error(&manifest(
        json!({"type": "integer"}),
        json!({"type": "null"}),
        json!({}),
    ));
    assert_eq!(err.location, "consumer `Shop`, action `act`, arguments");
    assert!(err.message.contains("must be a JSON object"), "{err}");
}

#[test]
fn arguments_cannot_use_the_envelope_keys() {
    let err = error(&manifest(
        json!({"type": "object", "properties": {"request_id": {"type": "integer"}}}),
        json!({"type": "null"}),
        json!({}),
    ));
    assert_eq!(
        err.location,
        "consumer `Shop`, action `act`, arguments, field `request_id`"
    );
}

#[test]
fn an_unknown_type_name_is_an_error() {
    let err = error(&manifest(
        json!({"type": "object"}),
        json!({"type": "date"}),
        json!({}),
    ));
    assert_eq!(err.location, "consumer `Shop`, action `act`, response");
}

#[test]
fn inconsistent_manifests_are_refused() {
    let mut base: Value = serde_json::from_str(&manifest(
        json!({"type": "object"}),
        json!({"type": "null"}),
        json!({}),
    ))
    .unwrap();
    base["consumers"][0]["actions"][0]["pushes"] = json!(["gone"]);
    let err = error(&base.to_string());
    assert!(err.message.contains("push `gone`"), "{err}");

    base["consumers"][0]["actions"][0]["pushes"] = json!([]);
    base["consumers"][0]["actions"][0]["unsubscribe"] = json!("stop");
    let err = error(&base.to_string());
    assert!(err.message.contains("`stop`"), "{err}");

    base["consumers"][0]["actions"][0]
        .as_object_mut()
        .unwrap()
        .remove("unsubscribe");
    // A paged stream: its cancel action must exist, its kind be known, its response a page.
    base["consumers"][0]["actions"][0]["replies"] = json!({"kind": "pages", "cancel": "halt"});
    let err = error(&base.to_string());
    assert!(err.message.contains("cancel action `halt`"), "{err}");
    base["consumers"][0]["actions"][0]["replies"] = json!({"kind": "chunks", "cancel": "act"});
    let err = error(&base.to_string());
    assert!(err.message.contains("kind `chunks`"), "{err}");
    base["consumers"][0]["actions"][0]["replies"] = json!({"kind": "pages", "cancel": "act"});
    let err = error(&base.to_string());
    assert_eq!(err.location, "consumer `Shop`, action `act`, response");
    assert!(err.message.contains("`count`"), "{err}");
    base["consumers"][0]["actions"][0]
        .as_object_mut()
        .unwrap()
        .remove("replies");
    base["multiplexers"] =
        json!([{"path": "/m/", "streams": [{"stream": "s", "consumer": "Nobody"}]}]);
    let err = error(&base.to_string());
    assert_eq!(err.location, "multiplexer `/m/`");

    base["multiplexers"] = json!([]);
    base["format"] = json!(99);
    let err = error(&base.to_string());
    assert!(err.message.contains("format 99"), "{err}");

    let err = error("{\"not\": \"a manifest\"}");
    assert_eq!(err.location, "manifest");
}

#[test]
fn names_that_collide_after_conversion_are_refused() {
    let mut base: Value = serde_json::from_str(&manifest(
        json!({"type": "object"}),
        json!({"type": "null"}),
        json!({}),
    ))
    .unwrap();
    let action = base["consumers"][0]["actions"][0].clone();
    let mut twin = action.clone();
    twin["name"] = json!("Act");
    base["consumers"][0]["actions"] = json!([action, twin]);
    let err = error(&base.to_string());
    assert_eq!(err.location, "consumer `Shop`, action `Act`");
    assert!(err.message.contains("same as action `act`"), "{err}");
}

#[test]
fn a_definition_that_takes_a_generated_name_is_refused_in_typescript() {
    let text = manifest(
        json!({"type": "object"}),
        json!({"type": "null"}),
        json!({"ShopClient": {"type": "string"}}),
    );
    let api = Api::from_json(&text).unwrap();
    render_rust(&api, &Default::default()).expect("Rust keeps types in their own module");
    let err = render_typescript(&api, &Default::default()).unwrap_err();
    assert!(err.message.contains("`ShopClient`"), "{err}");
}

/// `base` with a routed consumer `Routed` at `/ws/rfc/` whose route `pattern` (with
/// `params`) leads to consumer `Child` (actions `child_actions`), both in the `rfc` dialect.
fn routed(base: &mut Value, pattern: &str, params: Value, child_actions: Value) {
    let root = json!({
        "name": "Routed", "path": "/ws/rfc/", "dialect": "rfc", "doc": "",
        "actions": [], "pushes": [],
        "routes": [{"pattern": pattern, "params": params, "consumer": "Child"}]
    });
    let child = json!({
        "name": "Child", "path": null, "dialect": "rfc", "doc": "",
        "actions": child_actions, "pushes": []
    });
    let consumers = base["consumers"].as_array_mut().unwrap();
    consumers.push(root);
    consumers.push(child);
}

fn action(name: &str, args: Value) -> Value {
    json!({"name": name, "doc": "", "args": args, "response": {"type": "null"},
           "status": 200, "detached": false, "pushes": []})
}

fn base() -> Value {
    serde_json::from_str(&manifest(
        json!({"type": "object"}),
        json!({"type": "null"}),
        json!({}),
    ))
    .unwrap()
}

#[test]
fn an_rfc_consumer_gets_a_client_and_no_multiplexer_stream() {
    let mut base = base();
    let pk = json!({"type": "integer"});
    routed(
        &mut base,
        "things/<int:pk>/",
        json!([{"name": "pk", "schema": pk}]),
        json!([action(
            "show",
            json!({"type": "object", "properties": {"pk": pk}, "required": ["pk"]})
        )]),
    );
    let api = Api::from_json(&base.to_string()).unwrap();
    assert!(api.skipped.is_empty(), "{:?}", api.skipped);
    let rust = render_rust(&api, &Default::default()).unwrap();
    let code = rust.get("src/api.rs").unwrap();
    assert!(code.contains("pub mod routed {"), "{code}");
    assert!(
        code.contains("pub fn things_pk(&self, pk: i64) -> super::child::Client"),
        "{code}"
    );
    // `pk` comes from the route: `show` takes no arguments.
    assert!(
        code.contains("pub async fn show(&self) -> Result<(), Error>"),
        "{code}"
    );
    let ts = render_typescript(&api, &Default::default()).unwrap();
    let code = ts.get("src/api.ts").unwrap();
    assert!(
        code.contains("thingsPk(pk: number): ChildClient {"),
        "{code}"
    );
    assert!(
        code.contains("show(options?: rt.CallOptions): Promise<null>"),
        "{code}"
    );

    // A multiplexer stream cannot lead to it.
    base["multiplexers"] =
        json!([{"path": "/m/", "streams": [{"stream": "r", "consumer": "Routed"}]}]);
    let err = error(&base.to_string());
    assert_eq!(err.location, "multiplexer `/m/`");
    assert!(err.message.contains("`rfc` dialect"), "{err}");
}

#[test]
fn bad_routes_are_refused() {
    let some_action = json!([action("show", json!({"type": "object"}))]);
    // The parameters the manifest lists are the pattern's.
    let mut manifest = base();
    routed(
        &mut manifest,
        "things/<pk>/",
        json!([]),
        some_action.clone(),
    );
    let err = error(&manifest.to_string());
    assert_eq!(err.location, "consumer `Routed`, route `things/<pk>/`");
    assert!(err.message.contains("the pattern has [\"pk\"]"), "{err}");
    // A malformed pattern.
    let mut manifest = base();
    routed(
        &mut manifest,
        "things/<x:pk>/",
        json!([]),
        some_action.clone(),
    );
    let err = error(&manifest.to_string());
    assert!(err.message.contains("unknown converter `x`"), "{err}");
    // A route to a consumer the manifest does not have.
    let mut manifest = base();
    routed(&mut manifest, "things/", json!([]), some_action.clone());
    manifest["consumers"][1]["routes"][0]["consumer"] = json!("Nobody");
    let err = error(&manifest.to_string());
    assert!(err.message.contains("`Nobody`"), "{err}");
    // ...or to one in the other dialect.
    manifest["consumers"][1]["routes"][0]["consumer"] = json!("Shop");
    let err = error(&manifest.to_string());
    assert!(
        err.message.contains("does not speak the `rfc` dialect"),
        "{err}"
    );
    // Routes that lead back.
    let mut manifest = base();
    routed(&mut manifest, "things/", json!([]), some_action.clone());
    manifest["consumers"][2]["routes"] =
        json!([{"pattern": "again/", "params": [], "consumer": "Child"}]);
    let err = error(&manifest.to_string());
    assert_eq!(err.location, "consumer `Child`, route `again/`");
    assert!(err.message.contains("cycle"), "{err}");
    // `route` is the envelope's in this dialect.
    let mut manifest = base();
    routed(
        &mut manifest,
        "things/",
        json!([]),
        json!([action(
            "show",
            json!({"type": "object", "properties": {"route": {"type": "string"}}})
        )]),
    );
    let err = error(&manifest.to_string());
    assert_eq!(
        err.location,
        "consumer `Child`, action `show`, arguments, field `route`"
    );
}
