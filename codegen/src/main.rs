//! `chanrest-codegen --manifest M [--rust DIR] [--typescript DIR] [--asyncapi DIR]
//! [--check]`: generates typed clients (and an AsyncAPI document) from a chanrest manifest.

use chanrest_codegen::{
    render_asyncapi, render_rust, render_typescript, Api, RustOptions, TypeScriptOptions,
};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: chanrest-codegen --manifest FILE [--rust DIR] [--typescript DIR] [--asyncapi DIR] [options]

Generates typed clients from a chanrest manifest (the JSON Schema document a chanrest build
script writes, also served by the server at /manifest.json).

  --manifest FILE        the manifest (`-` reads standard input)
  --rust DIR             write the Rust client crate into DIR
  --typescript DIR       write the TypeScript client package into DIR
  --asyncapi DIR         write the AsyncAPI 3.0 document into DIR/asyncapi.json
  --rust-crate NAME      the Rust crate's name (default chanrest-client)
  --ts-package NAME      the TypeScript package's name (default chanrest-client)
  --check                write nothing; exit 1 if any generated file differs from DIR's
  -h, --help             this text";

struct Args {
    manifest: String,
    rust: Option<PathBuf>,
    typescript: Option<PathBuf>,
    asyncapi: Option<PathBuf>,
    rust_options: RustOptions,
    ts_options: TypeScriptOptions,
    check: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut manifest = None;
    let mut args = Args {
        manifest: String::new(),
        rust: None,
        typescript: None,
        asyncapi: None,
        rust_options: RustOptions::default(),
        ts_options: TypeScriptOptions::default(),
        check: false,
    };
    let mut argv = std::env::args().skip(1);
    while let Some(arg) = argv.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| argv.next())
                .ok_or(format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--manifest" => manifest = Some(value()?),
            "--rust" => args.rust = Some(PathBuf::from(value()?)),
            "--typescript" => args.typescript = Some(PathBuf::from(value()?)),
            "--asyncapi" => args.asyncapi = Some(PathBuf::from(value()?)),
            "--rust-crate" => args.rust_options.crate_name = value()?,
            "--ts-package" => args.ts_options.package_name = value()?,
            "--check" => args.check = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    args.manifest = manifest.ok_or("--manifest is required")?;
    if args.rust.is_none() && args.typescript.is_none() && args.asyncapi.is_none() {
        return Err(
            "nothing to do: give --rust DIR, --typescript DIR and/or --asyncapi DIR".to_owned(),
        );
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("chanrest-codegen: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let text = if args.manifest == "-" {
        let mut text = String::new();
        if let Err(err) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
            eprintln!("chanrest-codegen: reading standard input: {err}");
            return ExitCode::FAILURE;
        }
        text
    } else {
        match std::fs::read_to_string(&args.manifest) {
            Ok(text) => text,
            Err(err) => {
                eprintln!("chanrest-codegen: reading {}: {err}", args.manifest);
                return ExitCode::FAILURE;
            }
        }
    };
    let api = match Api::from_json(&text) {
        Ok(api) => api,
        Err(err) => {
            eprintln!("chanrest-codegen: {}: {err}", args.manifest);
            return ExitCode::FAILURE;
        }
    };
    let mut outputs = Vec::new();
    if let Some(dir) = &args.rust {
        outputs.push((dir, render_rust(&api, &args.rust_options)));
    }
    if let Some(dir) = &args.typescript {
        outputs.push((dir, render_typescript(&api, &args.ts_options)));
    }
    if let Some(dir) = &args.asyncapi {
        outputs.push((dir, render_asyncapi(&api)));
    }
    let mut stale = 0;
    for (dir, files) in outputs {
        let files = match files {
            Ok(files) => files,
            Err(err) => {
                eprintln!("chanrest-codegen: {}: {err}", args.manifest);
                return ExitCode::FAILURE;
            }
        };
        if args.check {
            for file in files.stale(dir) {
                let what = if file.missing {
                    "missing"
                } else {
                    "out of date"
                };
                eprintln!("{}: {what}", file.path.display());
                stale += 1;
            }
        } else if let Err(err) = files.write_to(dir) {
            eprintln!("chanrest-codegen: writing {}: {err}", dir.display());
            return ExitCode::FAILURE;
        }
    }
    if stale > 0 {
        eprintln!(
            "chanrest-codegen: {stale} generated file(s) differ; run without --check to regenerate"
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
