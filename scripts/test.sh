#!/usr/bin/env bash
# The project's test command (README.md). Builds and runs the whole default test suite:
# unit and property tests next to the code, end-to-end tests under tests/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked "$@"
