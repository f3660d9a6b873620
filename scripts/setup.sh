#!/usr/bin/env bash
# Install whatever is missing to build and test orderseal, and nothing else.
#
#   bash scripts/setup.sh            Rust target, wasm-pack, wasm-bindgen-cli, npm deps
#   bash scripts/setup.sh --browser  the same, plus Debian's chromium + chromium-driver
#   bash scripts/setup.sh --bench    the same, plus twiggy (`npm run bench` passes both)
#
# Idempotent and quick when everything is there: it compares versions and
# installs only what is absent or wrong, one line per install saying why.
# Needs: rustup + cargo, node + npm. start.sh, build.sh and test.sh call it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

want_browser=0
want_bench=0
for arg in "$@"; do
    case "$arg" in
    --browser) want_browser=1 ;;
    --bench) want_bench=1 ;;
    *) die "setup.sh: unknown argument '$arg' (expected --browser or --bench)" ;;
    esac
done

for tool in rustup cargo node npm; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not on PATH; install it first (see README.md)"
done

installed=0
installing() {
    say "setup: installing $1 ($2)"
    installed=$((installed + 1))
}

# --- Rust: the wasm target and the components `npm test` runs -------------
if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
    installing "Rust target $WASM_TARGET" "needed to compile the crate to WebAssembly"
    rustup target add "$WASM_TARGET"
fi
components="$(rustup component list --installed)"
for component in rustfmt clippy; do
    if ! grep -q "^$component" <<<"$components"; then
        installing "rustup component $component" "npm test runs cargo $component"
        rustup component add "$component"
    fi
done

# --- wasm-bindgen-cli: exactly the version Cargo.lock pins ----------------
# wasm-bindgen refuses to process a module built by another version. If no
# matching wasm-bindgen is on PATH, wasm-pack tries to download its own copy,
# which cannot work here, so we always provide ours.
bindgen_version="$(required_wasm_bindgen_version)"
have_bindgen="$(tool_version wasm-bindgen)"
have_runner="$(tool_version wasm-bindgen-test-runner)"
if [ "$have_bindgen" != "$bindgen_version" ] || [ "$have_runner" != "$bindgen_version" ]; then
    installing "wasm-bindgen-cli $bindgen_version" \
        "Cargo.lock pins wasm-bindgen $bindgen_version; found '${have_bindgen:-none}'; takes ~2 min"
    # Not --locked: the CLI's own lock file does not build with current crates.
    cargo install wasm-bindgen-cli --version "$bindgen_version" --force --quiet
    [ "$(tool_version wasm-bindgen)" = "$bindgen_version" ] ||
        die "wasm-bindgen $bindgen_version was installed but another wasm-bindgen comes first on PATH: $(command -v wasm-bindgen)"
fi

# --- wasm-pack ------------------------------------------------------------
have_pack="$(tool_version wasm-pack)"
if [ "$have_pack" != "$WASM_PACK_VERSION" ]; then
    installing "wasm-pack $WASM_PACK_VERSION" "builds and tests the wasm package; found '${have_pack:-none}'; takes ~2 min"
    cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked --force --quiet
    [ "$(tool_version wasm-pack)" = "$WASM_PACK_VERSION" ] ||
        die "wasm-pack $WASM_PACK_VERSION was installed but another wasm-pack comes first on PATH: $(command -v wasm-pack)"
fi

# --- twiggy, for the bench's report of what the seal build's bytes are ----
if [ "$want_bench" -eq 1 ]; then
    have_twiggy="$(tool_version twiggy)"
    if [ "$have_twiggy" != "$TWIGGY_VERSION" ]; then
        installing "twiggy $TWIGGY_VERSION" "npm run bench reports what the seal build's bytes are; found '${have_twiggy:-none}'; takes ~1 min"
        cargo install twiggy --version "$TWIGGY_VERSION" --locked --force --quiet
    fi
fi

# --- npm dev dependencies (binaryen's wasm-opt, Playwright) ---------------
# A stamp of package-lock.json's hash tells whether node_modules matches it.
stamp="node_modules/.orderseal-lock.sha256"
lock_hash="$(sha256sum package-lock.json | awk '{ print $1 }')"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
    if [ -d node_modules ]; then
        why="node_modules does not match package-lock.json"
    else
        why="node_modules is missing"
    fi
    installing "npm dev dependencies (npm ci)" "$why"
    npm ci --no-audit --no-fund --loglevel=error
    printf '%s\n' "$lock_hash" >"$stamp"
fi

# --- Chromium and ChromeDriver, for the browser tests only ----------------
if [ "$want_browser" -eq 1 ] && { [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; }; then
    installing "Debian packages chromium and chromium-driver" \
        "browser tests need $CHROMIUM and $CHROMEDRIVER"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        chromium chromium-driver fonts-liberation >/dev/null
    if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
        die "apt-get did not provide $CHROMIUM and $CHROMEDRIVER"
    fi
fi

if [ "$installed" -eq 0 ]; then
    say "setup: everything present (wasm-bindgen $bindgen_version, wasm-pack $WASM_PACK_VERSION, node_modules up to date)"
fi
