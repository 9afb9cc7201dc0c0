//! What the TypeScript package ships besides its sources: each `src/X.ts` compiled into
//! `dist/X.js` (ES2022 modules, types stripped) and `dist/X.d.ts` (its declarations), by
//! [oxc] inside the generator. The package then installs with `npm install DIR` and no build
//! step, in Node and in a bundler, and generating it needs no Node.js or `tsc`.
//!
//! The declarations are *isolated* declarations (TypeScript's `isolatedDeclarations`: every
//! export carries its own type), which the generated sources are written to allow; the
//! package's `tsconfig.json` turns the same check on, so `tsc` holds them to it too.
//!
//! [oxc]: https://oxc.rs

use crate::output::Files;
use crate::Error;
use oxc::allocator::Allocator;
use oxc::codegen::Codegen;
use oxc::diagnostics::OxcDiagnostic;
use oxc::isolated_declarations::{IsolatedDeclarations, IsolatedDeclarationsOptions};
use oxc::parser::Parser;
use oxc::semantic::SemanticBuilder;
use oxc::span::SourceType;
use oxc::transformer::{TransformOptions, Transformer};
use std::path::Path;

/// The ECMAScript version of the JavaScript (the sources' `tsconfig.json` target).
const TARGET: &str = "es2022";

/// `files` with `dist/X.js` and `dist/X.d.ts` added for every `src/X.ts`.
pub(crate) fn with_javascript(files: Files) -> Result<Files, Error> {
    let mut compiled = Vec::new();
    for (path, source) in files.iter() {
        let Some(stem) = path
            .strip_prefix("src/")
            .and_then(|p| p.strip_suffix(".ts"))
            .filter(|p| !p.ends_with(".d"))
        else {
            continue;
        };
        let (js, dts) = compile(path, source)?;
        let header =
            format!("// Compiled by chanrest-codegen from {path}: do not edit, regenerate.\n");
        compiled.push((format!("dist/{stem}.js"), format!("{header}{js}")));
        compiled.push((format!("dist/{stem}.d.ts"), format!("{header}{dts}")));
    }
    let mut files = files;
    for (path, contents) in compiled {
        files.add(&path, contents);
    }
    Ok(files)
}

/// One module's JavaScript and declarations.
fn compile(path: &str, source: &str) -> Result<(String, String), Error> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::ts()).parse();
    if parsed.panicked || parsed.diagnostics.has_errors() {
        return Err(failure(path, "does not parse", &parsed.diagnostics));
    }
    let mut program = parsed.program;

    let declarations = IsolatedDeclarations::new(
        &allocator,
        IsolatedDeclarationsOptions {
            strip_internal: false,
        },
    )
    .build(&program);
    if declarations.diagnostics.has_errors() {
        return Err(failure(
            path,
            "has an export without its own type (isolated declarations)",
            &declarations.diagnostics,
        ));
    }
    let dts = Codegen::new().build(&declarations.program).code;

    let semantic = SemanticBuilder::new()
        .with_check_syntax_error(true)
        .build(&program);
    if semantic.diagnostics.has_errors() {
        return Err(failure(path, "is not valid", &semantic.diagnostics));
    }
    let scoping = semantic.semantic.into_scoping();
    let options = TransformOptions::from_target(TARGET).expect("a known target");
    let transformed = Transformer::new(&allocator, Path::new(path), &options)
        .build_with_scoping(scoping, &mut program);
    if transformed.diagnostics.has_errors() {
        return Err(failure(
            path,
            "cannot be compiled to JavaScript",
            &transformed.diagnostics,
        ));
    }
    let js = Codegen::new().build(&program).code;
    Ok((js, dts))
}

fn failure<'a>(
    path: &str,
    what: &str,
    diagnostics: impl IntoIterator<Item = &'a OxcDiagnostic>,
) -> Error {
    let details: Vec<String> = diagnostics.into_iter().map(|d| d.to_string()).collect();
    Error::new(path, format!("{what}: {}", details.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_types_and_keeps_declarations() {
        let source = "/** Adds. */\nexport function add(a: number, b: number): number {\n  return a + b;\n}\nexport interface P { x: number }\n";
        let (js, dts) = compile("src/m.ts", source).unwrap();
        assert!(js.contains("export function add(a, b) {"), "{js}");
        assert!(!js.contains("interface"), "{js}");
        assert!(js.contains("/** Adds. */"), "{js}");
        assert!(
            dts.contains("export declare function add(a: number, b: number): number;"),
            "{dts}"
        );
        assert!(dts.contains("export interface P"), "{dts}");
    }

    #[test]
    fn an_export_without_its_type_is_an_error() {
        let err = compile("src/m.ts", "export function f(a: number) { return a; }\n").unwrap_err();
        assert_eq!(err.location, "src/m.ts");
        assert!(err.message.contains("isolated declarations"), "{err}");
    }

    #[test]
    fn every_source_gets_its_javascript() {
        let mut files = Files::default();
        files.add("package.json", "{}".to_owned());
        files.add("src/a.ts", "export const A: number = 1;\n".to_owned());
        let files = with_javascript(files).unwrap();
        let names: Vec<&str> = files.iter().map(|(p, _)| p).collect();
        assert_eq!(
            names,
            ["package.json", "src/a.ts", "dist/a.js", "dist/a.d.ts"]
        );
        assert!(files
            .get("dist/a.js")
            .unwrap()
            .contains("export const A = 1;"));
    }
}
