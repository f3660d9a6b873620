#!/usr/bin/env bash
# Run every check and test, in stages, and end with one line:
#
#   N passed, N failed
#
# N counts individual tests (cargo's and wasm-bindgen-test's `test result:`
# lines, node --test's TAP and Playwright's JSON reports); fmt and clippy
# count as one check each.
# A stage that fails without a failing test (it did not compile, say) counts
# as one failure. Later stages run even after a failure, so one run shows
# everything; the exit code is non-zero if anything failed.
#
# Stages: setup, fmt, clippy, clippy (wasm32), cargo test, wasm (Node),
# wasm (Chromium), then `npm run build`, its size budget, and the tests of
# what it built:
# tests/node/ (node --test) and tests/browser/ (Playwright), when present.
# Logs: target/test-logs/<stage>.log
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT" || exit 1

logs="$ROOT/target/test-logs"
rm -rf "$logs"
mkdir -p "$logs"

# A hung browser or driver must not eat CI's 90 minutes.
STAGE_TIMEOUT="${STAGE_TIMEOUT:-1800}"

total_passed=0
total_failed=0
summary=()

strip_ansi() { sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g'; }

# Sum the `test result: ok. X passed; Y failed` lines of a log (libtest's and
# wasm-bindgen-test's format). Prints "passed failed".
count_cargo() {
    strip_ansi <"$1" | awk '
        match($0, /test result: (ok|FAILED)\. [0-9]+ passed; [0-9]+ failed/) {
            line = substr($0, RSTART, RLENGTH)
            split(line, w, " ")
            p += w[4]; f += w[6]
        }
        END { print p + 0, f + 0 }
    '
}

# Playwright's JSON report: expected (and flaky) tests passed, unexpected failed.
count_playwright() {
    node -e '
        const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const s = r.stats || {};
        console.log(((s.expected || 0) + (s.flaky || 0)) + " " + (s.unexpected || 0));
    ' "$1" 2>/dev/null || echo "0 0"
}

# run_stage NAME KIND COMMAND...
#   KIND: cargo      count test result lines
#         check      one check: 1 passed or 1 failed
#         step       counts only if it fails (setup, build)
#         playwright count from the JSON report
#         node       count from node --test's TAP report
run_stage() {
    local name="$1" kind="$2"
    shift 2
    local log="$logs/${name//[^a-zA-Z0-9]/-}.log"
    local start rc passed=0 failed=0
    say ""
    say "==> $name: $*"
    start=$(now)
    timeout -k 30 "$STAGE_TIMEOUT" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    [ "$rc" -eq 124 ] && say "==> $name: timed out after ${STAGE_TIMEOUT}s"
    case "$kind" in
    cargo) read -r passed failed < <(count_cargo "$log") ;;
    playwright) read -r passed failed < <(count_playwright "$logs/playwright.json") ;;
    node) read -r passed failed < <(count_node "$logs/node.tap") ;;
    check) if [ "$rc" -eq 0 ]; then passed=1; else failed=1; fi ;;
    step) ;;
    esac
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failed=1
    fi
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    local status="ok"
    [ "$rc" -eq 0 ] || status="FAILED (exit $rc)"
    summary+=("$(printf '  %-15s %-18s %5d passed %4d failed %5ss' "$name" "$status" "$passed" "$failed" "$(($(now) - start))")")
    return 0
}

run_stage "setup" step bash scripts/setup.sh --browser
export ORDERSEAL_SETUP_DONE=1

run_stage "fmt" check cargo fmt --all -- --check
run_stage "clippy" check cargo clippy --workspace --all-targets -- -D warnings
# src/wasm.rs only exists for wasm32, so native clippy never reads it.
run_stage "clippy-wasm32" check cargo clippy -p orderseal --target "$WASM_TARGET" --lib --tests -- -D warnings
# The seal build (no `full` feature) compiles other bindings: lint it too,
# with getrandom's `custom` backend as build.sh builds it (its own target
# directory: other RUSTFLAGS would rebuild the others' dependencies).
run_stage "clippy-wasm32-seal" check env CARGO_TARGET_DIR="$ROOT/target/seal-clippy" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS='--cfg getrandom_backend="custom"' \
    cargo clippy -p orderseal --target "$WASM_TARGET" --lib --no-default-features -- -D warnings
run_stage "cargo-test" cargo cargo test --workspace --no-fail-fast

# The wasm tests, as `wasm-pack test --node` and `wasm-pack test --headless
# --chrome` run them (the same cargo command, runner and variables), but
# called directly so that --no-fail-fast works: wasm-pack hands extra options
# to `cargo build` too, which rejects it. setup.sh put the wasm-bindgen-test-
# runner matching Cargo.lock on PATH, so nothing is downloaded. --lib --tests
# leaves out doctests: they hold no #[wasm_bindgen_test] and run natively.
wasm_test=(env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
    cargo test -p orderseal --target "$WASM_TARGET" --lib --tests --no-fail-fast)
run_stage "wasm-node" cargo env WASM_BINDGEN_TEST_ONLY_NODE=1 "${wasm_test[@]}"
# Every wasm test also runs in the browser (WASM_BINDGEN_USE_BROWSER), headless
# through Debian's chromedriver; webdriver.json holds Chromium's flags.
run_stage "wasm-chromium" cargo env WASM_BINDGEN_TEST_ONLY_WEB=1 WASM_BINDGEN_USE_BROWSER=1 \
    CHROMEDRIVER="$CHROMEDRIVER" WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/webdriver.json" \
    "${wasm_test[@]}"

# Node's test runner: `TAP` to a file for counting, `spec` on the console.
count_node() {
    awk '/^# pass / { p = $3 } /^# fail / { f = $3 } END { print p + 0, f + 0 }' "$1" 2>/dev/null || echo "0 0"
}

# The package and page tests need `npm run build` first: pkg/, target/site,
# and target/release/orderseal.
specs="$(find tests/browser -type f \( -name '*.spec.*' -o -name '*.test.*' \) 2>/dev/null | head -n 1)"
node_tests="$(find tests/node -type f -name '*.test.*' 2>/dev/null | head -n 1)"
if [ -n "$specs" ] || [ -n "$node_tests" ]; then
    run_stage "build" step bash scripts/build.sh
fi
if [ -n "$specs" ] || [ -n "$node_tests" ]; then
    # The size budget of what a form page downloads (scripts/size.mjs).
    run_stage "size-budget" check node scripts/size.mjs
fi
if [ -n "$node_tests" ]; then
    run_stage "node-test" node env node --test --test-reporter=spec --test-reporter-destination=stdout \
        --test-reporter=tap --test-reporter-destination="$logs/node.tap" tests/node/
else
    say ""
    say "==> node-test: skipped, no test files under tests/node/"
fi
# Its own output folder: Playwright empties the one it uses at start, which
# would break another run going on in test-results/ (traces of failures).
if [ -n "$specs" ]; then
    run_stage "playwright" playwright env \
        PLAYWRIGHT_JSON_OUTPUT_NAME="$logs/playwright.json" \
        PLAYWRIGHT_JSON_OUTPUT_FILE="$logs/playwright.json" \
        "$ROOT/node_modules/.bin/playwright" test --reporter=line,json \
        --output "$logs/playwright-results"
else
    say ""
    say "==> playwright: skipped, no spec files under tests/browser/"
fi

say ""
say "==> summary (logs in target/test-logs/)"
for line in "${summary[@]}"; do
    say "$line"
done
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
