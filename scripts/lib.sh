# shellcheck shell=bash disable=SC2034
# Shared helpers for scripts/*.sh. Source it; it does nothing by itself.
#
# Everything the project pins lives here, in one place:
#   WASM_PACK_VERSION   the wasm-pack we install with `cargo install --locked`
#   wasm-bindgen        no pin here: always the version Cargo.lock resolves,
#                       since the CLI must match the crate exactly
#   CHROMIUM, CHROMEDRIVER  Debian's packages; nothing is downloaded

# The repository root, whatever the caller's working directory.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

WASM_PACK_VERSION="0.15.1"
# twiggy, for `npm run bench` only (setup.sh --bench): what the seal build's bytes are.
TWIGGY_VERSION="0.8.0"
WASM_TARGET="wasm32-unknown-unknown"
CHROMIUM="/usr/bin/chromium"
CHROMEDRIVER="/usr/bin/chromedriver"
export CHROMEDRIVER

# Tools installed by `cargo install` land here; put them first so a stale copy
# elsewhere on PATH cannot win.
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
*":$CARGO_BIN:"*) ;;
*) PATH="$CARGO_BIN:$PATH" ;;
esac
export PATH

# npm packages must never fetch browsers: there is no route to their hosts,
# and we use Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

say() { printf '%s\n' "$*" >&2; }
die() {
    say "error: $*"
    exit 1
}

# The exact wasm-bindgen version Cargo.lock resolved. Reads the block that
# starts at `name = "wasm-bindgen"` and prints the next `version = "..."`.
# Prints nothing if the crate is not in the lock file.
wasm_bindgen_lock_version() {
    awk '
        /^\[\[package\]\]/ { inblock = 0 }
        /^name = "wasm-bindgen"$/ { inblock = 1; next }
        inblock && /^version = "/ {
            v = $0
            sub(/^version = "/, "", v)
            sub(/".*$/, "", v)
            print v
            exit
        }
    ' "$ROOT/Cargo.lock"
}

# Make sure Cargo.lock exists (it is committed; this only helps a checkout
# that lacks it) and print the wasm-bindgen version it pins.
required_wasm_bindgen_version() {
    if [ ! -f "$ROOT/Cargo.lock" ]; then
        say "setup: generating Cargo.lock (it is missing; commit it)"
        (cd "$ROOT" && cargo generate-lockfile --quiet) || die "cargo generate-lockfile failed"
    fi
    local v
    v="$(wasm_bindgen_lock_version)"
    [ -n "$v" ] || die "Cargo.lock has no wasm-bindgen package; is it a dependency in Cargo.toml?"
    printf '%s\n' "$v"
}

# `tool --version` prints "name 1.2.3"; print just the version, or nothing.
tool_version() {
    command -v "$1" >/dev/null 2>&1 || return 0
    "$1" --version 2>/dev/null | awk 'NR == 1 { print $2 }'
}

# Run as root, or through sudo when we are not root.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root for: $* (and sudo is not installed)"
    fi
}

# Seconds since the epoch, for stage timings.
now() { date +%s; }
