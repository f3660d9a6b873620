#!/usr/bin/env bash
# Benchmarks `orderseal decrypt` on a batch of sealed orders in JSON Lines:
# envelopes per second and peak memory (max RSS, from GNU time).
#
#   bash scripts/bench-cli.sh [COUNT]      (default 100000)
#
# Builds the release CLI and the `gen_batch` example, seals COUNT orders to
# a throwaway key in a temporary directory, then times one decrypt of the
# whole batch to /dev/null (JSON Lines output, as in scripts). `npm run
# bench` runs it with 20000; `npm test`, through the bench's quick run
# (tests/node/bench.test.mjs), with 2000.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COUNT="${1:-100000}"
[ -x /usr/bin/time ] || die "GNU time is needed for max RSS: apt-get install time"

cd "$ROOT"
say "building (release)…"
cargo build --release -q -p orderseal-cli --bin orderseal --example gen_batch

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$ROOT/target/release/examples/gen_batch" "$COUNT" "$WORK"
SIZE="$(du -h "$WORK/batch.jsonl" | cut -f1)"

/usr/bin/time -v -o "$WORK/time.txt" \
    "$ROOT/target/release/orderseal" decrypt --key "$WORK/private.pem" --format jsonl \
    "$WORK/batch.jsonl" >"$WORK/out.jsonl" 2>"$WORK/stderr.txt"

OPENED="$(wc -l <"$WORK/out.jsonl")"
[ "$OPENED" -eq "$COUNT" ] || die "opened $OPENED of $COUNT envelopes: $(tail -n 3 "$WORK/stderr.txt")"
WALL="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt")"
RSS_KB="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")"
CPU="$(sed -n 's/.*Percent of CPU this job got: //p' "$WORK/time.txt")"
USER_S="$(sed -n 's/.*User time (seconds): //p' "$WORK/time.txt")"
SYS_S="$(sed -n 's/.*System time (seconds): //p' "$WORK/time.txt")"
# m:ss.ss or h:mm:ss to seconds.
SECS="$(awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }' <<<"$WALL")"

printf 'orderseal decrypt: %s envelopes (%s of JSON Lines) on %s cores\n' "$COUNT" "$SIZE" "$(nproc)"
printf '  wall time     %s s (CPU %s)\n' "$SECS" "$CPU"
printf '  throughput    %s envelopes/s\n' "$(awk -v n="$COUNT" -v s="$SECS" 'BEGIN { printf "%.0f", n / s }')"
printf '  CPU time      %s s user + %s s system (%s envelopes per CPU-second)\n' "$USER_S" "$SYS_S" \
    "$(awk -v n="$COUNT" -v u="$USER_S" -v s="$SYS_S" 'BEGIN { printf "%.0f", n / (u + s) }')"
printf '  max RSS       %s MiB\n' "$(awk -v k="$RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')"
# CPU well under 200% on 2 cores means other processes took the rest: the
# per-CPU-second figure is then the better guide.
