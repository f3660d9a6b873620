#!/usr/bin/env bash
# `npm start`: install what is missing, build everything (release), then run
# the inbox server on http://127.0.0.1:8080 with its data under ./data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

bash scripts/setup.sh
export ORDERSEAL_SETUP_DONE=1
bash scripts/build.sh

bin="$ROOT/target/release/orderseal"

# ============================================================================
# The server invocation: the one place to change how `npm start` runs it.
# (Serve section, kept by the inbox-server work.)
#
# First run: a demo key pair in ./data/demo-key/ made by `orderseal keygen`,
# the private key encrypted with a random passphrase that is printed once,
# here, and stored nowhere. The server is given only public.pem: it never
# reads a private key. It prints the order page and back-office URLs, the
# key's fingerprint, and (first run) the back-office token. It serves
# target/site (SRI-stamped by build.sh) from this directory.
DATA=./data
DEMO_KEY="$DATA/demo-key"
if [ ! -f "$DEMO_KEY/public.pem" ] && "$bin" keygen --help >/dev/null 2>&1; then
    mkdir -p "$DATA"
    chmod 700 "$DATA"
    passphrase="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
    say ""
    say "start: making a demo key pair in $DEMO_KEY/"
    ORDERSEAL_PASSPHRASE="$passphrase" "$bin" keygen --out "$DEMO_KEY" >&2
    say ""
    say "  Demo private key: $DEMO_KEY/private.pem, encrypted with this passphrase,"
    say "  shown only this once (write it down to read the demo orders):"
    say ""
    say "    $passphrase"
    say ""
    say "  Read the orders:  curl -sH \"Authorization: Bearer \$(cat $DATA/token)\" \\"
    say "                      http://127.0.0.1:8080/api/orders > orders.jsonl"
    say "                    $bin decrypt --key $DEMO_KEY/private.pem orders.jsonl"
fi
SERVE=("$bin" serve --data "$DATA" --addr 127.0.0.1:8080 --public-key "$DEMO_KEY/public.pem")
# ============================================================================

# Start it only once `orderseal serve --help` succeeds and knows the flags
# used above.
serve_help="$("$bin" serve --help 2>/dev/null)" || serve_help=""
if grep -q -- '--data' <<<"$serve_help" && grep -q -- '--addr' <<<"$serve_help"; then
    say ""
    say "start: ${SERVE[*]}"
    exec "${SERVE[@]}"
fi

say ""
say "start: built everything; \`orderseal serve --data --addr\` does not exist yet, so no server was started."
say "What works now:"
say "  target/release/orderseal --help    the command line tool"
say "  pkg/ (web, bundler, node)          the npm package"
say "  npm test                           every check and test"
exit 0
