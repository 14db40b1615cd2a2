#!/usr/bin/env bash
# bench/load.sh — HTTP load on loopback (issue 8) in one command: builds
# takedownwatch and bench/cycle, fills an archive with one cycle of sandbox
# feed posts, serves it, waits until the search index has caught up, then
# runs wrk against /api/search (queries rotate, Khmer and phrases included)
# and against a feed, and prints requests/s, latency percentiles and errors.
#
# usage: bench/load.sh [--smoke] [--out DIR]
#
#   --smoke   50 sources × 10 posts, 3 s per run: checks the script works
#   --out DIR keep the archive, config, logs and results there (default: a
#             temp dir, printed)
#
# env: SOURCES, POSTS (default 500, 20 — 10,000 posts), DURATION (30s),
#      CONNS (16), THREADS (2)
#
# Needs Go and wrk (sudo apt-get install -y wrk). About two minutes on
# 2 cores; the archive takes most of the first one.
set -euo pipefail

sources=${SOURCES:-500} posts=${POSTS:-20} duration=${DURATION:-30s}
conns=${CONNS:-16} threads=${THREADS:-2} out=""
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) sources=50 posts=10 duration=3s; shift ;;
	--out) out=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "load.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
command -v wrk >/dev/null || { echo "load.sh: wrk is not installed (sudo apt-get install -y wrk)" >&2; exit 1; }

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/takedownwatch-load-XXXXXX")
mkdir -p "$out/bin"
out=$(cd "$out" && pwd)
echo "load: results in $out"

go build -o "$out/bin/takedownwatch" ./cmd/takedownwatch
go build -o "$out/bin/cycle" ./bench/cycle
echo "load: archiving $sources sources × $posts posts"
"$out/bin/cycle" -sources "$sources" -posts "$posts" -unchanged 0 -profile-cycle 1 -keep -media=false -out "$out/cycle" > "$out/cycle.txt"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
cat > "$out/takedownwatch.yaml" <<EOF
data_dir: "$out/cycle/data"
http:
  listen: "127.0.0.1:$port"
EOF
"$out/bin/takedownwatch" serve --config "$out/takedownwatch.yaml" > "$out/serve.log" 2>&1 &
serve=$!
trap 'kill $serve 2>/dev/null; wait $serve 2>/dev/null || true' EXIT

# The indexer catches up from the archive when serve starts: measure the
# search once every version is in the index.
want=$((sources * posts))
for _ in $(seq 1 600); do
	lag=$(curl -fsS "$base/metrics" 2>/dev/null | awk '/^takedownwatch_index_lag /{print $2}') || true
	total=$(curl -fsS "$base/api/search?state=live&limit=1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])' 2>/dev/null) || true
	if [ "${lag:-x}" = "0" ] && [ "${total:-0}" -ge "$want" ]; then break; fi
	sleep 1
done
if [ "${lag:-x}" != "0" ]; then
	echo "load: the index did not catch up (lag ${lag:-unknown}, $total of $want posts); see $out/serve.log" >&2
	exit 1
fi
echo "load: serving $total indexed posts on $base"

# Each run prints one RESULT line from wrk's done() hook.
cat > "$out/report.lua" <<'EOF'
done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d\n",
		summary.requests, summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
		e.status, e.connect + e.read + e.write + e.timeout))
end
EOF
cat "$out/report.lua" > "$out/search.lua"
cat >> "$out/search.lua" <<'EOF'
-- English words, a phrase, Khmer (percent-encoded UTF-8), a filter.
local queries = {
	"journalists", "%22peaceful+gathering%22", "election&state=live",
	"%E1%9E%A2%E1%9F%92%E1%9E%93%E1%9E%80%E1%9E%9F%E1%9E%B6%E1%9E%9A%E1%9E%96%E1%9F%90%E1%9E%8F%E1%9F%8C%E1%9E%98%E1%9E%B6%E1%9E%93",
	"radio+licence", "bridge&sort=newest",
}
local i = 0
request = function()
	i = i + 1
	return wrk.format("GET", "/api/search?q=" .. queries[(i % #queries) + 1])
end
EOF

run() { # name, url, [script]
	local name=$1 url=$2 script=$3
	echo "load: wrk -t$threads -c$conns -d$duration $name"
	wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$script" "$url" > "$out/wrk-$name.txt"
	grep '^RESULT' "$out/wrk-$name.txt" | sed "s/^RESULT/$name/" | tee -a "$out/results.txt"
}
: > "$out/results.txt"
run search "$base/api/search" "$out/search.lua"
run feed "$base/feeds/events.rss" "$out/report.lua"
if grep -Eq 'non2xx=[1-9]|socket_errors=[1-9]' "$out/results.txt"; then
	echo "load: errors under load; see $out/wrk-*.txt and $out/serve.log" >&2
	exit 1
fi
echo "load: zero errors ($conns connections, $duration each, $total posts)"
