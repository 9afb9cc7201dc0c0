//! Identifiers in the generated languages.

/// `subscribe_instance` / `subscribe-instance` / `SubscribeInstance` → `["subscribe", "instance"]`.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `snake_case`; `None` when nothing usable remains.
pub(crate) fn snake(name: &str) -> Option<String> {
    let joined = words(name).join("_");
    let starts_ok = joined
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic());
    match joined.is_empty() {
        true => None,
        false if starts_ok => Some(joined),
        false => Some(format!("_{joined}")),
    }
}

/// `PascalCase`.
pub(crate) fn pascal(name: &str) -> Option<String> {
    let joined: String = words(name).iter().map(|w| capitalize(w)).collect();
    match joined.chars().next() {
        None => None,
        Some(c) if c.is_ascii_alphabetic() => Some(joined),
        Some(_) => Some(format!("_{joined}")),
    }
}

/// `camelCase`.
pub(crate) fn camel(name: &str) -> Option<String> {
    let words = words(name);
    let (first, rest) = words.split_first()?;
    let joined = first.clone() + &rest.iter().map(|w| capitalize(w)).collect::<String>();
    match joined.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => Some(joined),
        _ => Some(format!("_{joined}")),
    }
}

/// Rust keywords (strict and reserved, 2021 edition).
const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// A Rust identifier for `name` that is not a keyword and not in `reserved` (a trailing `_`
/// is added when it would be).
pub(crate) fn rust_ident(name: &str, reserved: &[&str]) -> String {
    if RUST_KEYWORDS.contains(&name) || reserved.contains(&name) {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

/// Words a TypeScript identifier in a declaration position cannot be.
const TS_RESERVED: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "implements",
    "interface",
    "let",
    "package",
    "private",
    "protected",
    "public",
    "static",
    "yield",
    "any",
    "boolean",
    "number",
    "string",
    "symbol",
    "unknown",
    "never",
    "object",
    "undefined",
    "await",
    "async",
    "type",
];

/// A TypeScript type or class name for `name` (a trailing `_` when reserved).
pub(crate) fn ts_type_ident(name: &str) -> String {
    if TS_RESERVED.contains(&name) {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

/// A TypeScript method name: member names may be keywords, but not the `reserved` ones.
pub(crate) fn ts_member(name: &str, reserved: &[&str]) -> String {
    if reserved.contains(&name) {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

/// True when `name` can be written unquoted as a TypeScript property name.
pub(crate) fn is_ts_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(snake("subscribe_instance").unwrap(), "subscribe_instance");
        assert_eq!(snake("SubscribeInstance").unwrap(), "subscribe_instance");
        assert_eq!(snake("list-cancel").unwrap(), "list_cancel");
        assert_eq!(snake("2fa").unwrap(), "_2fa");
        assert_eq!(snake("--"), None);
        assert_eq!(pascal("subscribe_instance").unwrap(), "SubscribeInstance");
        assert_eq!(pascal("Plain").unwrap(), "Plain");
        assert_eq!(camel("subscribe_instance").unwrap(), "subscribeInstance");
        assert_eq!(camel("echo").unwrap(), "echo");
        assert_eq!(rust_ident("type", &[]), "type_");
        assert_eq!(rust_ident("connect", &["connect"]), "connect_");
        assert_eq!(rust_ident("add", &["connect"]), "add");
        assert!(is_ts_identifier("a_b$1"));
        assert!(!is_ts_identifier("a-b"));
        assert!(!is_ts_identifier("1a"));
    }
}
