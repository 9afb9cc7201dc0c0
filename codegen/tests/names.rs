//! Generated type names are stable: declaring another consumer does not rename the types of
//! the ones already there, though schemars numbers the manifest's definitions in the order it
//! meets them (`UpdateArgs`, `UpdateArgs2`, ...). The manifests here are built by chanrest
//! itself from real `model!` and consumer declarations, as a user's build script would.

use chanrest_codegen::{render_rust, render_typescript, Api};
use std::collections::BTreeMap;

mod todos {
    chanrest::model! {
        /// A todo item.
        pub model Todo in "todos" (write TodoWrite, patch TodoPatch, filter TodoFilter) {
            #[pk(auto)]
            id: i64,
            title: String [max_length = 200],
            #[query]
            done: bool = false,
        }
    }
    chanrest::model_consumer! {
        /// Todos.
        pub consumer Todos: TodosHandler for Todo {
            list, retrieve, create, update, patch, delete, subscribe_instance, subscribe_list
        }
    }
    chanrest::model_consumer! {
        /// Todos, a page at a time.
        pub consumer TodosPaged: TodosPagedHandler for Todo { paginated_list }
    }
    chanrest::consumer! {
        /// The routed todo API.
        #[dialect = rfc]
        pub consumer TodoApi: TodoApiHandler { action ping() -> String; }
    }
    chanrest::routed_model_consumer! {
        /// `todos/`.
        pub consumer TodoList: TodoListHandler for Todo { paginated_list, create }
    }
    chanrest::routed_model_consumer! {
        /// `todos/<pk>/`.
        pub consumer TodoDetail: TodoDetailHandler for Todo, pk i64 {
            retrieve, update, partial_update, destroy
        }
    }

    pub(crate) fn declare(builder: chanrest::ManifestBuilder) -> chanrest::ManifestBuilder {
        let routes = chanrest::Routes::new()
            .route::<TodoDetail>("todos/<pk>/")
            .route::<TodoList>("todos/");
        builder
            .consumer::<Todos>("/ws/todos/")
            .consumer::<TodosPaged>("/ws/todos-paged/")
            .routed::<TodoApi>("/ws/rfc/", &routes)
    }
}

mod notes {
    chanrest::model! {
        /// A note.
        pub model Note in "notes" (write NoteWrite, patch NotePatch, filter NoteFilter) {
            #[pk(auto)]
            id: i64,
            text: String,
            #[query]
            pinned: bool = false,
        }
    }
    chanrest::model_consumer! {
        /// Notes.
        pub consumer Notes: NotesHandler for Note {
            list, retrieve, create, update, patch, delete, subscribe_instance, subscribe_list
        }
    }
    chanrest::model_consumer! {
        /// Notes, a page at a time.
        pub consumer NotesPaged: NotesPagedHandler for Note { paginated_list }
    }
    chanrest::consumer! {
        /// The routed note API.
        #[dialect = rfc]
        pub consumer NoteApi: NoteApiHandler { action ping() -> String; }
    }
    chanrest::routed_model_consumer! {
        /// `notes/`.
        pub consumer NoteList: NoteListHandler for Note { paginated_list, create }
    }
    chanrest::routed_model_consumer! {
        /// `notes/<pk>/`.
        pub consumer NoteDetail: NoteDetailHandler for Note, pk i64 {
            retrieve, update, partial_update, destroy
        }
    }

    pub(crate) fn declare(builder: chanrest::ManifestBuilder) -> chanrest::ManifestBuilder {
        let routes = chanrest::Routes::new()
            .route::<NoteDetail>("notes/<pk>/")
            .route::<NoteList>("notes/");
        builder
            .consumer::<Notes>("/ws/notes/")
            .consumer::<NotesPaged>("/ws/notes-paged/")
            .routed::<NoteApi>("/ws/notes-rfc/", &routes)
    }
}

fn builder() -> chanrest::ManifestBuilder {
    chanrest::ManifestBuilder::new("names", "1")
}

/// The todo consumers alone.
fn todos_alone() -> chanrest::Manifest {
    todos::declare(builder()).build()
}

/// The note consumers declared first, then the same todo consumers.
fn notes_then_todos() -> chanrest::Manifest {
    todos::declare(notes::declare(builder())).build()
}

/// A file's top-level items by name (a type's `impl`s go with it), as token text.
fn rust_items(code: &str) -> BTreeMap<String, String> {
    let file = syn::parse_file(code).expect("generated Rust parses");
    let mut items: BTreeMap<String, String> = BTreeMap::new();
    for item in file.items {
        let name = match &item {
            syn::Item::Struct(s) => s.ident.to_string(),
            syn::Item::Enum(e) => e.ident.to_string(),
            syn::Item::Type(t) => t.ident.to_string(),
            syn::Item::Mod(m) => format!("mod {}", m.ident),
            syn::Item::Impl(i) => match &*i.self_ty {
                syn::Type::Path(path) => path
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default(),
                _ => continue,
            },
            _ => continue,
        };
        let tokens = quote::ToTokens::to_token_stream(&item).to_string();
        items.entry(name).or_default().push_str(&tokens);
    }
    items
}

/// A TypeScript module's top-level declarations (with their doc comments) by name.
fn ts_items(code: &str) -> BTreeMap<String, String> {
    let mut items = BTreeMap::new();
    // The declaration being read: its doc comment, then its text once its name is known.
    let mut current = String::new();
    let mut name: Option<String> = None;
    let mut in_doc = false;
    for line in code.lines() {
        let export = ["export interface ", "export type ", "export class "]
            .iter()
            .find_map(|p| line.strip_prefix(p));
        if line.starts_with("/**") || (export.is_some() && !in_doc) {
            // A declaration starts (with its doc comment, or without one).
            if let Some(done) = name.take() {
                items.insert(done, std::mem::take(&mut current));
            }
            current.clear();
            in_doc = line.starts_with("/**");
        }
        if let Some(rest) = export {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            name = Some(rest[..end].to_owned());
            in_doc = false;
        }
        current.push_str(line);
        current.push('\n');
    }
    if let Some(done) = name {
        items.insert(done, current);
    }
    items
}

/// Every item of `before` is in `after`, unchanged.
fn assert_kept(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>, what: &str) {
    for (name, item) in before {
        match after.get(name) {
            None => panic!("{what}: `{name}` is gone after declaring another consumer first"),
            Some(other) => assert_eq!(
                item, other,
                "{what}: `{name}` changed after declaring another consumer first"
            ),
        }
    }
}

#[test]
fn the_manifests_do_number_the_generic_types() {
    // What the generator has to cope with: schemars' names depend on declaration order.
    let alone = todos_alone();
    let both = notes_then_todos();
    let numbered = |m: &chanrest::Manifest| -> Vec<String> {
        m.definitions
            .keys()
            .filter(|n| n.ends_with(|c: char| c.is_ascii_digit()))
            .cloned()
            .collect()
    };
    assert!(
        alone.definitions.contains_key("UpdateArgs2"),
        "{:?}",
        numbered(&alone)
    );
    assert!(
        both.definitions.contains_key("UpdateArgs4"),
        "{:?}",
        numbered(&both)
    );
    let patch = |m: &chanrest::Manifest| {
        let todos = m.consumers.iter().find(|c| c.name == "Todos").unwrap();
        todos
            .actions
            .iter()
            .find(|a| a.name == "patch")
            .unwrap()
            .args["$ref"]
            .clone()
    };
    assert_ne!(patch(&alone), patch(&both));
}

#[test]
fn declaring_a_consumer_first_renames_no_type_of_another() {
    let alone = Api::from_manifest(todos_alone()).unwrap();
    let both = Api::from_manifest(notes_then_todos()).unwrap();

    let rust_alone = render_rust(&alone, &Default::default()).unwrap();
    let rust_both = render_rust(&both, &Default::default()).unwrap();
    let types_alone = rust_items(rust_alone.get("src/types.rs").unwrap());
    let types_both = rust_items(rust_both.get("src/types.rs").unwrap());
    assert_kept(&types_alone, &types_both, "Rust types");
    let api_alone = rust_items(rust_alone.get("src/api.rs").unwrap());
    let api_both = rust_items(rust_both.get("src/api.rs").unwrap());
    assert_kept(&api_alone, &api_both, "Rust modules");
    // The names say what they are.
    for name in [
        "TodosPatchArgs",
        "TodosUpdateArgs",
        "TodosCreateArgs",
        "TodosListArgs",
        "TodosPagedListResponse",
        "TodoDetailPartialUpdateArgs",
        "TodoListListResponse",
        "Todo",
        "TodoWrite",
        "Lookup",
    ] {
        assert!(
            types_alone.contains_key(name),
            "no `{name}` in {:?}",
            types_alone.keys()
        );
    }
    for (name, _) in types_both.iter() {
        assert!(
            !name.ends_with(|c: char| c.is_ascii_digit()),
            "a numbered name: `{name}`"
        );
    }

    let ts_alone = render_typescript(&alone, &Default::default()).unwrap();
    let ts_both = render_typescript(&both, &Default::default()).unwrap();
    let items_alone = ts_items(ts_alone.get("src/api.ts").unwrap());
    let items_both = ts_items(ts_both.get("src/api.ts").unwrap());
    assert!(
        items_alone.contains_key("TodosPatchArgs"),
        "{:?}",
        items_alone.keys()
    );
    assert!(
        items_alone.contains_key("TodosClient"),
        "{:?}",
        items_alone.keys()
    );
    assert_kept(&items_alone, &items_both, "TypeScript declarations");
    for name in items_both.keys() {
        assert!(
            !name.ends_with(|c: char| c.is_ascii_digit()),
            "a numbered name: `{name}`"
        );
    }
}
