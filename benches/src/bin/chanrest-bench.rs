//! `chanrest-bench`: chanrest's `/ws/bench/` echo against a raw warp WebSocket echo server.
//! See `chanrest_bench::cli::USAGE` and BENCHMARKS.md at the workspace root.

fn main() -> std::process::ExitCode {
    chanrest_bench::cli::main()
}
