#!/usr/bin/env bash
# Sets up everything (packages, Python peers), builds, and runs the whole test suite.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install-deps.sh" --python
"$root/scripts/build.sh" -DTRIT_TESTS=ON -DTRIT_PYTHON="$root/.venv/bin/python"
cd "${TRIT_BUILD_DIR:-$root/build}"
ctest --output-on-failure --parallel "$(nproc)" --timeout 600
