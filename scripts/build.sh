#!/usr/bin/env bash
# Build the release npm package into pkg/ and the native CLI into
# target/release/orderseal.
#
#   pkg/web/      wasm-pack --target web      (ES module, call init() first),
#                 and the seal build (orderseal_seal_bg.wasm: see below;
#                 its glue is js/seal.js), also as a module holding it
#                 (orderseal_seal_inline.js)
#   pkg/bundler/  wasm-pack --target bundler  (for webpack, Vite, Rollup...)
#   pkg/node/     wasm-pack --target nodejs   (CommonJS)
#   pkg/package.json  written by scripts/pkg-json.mjs
#   pkg/*         js/* copied over, once js/ exists
#   target/site/  www/ + pkg/ with Subresource Integrity (scripts/sri.mjs),
#                 what `orderseal serve` serves by default
#
# The wasm is built with the Cargo profile `wasm-release` (Cargo.toml), then
# optimised by node_modules/.bin/wasm-opt (npm `binaryen`): wasm-pack's own
# wasm-opt is off because it downloads binaryen, and Debian's is too old.
#
# Environment:
#   WASM_OPT_FLAGS   optimisation flags for wasm-opt (default below)
#   SEAL_WASM_OPT_FLAGS  the same for the seal build
#   WASM_OPT=0       skip wasm-opt (for a quick look; not for release)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# -Oz or -O3: to be decided by measurement (see README "Numbers").
# --one-caller-inline-max-function-size=200: binaryen otherwise inlines every
# function that has one caller, however large, and V8 compiles a function on
# its first call: the Sealer constructor was one 19 KB function (all the key
# formats), compiled whole for a JWK. Measured (levers in docs/BENCHMARKS.md):
# the seal build 0.7 KiB smaller gzipped and ready about 1 ms sooner.
WASM_OPT_FLAGS="${WASM_OPT_FLAGS:--Oz --one-caller-inline-max-function-size=200}"
# The seal build, what an order page downloads: one-caller inlining capped
# lower and small functions always inlined (30 and 5: 0.1 KB less gzipped
# than 50 and binaryen's 2, a sweep of 10-40 x 3-6 on 2026-12-06);
# --low-memory-unused, which lets binaryen fold constant offsets into loads
# and stores, sound here because Rust's wasm32 output puts its 1 MiB stack
# first (addresses 0 to 1 MiB, growing down) so that the low 1 KiB is only
# reached by a stack already about to overflow (0.1 KB less); and
# --converge, the passes again until it stops shrinking (0.3 KB less, a few
# seconds more). The full build, five times larger, built three times and
# sealing in pure Rust where it is used, keeps the flags above.
SEAL_WASM_OPT_FLAGS="${SEAL_WASM_OPT_FLAGS:--Oz --one-caller-inline-max-function-size=30 --always-inline-max-function-size=5 --low-memory-unused --converge}"
# What Rust 1.95's wasm32-unknown-unknown output uses by default. wasm-opt
# also reads them from the module's `target_features` section; stating them
# keeps it working if that section is ever missing (it then rejects a module
# that uses a feature it was not told about).
WASM_FEATURES=(
    --enable-bulk-memory
    --enable-nontrapping-float-to-int
    --enable-sign-ext
    --enable-mutable-globals
    --enable-reference-types
    --enable-multivalue
)
WASM_PROFILE="wasm-release"
# wasm-bindgen reads the `target_features` section to learn which features the
# module uses; `strip = true` removes it. wasm-opt strips names and producers
# afterwards instead (--strip-debug --strip-producers), and drops the
# `target_features` section, which only tools read (--strip-target-features).
# Cargo.toml does not strip the wasm-release profile: wasm-opt below does.
WASM_STRIP=(--strip-debug --strip-producers --strip-target-features)

if [ "${ORDERSEAL_SETUP_DONE:-0}" != 1 ]; then
    bash scripts/setup.sh
fi

# Build into a staging folder and swap it in at the end, so pkg/ is never
# half-written (the inbox server may be serving it).
stage="$ROOT/target/pkg-staging"
rm -rf "$stage"
mkdir -p "$stage"

# Panic locations in the wasm name source files: make them say /cargo/... and
# /orderseal/... rather than where this machine keeps them (what a published
# .wasm should not reveal, and what makes builds differ between machines).
# A crate's sources are /crates/<name>-<version>/... (the registry's folder
# name adds nothing but bytes: panic locations are in the seal build too).
remap="--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo --remap-path-prefix=$ROOT=/orderseal"
for registry in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
    [ -d "$registry" ] && remap="$remap --remap-path-prefix=${registry%/}=/crates"
done
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$remap"

# --- wasm: one wasm-pack build per target ---------------------------------
# --mode no-install: use the wasm-bindgen on PATH (setup.sh put the right
# one there) and never download anything.
for target in web bundler nodejs; do
    dir="$target"
    [ "$target" = nodejs ] && dir="node"
    say "build: wasm-pack --target $target -> pkg/$dir"
    wasm-pack --log-level warn build "$ROOT" \
        --mode no-install \
        --profile "$WASM_PROFILE" \
        --target "$target" \
        --out-dir "$stage/$dir" \
        --out-name orderseal
    # wasm-pack writes a .gitignore of `*` (which would also hide the files
    # from `npm pack`) and copies of README/LICENSE; the package has one of each.
    rm -f "$stage/$dir/.gitignore" "$stage/$dir/README.md" "$stage/$dir"/LICENSE*
done

# --- wasm: the seal build (web only) --------------------------------------
# The same crate without its `full` feature: what an order page loads where
# WebCrypto does the ECDH and AES-GCM (js/api.js chooses). Its own target
# directory, because its RUSTFLAGS differ: sha2's compact SHA-256 (a loop
# rather than 64 unrolled rounds: 6 KB less, and this build hashes a few
# hundred bytes per seal), and getrandom's `custom` backend, which calls
# the glue's crypto.getRandomValues (src/wasm/exports.rs). No wasm-bindgen:
# its exports are a C ABI, and its glue is js/seal.js.
say "build: cargo --no-default-features -> pkg/web/orderseal_seal_bg.wasm"
seal_target="$ROOT/target/seal"
CARGO_TARGET_DIR="$seal_target" \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS --cfg sha2_backend=\"soft\" --cfg sha2_backend_soft=\"compact\" --cfg getrandom_backend=\"custom\"" \
    cargo build --quiet --lib --target wasm32-unknown-unknown --profile "$WASM_PROFILE" --no-default-features
cp "$seal_target/wasm32-unknown-unknown/$WASM_PROFILE/orderseal.wasm" "$stage/web/orderseal_seal_bg.wasm"

# --- wasm-opt --------------------------------------------------------------
wasm_opt="$ROOT/node_modules/.bin/wasm-opt"
if [ "${WASM_OPT:-1}" != 0 ]; then
    [ -x "$wasm_opt" ] || die "$wasm_opt is missing; run: bash scripts/setup.sh"
    for wasm in "$stage"/*/orderseal*_bg.wasm; do
        flags="$WASM_OPT_FLAGS"
        [[ "$wasm" == */orderseal_seal_bg.wasm ]] && flags="$SEAL_WASM_OPT_FLAGS"
        read -ra opt_flags <<<"$flags"
        before=$(stat -c %s "$wasm")
        "$wasm_opt" "${opt_flags[@]}" "${WASM_FEATURES[@]}" "${WASM_STRIP[@]}" "$wasm" -o "$wasm.opt"
        mv "$wasm.opt" "$wasm"
        say "build: wasm-opt $flags ${wasm#"$stage/"}: $before -> $(stat -c %s "$wasm") bytes"
    done
else
    say "build: WASM_OPT=0, skipping wasm-opt"
fi

# --- the seal build inlined into a module (js/index.js imports it) ---------
node scripts/inline-wasm.mjs "$stage"

# --- JavaScript layer and package.json ------------------------------------
if [ -d js ]; then
    say "build: copying js/ into pkg/"
    cp -R js/. "$stage/"
fi
cp LICENSE-MIT LICENSE-APACHE "$stage/"
node scripts/pkg-json.mjs "$stage"

rm -rf "$ROOT/pkg"
mv "$stage" "$ROOT/pkg"

# --- native CLI ------------------------------------------------------------
say "build: cargo build --release -p orderseal-cli"
cargo build --release -p orderseal-cli

# === site: SRI-stamped pages for the inbox server (scripts/sri.mjs) ========
# (Block kept by the inbox-server work.) www/ + pkg/web -> target/site/, with
# integrity="sha384-..." on the page's module, every module it imports
# (modulepreload) and the .wasm; `orderseal serve` serves it by default.
say "build: node scripts/sri.mjs -> target/site"
node scripts/sri.mjs
# ===========================================================================

say "build: done"
for wasm in pkg/*/orderseal*_bg.wasm; do
    say "  $wasm  $(stat -c %s "$wasm") bytes, $(gzip -9c "$wasm" | wc -c) gzipped"
done
say "  target/release/orderseal  $(stat -c %s target/release/orderseal) bytes"
