#!/usr/bin/env bash
# Load test of the inbox server on loopback: how many submissions per second
# it accepts (answered 201, durably committed) and their latency.
#
#   bash scripts/load.sh                 defaults below
#   DURATION=30s CONNECTIONS=64 ENVELOPES=500000 bash scripts/load.sh
#   REUSE=1 bash scripts/load.sh         keep the last run's envelopes
#
# 1. builds the release server and the example `seal_many`;
# 2. makes a key pair (`orderseal keygen`) and seals ENVELOPES orders to it
#    beforehand, so that the load generator only sends;
# 3. starts `orderseal serve` with a fresh data dir under target/load/;
# 4. runs wrk (Debian's; installed if missing) with scripts/load.lua, each
#    envelope sent once, and reports accepted/s and p50/p90/p99 latency;
# 5. exports the store and checks that every 201 is there.
#
# Server and wrk share the machine's cores, as on a single small host.
# Output: target/load/ (wrk.txt, server.log, the data dir).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# The server accepts ~26k/s here (2 cores, 32 connections): 10 s need
# ~260k envelopes, each sent once (a repeat is a cheap 200 and would
# flatter the numbers).
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
ENVELOPES="${ENVELOPES:-400000}"
PORT="${PORT:-18480}"

if ! command -v wrk >/dev/null 2>&1; then
    say "load: installing Debian's wrk"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

say "load: cargo build --release (orderseal, example seal_many)"
cargo build --release --quiet -p orderseal-cli --bin orderseal --example seal_many
bin="$ROOT/target/release/orderseal"

work="$ROOT/target/load"
mkdir -p "$work"
rm -rf "$work/data"
# REUSE=1: keep the keys and envelopes of the last run if there are enough.
if [ "${REUSE:-0}" = 1 ] && [ -f "$work/envelopes.jsonl" ] &&
    [ "$(wc -l <"$work/envelopes.jsonl")" -ge "$ENVELOPES" ]; then
    say "load: reusing $work/envelopes.jsonl"
else
    rm -rf "$work/keys" "$work/envelopes.jsonl"
    "$bin" keygen --out "$work/keys" --no-passphrase >/dev/null 2>&1
    say "load: sealing $ENVELOPES envelopes"
    start=$SECONDS
    target/release/examples/seal_many "$work/keys/public.pem" "$ENVELOPES" >"$work/envelopes.jsonl"
    say "load: sealed in $((SECONDS - start)) s, $(($(stat -c %s "$work/envelopes.jsonl") / ENVELOPES)) bytes each"
fi

RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$PORT" --data "$work/data" \
    --public-key "$work/keys/public.pem" --www "$ROOT/www" 2>"$work/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    grep -q "listening on" "$work/server.log" 2>/dev/null && break
    sleep 0.1
done
grep -q "listening on" "$work/server.log" || die "the server did not start: $(cat "$work/server.log")"

say "load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION (POST /api/orders, each envelope once)"
ENVELOPES="$work/envelopes.jsonl" WRK_THREADS="$THREADS" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/load.lua \
    "http://127.0.0.1:$PORT" | tee "$work/wrk.txt"

# Every 201 is stored: count the export.
token="$(cat "$work/data/token")"
stored=0
since=0
while :; do
    page="$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/orders?since=$since&limit=100000")"
    n=$(printf '%s' "$page" | grep -c '^{' || true)
    [ "$n" -eq 0 ] && break
    stored=$((stored + n))
    since=$(printf '%s\n' "$page" | tail -n 1 | sed -E 's/^\{"id":([0-9]+),.*/\1/')
done
created=$(sed -nE 's/^load: answered 201 ([0-9]+),.*/\1/p' "$work/wrk.txt")
repeats=$(sed -nE 's/^load: answered 201 [0-9]+, 200 \(repeat\) ([0-9]+),.*/\1/p' "$work/wrk.txt")
[ "$repeats" -eq 0 ] || die "the $ENVELOPES envelopes ran out ($repeats repeats): raise ENVELOPES or shorten DURATION"
say "load: stored $stored, answered 201 $created"
[ "$stored" -ge "$created" ] || die "fewer stored than answered 201"
say "load: database $(du -h "$work/data/orders.db" | cut -f1), WAL $(du -h "$work/data/orders.db-wal" 2>/dev/null | cut -f1) for $stored orders"
