#!/usr/bin/env bash
# The README's "Your own API" quick start, followed from outside this workspace as a new user
# would: in a fresh temporary directory, a chanrest checkout (this one) beside a new crate made
# of the files of examples/quickstart/ (the README's snippets are those files:
# tests/readme_quickstart.rs). It
#   1. installs the generator: cargo install --locked --path chanrest/codegen (--root in the temp dir);
#   2. builds and starts the server (its own consumer, a model consumer, a plain warp route);
#   3. generates both clients from the running server's /manifest.json, and checks them
#      against the manifest the build script wrote ($OUT_DIR/manifest.json, and --crate .)
#      with --check;
#   4. installs the TypeScript package into a fresh Node project (npm install DIR) and runs a
#      script: an action, a typed error, a subscription push; and bundles it for browsers;
#   5. runs a program on the generated Rust client: an action, a typed error, a model action.
#
# Run by .ci/test; alone: bash tests/quickstart/outside.sh. CARGO_TARGET_DIR (default: the
# workspace's target/) is shared with the workspace so dependencies build once.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
quickstart="$root/examples/quickstart"

log() { echo "== quickstart: $*"; }
fail() {
  echo "quickstart: $*" >&2
  exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/chanrest-quickstart.XXXXXX")
case "$work/" in
  "$root"/*) fail "the temporary directory $work is inside the workspace" ;;
esac
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The layout of the README: chanrest's checkout and the new crates side by side.
ln -s "$root" "$work/chanrest"
cp -R "$quickstart/notes" "$quickstart/notes-cli" "$work/"
mkdir "$work/notes-js"
cp "$quickstart/notes-js/main.mjs" "$work/notes-js/"
# Start from the workspace's dependency versions (cargo drops what the crates do not use):
# the same versions as the workspace's tests, and compiled artifacts reused from its target.
cp "$root/Cargo.lock" "$work/notes/Cargo.lock"
cp "$root/Cargo.lock" "$work/notes-cli/Cargo.lock"

# The snippets are formatted as cargo fmt would (readers copy them).
rustfmt --edition 2021 --check "$work/notes/build.rs" "$work/notes/src/main.rs" \
  "$work/notes/src/api.rs" "$work/notes-cli/src/main.rs"

log "cargo install --locked --path chanrest/codegen"
start=$SECONDS
(cd "$work" && cargo install --quiet --locked --path chanrest/codegen --root "$work/tools")
export PATH="$work/tools/bin:$PATH"
command -v chanrest-codegen >/dev/null || fail "cargo install gave no chanrest-codegen binary"
echo "   installed in $((SECONDS - start)) s"

log "cargo build (the notes server)"
start=$SECONDS
# Where build.rs wrote the manifest ($OUT_DIR/manifest.json): cargo says in its JSON messages.
out_dir=$(cd "$work/notes" && cargo build --quiet --message-format=json \
  | grep '"reason":"build-script-executed"' | grep '/notes#' \
  | sed 's/.*"out_dir":"\([^"]*\)".*/\1/')
echo "   built in $((SECONDS - start)) s"
[ -f "$out_dir/manifest.json" ] || fail "build.rs wrote no \$OUT_DIR/manifest.json (OUT_DIR: $out_dir)"

log "starting the server"
server_log="$work/server.log"
"$CARGO_TARGET_DIR/debug/notes" 127.0.0.1:0 >"$server_log" 2>&1 &
server_pid=$!
addr=""
for _ in $(seq 1 100); do
  addr=$(sed -n 's|^notes listening on http://||p' "$server_log")
  [ -n "$addr" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "the server exited: $(cat "$server_log")"
  sleep 0.1
done
[ -n "$addr" ] || fail "the server did not say where it listens: $(cat "$server_log")"
host=${addr%:*}
port=${addr##*:}

http_get() {
  exec 3<>"/dev/tcp/$host/$port"
  printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$1" "$addr" >&3
  cat <&3
  exec 3<&-
}
health=$(http_get /health)
case "$health" in
  "HTTP/1.1 200 OK"*ok) ;;
  *) fail "GET /health (the plain warp route): $health" ;;
esac

log "chanrest-codegen --manifest http://$addr/manifest.json"
cd "$work/notes"
generated=$(chanrest-codegen --manifest "http://$addr/manifest.json" \
  --rust clients/rust --rust-crate notes-client \
  --runtime-path ../../../chanrest/codegen/runtime \
  --typescript clients/typescript --ts-package notes-client)
echo "$generated"
for line in \
  "Rust crate \`notes-client\` in clients/rust:" \
  "TypeScript package \`notes-client\` in clients/typescript:" \
  "  created clients/typescript/dist/index.js" \
  "  created clients/rust/Cargo.toml"; do
  grep -qF -- "$line" <<<"$generated" || fail "the generator did not print: $line"
done
# The served manifest is the one the build script wrote to $OUT_DIR/manifest.json, which is
# what --crate reads without a server: generating from either changes nothing (the README's
# CI command).
chanrest-codegen --manifest "$out_dir/manifest.json" --rust clients/rust --rust-crate notes-client \
  --runtime-path ../../../chanrest/codegen/runtime \
  --typescript clients/typescript --ts-package notes-client --check
chanrest-codegen --crate . --rust clients/rust --rust-crate notes-client \
  --runtime-path ../../../chanrest/codegen/runtime \
  --typescript clients/typescript --ts-package notes-client --check

log "npm install ./clients/typescript into a fresh Node project"
cd "$work/notes-js"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error ../notes/clients/typescript ws
[ -f node_modules/notes-client/dist/index.js ] || fail "the package has no dist/index.js"
output=$(node main.mjs "ws://$addr")
echo "$output"
expected='count: 3
blank: 400 [{"text":["Nothing to count."]}]
push: create buy milk true'
[ "$output" = "$expected" ] || fail "main.mjs printed the above, not:
$expected"

log "the same package in a browser bundle (esbuild, platform browser: no Node built-ins)"
npm install --no-audit --no-fund --loglevel=error esbuild
cat >browser.mjs <<'JS'
import { ApiError, WordsClient } from "notes-client";
globalThis.notes = { ApiError, WordsClient };
JS
npx esbuild browser.mjs --bundle --platform=browser --format=esm --outfile=bundle.js --log-level=warning
grep -q "WordsClient = class" bundle.js || fail "the browser bundle lacks the client"
node -e 'import("./bundle.js").then(() => process.exit(typeof globalThis.notes.WordsClient.connect === "function" ? 0 : 1))' \
  || fail "the browser bundle does not load"

log "the generated Rust client (notes-cli)"
cd "$work/notes-cli"
output=$(cargo run --quiet -- "ws://$addr")
echo "$output"
expected='count: 3
blank: 400 ["Nothing to count."]
created: call the bank (pinned: true)'
[ "$output" = "$expected" ] || fail "notes-cli printed the above, not:
$expected"

log "ok"
