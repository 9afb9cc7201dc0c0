//! Route patterns of rest-framework-channels' dialect, in Django's `path()` syntax: literal
//! text and `<name>` / `<conv:name>` parameters, with the converters `str` (default: no `/`),
//! `int` (digits, passed on as a JSON number), `slug` (`[-a-zA-Z0-9_]+`) and `path`
//! (anything). Regular expressions (`re_path`) are not supported. How a routed consumer uses
//! them is described on [`crate::RoutedConsumer`].
use serde_json::{json, Value};

/// A route parameter's converter (Django's path converters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Converter {
    /// Any non-empty text without `/` (the default).
    Str,
    /// Digits; passed on as a JSON number.
    Int,
    /// ASCII letters, digits, `-` and `_`.
    Slug,
    /// Any non-empty text, `/` included.
    Path,
}

impl Converter {
    fn accepts(self, c: char) -> bool {
        match self {
            Converter::Str => c != '/',
            Converter::Int => c.is_ascii_digit(),
            Converter::Slug => c.is_ascii_alphanumeric() || c == '-' || c == '_',
            Converter::Path => true,
        }
    }

    /// The JSON Schema of the parameter's value.
    pub fn schema(self) -> Value {
        match self {
            Converter::Int => json!({"type": "integer", "minimum": 0}),
            _ => json!({"type": "string"}),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(String),
    Param { name: String, converter: Converter },
}

/// One piece of a [`RoutePattern`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutePart<'a> {
    /// Text matched as is.
    Literal(&'a str),
    /// A parameter and its converter.
    Param {
        /// The parameter's name (the argument it becomes).
        name: &'a str,
        /// The text it accepts.
        converter: Converter,
    },
}

/// A parsed route pattern such as `todos/<int:pk>/`.
///
/// ```
/// use chanrest::protocol::RoutePattern;
/// let pattern = RoutePattern::parse("todos/<int:pk>/").unwrap();
/// let (params, rest) = pattern.match_prefix("todos/7/comments/").unwrap();
/// assert_eq!(params, vec![("pk".to_owned(), serde_json::json!(7))]);
/// assert_eq!(rest, "comments/");
/// assert!(pattern.match_prefix("todos/x/").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutePattern {
    source: String,
    tokens: Vec<Token>,
}

impl RoutePattern {
    /// Parses `pattern`; the error says what is wrong with it.
    pub fn parse(pattern: &str) -> Result<Self, String> {
        let mut tokens = Vec::new();
        let mut rest = pattern;
        while !rest.is_empty() {
            match rest.find('<') {
                Some(0) => {
                    let end = rest
                        .find('>')
                        .ok_or_else(|| format!("unclosed `<` in route pattern {pattern:?}"))?;
                    let inner = &rest[1..end];
                    let (converter, name) = match inner.split_once(':') {
                        None => (Converter::Str, inner),
                        Some(("str", name)) => (Converter::Str, name),
                        Some(("int", name)) => (Converter::Int, name),
                        Some(("slug", name)) => (Converter::Slug, name),
                        Some(("path", name)) => (Converter::Path, name),
                        Some((other, _)) => {
                            return Err(format!(
                                "unknown converter `{other}` in route pattern {pattern:?}; use str, int, slug or path"
                            ))
                        }
                    };
                    let valid = name
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphabetic() || c == '_')
                        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
                    if !valid {
                        return Err(format!(
                            "bad parameter name `{name}` in route pattern {pattern:?}"
                        ));
                    }
                    if tokens
                        .iter()
                        .any(|t| matches!(t, Token::Param { name: n, .. } if n == name))
                    {
                        return Err(format!(
                            "parameter `{name}` appears twice in route pattern {pattern:?}"
                        ));
                    }
                    tokens.push(Token::Param {
                        name: name.to_owned(),
                        converter,
                    });
                    rest = &rest[end + 1..];
                }
                found => {
                    let end = found.unwrap_or(rest.len());
                    if rest[..end].contains('>') {
                        return Err(format!("stray `>` in route pattern {pattern:?}"));
                    }
                    tokens.push(Token::Literal(rest[..end].to_owned()));
                    rest = &rest[end..];
                }
            }
        }
        Ok(RoutePattern {
            source: pattern.to_owned(),
            tokens,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The pattern's pieces in order: literal text and parameters (what a client needs to
    /// build a route from typed parameters).
    ///
    /// ```
    /// use chanrest::protocol::{RoutePart, RoutePattern};
    /// let pattern = RoutePattern::parse("todos/<int:pk>/").unwrap();
    /// let parts: Vec<RoutePart> = pattern.parts().collect();
    /// assert_eq!(parts[0], RoutePart::Literal("todos/"));
    /// assert!(matches!(parts[1], RoutePart::Param { name: "pk", .. }));
    /// ```
    pub fn parts(&self) -> impl Iterator<Item = RoutePart<'_>> {
        self.tokens.iter().map(|t| match t {
            Token::Literal(text) => RoutePart::Literal(text),
            Token::Param { name, converter } => RoutePart::Param {
                name,
                converter: *converter,
            },
        })
    }

    /// The parameters, in order, with their converters.
    pub fn params(&self) -> impl Iterator<Item = (&str, Converter)> {
        self.tokens.iter().filter_map(|t| match t {
            Token::Param { name, converter } => Some((name.as_str(), *converter)),
            Token::Literal(_) => None,
        })
    }

    /// Matches the start of `path`: the parameters (`int` ones as numbers) and the
    /// unmatched remainder, or `None`.
    pub fn match_prefix<'a>(&self, path: &'a str) -> Option<(Vec<(String, Value)>, &'a str)> {
        let mut params = Vec::new();
        let used = match_tokens(&self.tokens, path, &mut params)?;
        Some((params, &path[used..]))
    }
}

/// Matches `tokens` against the start of `path`, parameters greedily with backtracking (as
/// the regular expression Django compiles would); returns the bytes used.
fn match_tokens(tokens: &[Token], path: &str, out: &mut Vec<(String, Value)>) -> Option<usize> {
    let Some((first, rest)) = tokens.split_first() else {
        return Some(0);
    };
    match first {
        Token::Literal(text) => {
            let after = path.strip_prefix(text.as_str())?;
            Some(text.len() + match_tokens(rest, after, out)?)
        }
        Token::Param { name, converter } => {
            let max = path
                .char_indices()
                .find(|(_, c)| !converter.accepts(*c))
                .map_or(path.len(), |(i, _)| i);
            for end in (1..=max).rev().filter(|e| path.is_char_boundary(*e)) {
                let text = &path[..end];
                let value = match converter {
                    Converter::Int => text
                        .parse::<u64>()
                        .map(Value::from)
                        .unwrap_or_else(|_| Value::from(text)),
                    _ => Value::from(text),
                };
                let mark = out.len();
                out.push((name.clone(), value));
                if let Some(used) = match_tokens(rest, &path[end..], out) {
                    return Some(end + used);
                }
                out.truncate(mark);
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(p: &str) -> RoutePattern {
        RoutePattern::parse(p).unwrap()
    }

    #[test]
    fn prefix_matching_leaves_the_rest() {
        let (params, rest) = pattern("todos/").match_prefix("todos/7/x").unwrap();
        assert!(params.is_empty());
        assert_eq!(rest, "7/x");
        assert!(pattern("todos/").match_prefix("todo/").is_none());
        assert_eq!(pattern("").match_prefix("any/").unwrap().1, "any/");
    }

    #[test]
    fn parameters_and_converters() {
        let (params, rest) = pattern("todos/<pk>/").match_prefix("todos/abc/").unwrap();
        assert_eq!(params, vec![("pk".to_owned(), json!("abc"))]);
        assert_eq!(rest, "");
        assert!(pattern("todos/<int:pk>/")
            .match_prefix("todos/abc/")
            .is_none());
        let (params, _) = pattern("f/<path:p>/end").match_prefix("f/a/b/end").unwrap();
        assert_eq!(params, vec![("p".to_owned(), json!("a/b"))]);
        let (params, _) = pattern("<slug:s>-<int:n>/")
            .match_prefix("my-post-12/")
            .unwrap();
        assert_eq!(
            params,
            vec![
                ("s".to_owned(), json!("my-post")),
                ("n".to_owned(), json!(12))
            ]
        );
        // `<pk>` needs at least one character.
        assert!(pattern("todos/<pk>/").match_prefix("todos//").is_none());
    }

    #[test]
    fn first_match_wins_in_declaration_order() {
        // As in RFC, `todos/` also matches the detail route: order the specific one first.
        let table = [pattern("todos/<pk>/"), pattern("todos/")];
        let first = |path: &str| table.iter().position(|p| p.match_prefix(path).is_some());
        assert_eq!(first("todos/3/"), Some(0));
        assert_eq!(first("todos/"), Some(1));
        assert_eq!(first("users/"), None);
        let reversed = [pattern("todos/"), pattern("todos/<pk>/")];
        assert_eq!(
            reversed
                .iter()
                .position(|p| p.match_prefix("todos/3/").is_some()),
            Some(0)
        );
    }

    #[test]
    fn nested_levels_merge_their_parameters() {
        let outer = pattern("users/<user>/");
        let inner = pattern("todos/<int:pk>/");
        let (mut params, rest) = outer.match_prefix("users/ada/todos/4/?x=1").unwrap();
        let (inner_params, rest) = inner.match_prefix(rest).unwrap();
        params.extend(inner_params);
        assert_eq!(
            params,
            vec![
                ("user".to_owned(), json!("ada")),
                ("pk".to_owned(), json!(4))
            ]
        );
        assert_eq!(rest, "?x=1");
    }

    #[test]
    fn malformed_patterns_are_refused() {
        for bad in ["a/<pk", "a/<x:pk>/", "a/<1pk>/", "<a>/<a>/", "a>/", "<>"] {
            assert!(RoutePattern::parse(bad).is_err(), "{bad}");
        }
    }
}
