#!/usr/bin/env bash
# The project's test command (README.md). Installs the system packages the build needs
# (scripts/setup-system.sh), then builds and runs the whole default test suite:
# unit and property tests next to the code, end-to-end tests under tests/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh
cargo test --locked "$@"
