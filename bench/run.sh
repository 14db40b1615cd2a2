#!/usr/bin/env bash
# bench/run.sh — the cycle benchmark (issue 3) in one command: builds
# bench/cycle, runs it (1,000 sandbox feeds × 20 posts: one cycle with
# everything new, then unchanged cycles), runs Debian's urlwatch over the
# same feeds on the same machine, and prints both side by side.
#
# usage: bench/run.sh [--smoke] [--unchanged K] [--out DIR] [--inprocess]
#
#   --smoke        20 feeds × 5 posts: checks the scripts work, in seconds
#   --unchanged K  unchanged cycles, each followed by an unchanged urlwatch
#                  run; the medians are compared (default 5)
#   --out DIR      keep everything there (default: a temp dir, printed)
#   --inprocess    run the sandbox inside the measured process (its CPU then
#                  counts as ours); default: a child process
#
# env: SOURCES, POSTS, HOSTS (default 1000, 20, 8); WORKERS, PER_HOST (16, 4)
#
# Needs Go; the comparison needs urlwatch (sudo apt-get install -y urlwatch)
# and python3 (a dependency of urlwatch). Takes about a minute and a half on
# 2 cores.
set -euo pipefail

sources=${SOURCES:-1000} posts=${POSTS:-20} hosts=${HOSTS:-8}
workers=${WORKERS:-16} per_host=${PER_HOST:-4}
unchanged=5 out="" inprocess=""
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) sources=20 posts=5 unchanged=1; shift ;;
	--unchanged) unchanged=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--inprocess) inprocess=-inprocess; shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/takedownwatch-bench-XXXXXX")
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

echo "== build"
go version
mkdir -p "$out/bin"
go build -o "$out/bin/cycle" ./bench/cycle

uwdir=$out/urlwatch
between=""
if command -v urlwatch >/dev/null 2>&1; then
	echo
	echo "== urlwatch: start-up and the populating run (bench/urlwatch.sh --prepare)"
	# Its sandbox stays up until --finish; stop it whatever happens.
	trap 'kill -INT "$(cat "$uwdir/serve.pid" 2>/dev/null)" 2>/dev/null || true' EXIT
	CYCLE_BIN=$out/bin/cycle bench/urlwatch.sh --sources "$sources" --posts "$posts" --hosts "$hosts" \
		--out "$uwdir" --prepare
	# One unchanged urlwatch run after each unchanged cycle of ours: both
	# are measured on the machine as it is at that minute.
	between="bench/urlwatch.sh --out '$uwdir' --one"
else
	echo
	echo "urlwatch is not installed: no comparison. Install it with: sudo apt-get install -y urlwatch"
fi

echo
echo "== takedownwatch: bench/cycle, $sources sources × $posts posts (urlwatch runs interleaved)"
"$out/bin/cycle" -sources "$sources" -posts "$posts" -hosts "$hosts" -workers "$workers" -per-host "$per_host" \
	-unchanged "$unchanged" -out "$out/cycle" -between "$between" $inprocess | tee "$out/cycle.txt"

[ -n "$between" ] || exit 0
echo
echo "== urlwatch: the same $sources feeds (bench/urlwatch.sh)"
bench/urlwatch.sh --out "$uwdir" --finish | tee "$out/urlwatch.txt"
trap - EXIT

echo
python3 - "$out/cycle/results.json" "$out/urlwatch/urlwatch.json" <<'EOF' | tee "$out/summary.txt"
import json, sys
tw, uw = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
c1, un = tw["cycles"][0], tw["unchanged_median"]
n = tw["sources"]
uw_un = [r for r in uw["runs"] if r["name"].startswith("unchanged")]
uw_med = lambda k: sorted(r[k] for r in uw_un)[len(uw_un) // 2]
ours, theirs, theirs_net = un["cpu_ms_per_url"], uw["cpu_ms_per_url_unchanged"], uw["cpu_ms_per_url_unchanged_without_startup"]
ratio = ours / theirs
ratio_net = ours / theirs_net if theirs_net > 0 else float("nan")  # start-up noise can exceed a toy run
target = 1 / 3
mib = lambda b: f"{b / 2**20:.1f} MiB"
verdict = lambda ok: "ok" if ok else "MISSED"
peak_un = max(c["peak_rss_bytes"] for c in tw["cycles"][1:])

print(f"== side by side — {tw['date']}, {tw['go_version']} {tw['goos']}/{tw['goarch']}, {tw['num_cpu']} CPUs")
print(f"{n} feeds; unchanged: median of {un['cycles']} cycle(s) / {len(uw_un)} urlwatch run(s), interleaved; sandbox: {tw['sandbox']}\n")
rows = [
    ("", "takedownwatch", f"urlwatch {uw['urlwatch_version']}"),
    ("unchanged: CPU ms per URL", f"{ours:.3f}", f"{theirs:.3f} ({theirs_net:.3f} without start-up)"),
    ("unchanged: wall", f"{un['wall_seconds']:.2f} s", f"{uw_med('wall_s'):.2f} s"),
    ("unchanged: sources/s", f"{un['sources_per_second']:.0f}", f"{n / uw_med('wall_s'):.0f}"),
    ("unchanged: peak RSS", mib(peak_un), mib(uw_med('maxrss_kib') * 1024)),
    ("unchanged: does", "304 + WARC request/revisit + SQLite", "304 + cache"),
    ("first: CPU ms per URL", f"{c1['cpu_ms_per_url']:.3f}", f"{uw['cpu_ms_per_url_populate']:.3f}"),
    ("first: does", f"parse {c1['new']} posts, archive {c1['media']} media, detect", f"store {n} bodies"),
]
w = [max(len(r[i]) for r in rows) for i in range(3)]
for r in rows:
    print(f"  {r[0]:<{w[0]}}   {r[1]:>{w[1]}}   {r[2]}")
print()
print(f"  ratio, ours / urlwatch's CPU per URL, unchanged:   {ratio:.3f}  (target ≤ {target:.3f})  {verdict(ratio <= target)}")
print(f"  the same against urlwatch without its start-up:    {ratio_net:.3f}  {verdict(ratio_net <= target) if ratio_net == ratio_net else 'n/a'}")
print(f"  WARC bytes per post, unchanged:                    {un['warc_bytes_per_post']:.1f} B  (target < 1024 B)  {verdict(un['warc_bytes_per_post'] < 1024)}")
recs = tw["cycles"][1]["records"]
print(f"  records added by an unchanged cycle:               " + ", ".join(f"{k} ×{v['count']}" for k, v in sorted(recs.items())))
print(f"  cycle 1 (all new): {c1['wall_seconds']:.2f} s wall, {c1['sources_per_second']:.0f} sources/s, "
      f"{c1['cpu_seconds_per_1000_posts']:.3f} CPU s per 1,000 posts, {c1['warc_bytes_per_post']:.0f} WARC B per post, "
      f"peak RSS {mib(c1['peak_rss_bytes'])}")
EOF
echo
echo "everything is in $out"
