#!/usr/bin/env bash
# bench/urlwatch.sh — Debian's urlwatch checks the same sandbox feeds that
# bench/cycle collects: once to fill its cache, then again with nothing
# changed. Prints urlwatch's CPU per URL in the unchanged runs, the figure
# bench/run.sh compares ours with.
#
# usage: bench/urlwatch.sh [--sources N] [--posts P] [--hosts H] [--runs R]
#                          [--out DIR] [--install]
#        bench/urlwatch.sh --out DIR --prepare | --one | --finish
#
#   --sources/--posts/--hosts  the sandbox population (default 1000 × 20 on 8
#                              hosts: the same bytes bench/cycle serves)
#   --runs R                   unchanged runs after the populating one (default 1)
#   --out DIR                  where urls.yaml, urlwatch's config and cache,
#                              outputs and urlwatch.json go (default: a temp dir)
#   --install                  apt-get install -y urlwatch if it is missing
#                              (otherwise nothing is installed)
#
# The three steps, for interleaving urlwatch's runs with other work (run.sh
# runs one between each pair of takedownwatch cycles, so both see the same
# machine):
#   --prepare  start the sandbox (it stays up), write urls.yaml, measure
#              urlwatch's start-up and the populating run
#   --one      one measured unchanged run
#   --finish   a verbose check that the runs got 304s, stop the sandbox, and
#              the summary (urlwatch.json)
#
# env: CYCLE_BIN  a built bench/cycle binary (default: go build here)
#
# urlwatch runs with HOME, XDG_CONFIG_HOME and XDG_CACHE_HOME inside DIR and
# with explicit --urls/--config/--cache there: your own urlwatch state is
# never read or written.
set -euo pipefail

sources=1000 posts=20 hosts=8 runs=1 out="" install=0 mode=all
while [ $# -gt 0 ]; do
	case "$1" in
	--sources) sources=$2; shift 2 ;;
	--posts) posts=$2; shift 2 ;;
	--hosts) hosts=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--install) install=1; shift ;;
	--prepare) mode=prepare; shift ;;
	--one) mode=one; shift ;;
	--finish) mode=finish; shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "urlwatch.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
if [ "$mode" != all ] && [ -z "$out" ]; then
	echo "urlwatch.sh: --prepare, --one and --finish need --out DIR" >&2
	exit 2
fi

repo=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v urlwatch >/dev/null 2>&1; then
	if [ "$install" = 1 ]; then
		sudo=""
		[ "$(id -u)" = 0 ] || sudo=sudo
		$sudo apt-get install -y urlwatch
	else
		echo "urlwatch.sh: urlwatch is not installed." >&2
		echo "  Debian/Ubuntu: sudo apt-get install -y urlwatch   (or run this script with --install)" >&2
		exit 3
	fi
fi
uw=$(command -v urlwatch)
# The interpreter urlwatch runs on also measures it (getrusage of children).
py=$(head -1 "$uw" | sed -n 's/^#! *//p' | awk '{print $1}')
[ -x "${py:-}" ] || py=$(command -v python3)

if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/urlwatch-bench-XXXXXX")
fi
mkdir -p "$out/home/.config" "$out/home/.cache" "$out/serve"
out=$(cd "$out" && pwd)

serve_pid() { cat "$out/serve.pid" 2>/dev/null || true; }

stop_serve() {
	local pid
	pid=$(serve_pid)
	[ -n "$pid" ] || return 0
	kill -INT "$pid" 2>/dev/null || true
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$out/serve.pid"
}

# start_serve: the sandbox, serving the population bench/cycle collects.
start_serve() {
	local bin=${CYCLE_BIN:-}
	if [ -z "$bin" ]; then
		(cd "$repo" && go build -o "$out/cycle" ./bench/cycle)
		bin=$out/cycle
	fi
	"$bin" -serve-only -sources "$sources" -posts "$posts" -hosts "$hosts" -out "$out/serve" \
		>"$out/serve.stdout" 2>"$out/serve.stderr" &
	echo $! >"$out/serve.pid"
	for _ in $(seq 1200); do
		[ -s "$out/serve.stdout" ] && break
		if ! kill -0 "$(serve_pid)" 2>/dev/null; then
			echo "urlwatch.sh: the sandbox exited:" >&2
			cat "$out/serve.stderr" >&2
			exit 1
		fi
		sleep 0.5
	done
	local urls_txt
	urls_txt=$(head -1 "$out/serve.stdout")
	[ -s "$urls_txt" ] || { echo "urlwatch.sh: the sandbox gave no URL list" >&2; exit 1; }
	# One url job per feed, as a user would list them.
	awk 'NR > 1 { print "---" } { n = split($0, p, "/"); print "name: " p[n-1]; print "url: \"" $0 "\"" }' \
		"$urls_txt" >"$out/urls.yaml"
	grep -c '^url:' "$out/urls.yaml" >"$out/n_urls"
	: >"$out/empty.yaml"
}

sandbox_cpu() { # the sandbox's CPU so far, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$(serve_pid)/stat" 2>/dev/null || echo 0
}

# measure NAME URLS_FILE: one urlwatch run, timed by getrusage(RUSAGE_CHILDREN)
# in the interpreter that starts it, into NAME.json.
measure() {
	local name=$1 urls=$2 before after
	before=$(sandbox_cpu)
	HOME=$out/home XDG_CONFIG_HOME=$out/home/.config XDG_CACHE_HOME=$out/home/.cache \
		"$py" - "$out/$name" "$uw" --urls "$urls" --config "$out/urlwatch.yaml" --cache "$out/cache.db" \
		>"$out/$name.json" <<'EOF'
import json, resource, subprocess, sys, time
base, cmd = sys.argv[1], sys.argv[2:]
t = time.monotonic()
with open(base + ".stdout", "wb") as o, open(base + ".stderr", "wb") as e:
    rc = subprocess.call(cmd, stdin=subprocess.DEVNULL, stdout=o, stderr=e)
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall_s": wall, "user_s": ru.ru_utime, "sys_s": ru.ru_stime,
                  "cpu_s": ru.ru_utime + ru.ru_stime, "maxrss_kib": ru.ru_maxrss}))
EOF
	after=$(sandbox_cpu)
	"$py" - "$out/$name.json" "$name" $((after - before)) "$out/$name.stdout" "$(cat "$out/n_urls")" <<'EOF'
import json, re, sys
path, name, ticks, stdout, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
r = json.load(open(path))
text = open(stdout, encoding="utf-8", errors="replace").read()
r["name"] = name
r["sandbox_cpu_s"] = ticks / 100
r["report"] = {k: len(re.findall(r"^\d+\. " + k + r"\b", text, re.M)) for k in ("NEW", "CHANGED", "ERROR", "UNCHANGED")}
json.dump(r, open(path, "w"))
if r["rc"] != 0:
    sys.exit(f"urlwatch.sh: urlwatch failed in run {name} (exit {r['rc']}): see {path[:-5]}.stderr")
if name.startswith("unchanged"):
    print(f"urlwatch {name}: {r['cpu_s'] * 1000 / n:.3f} CPU ms per URL, {r['wall_s']:.2f} s wall", file=sys.stderr)
EOF
}

prepare() {
	start_serve
	# Zero jobs: the first run writes urlwatch's default config, the second
	# measures what starting the interpreter and urlwatch costs.
	measure init "$out/empty.yaml"
	measure startup "$out/empty.yaml"
	rm -f "$out/cache.db" "$out"/unchanged*.json
	measure populate "$out/urls.yaml"
}

one() {
	[ -n "$(serve_pid)" ] || { echo "urlwatch.sh: run --prepare first" >&2; exit 1; }
	local i=1
	while [ -e "$out/unchanged$i.json" ]; do i=$((i + 1)); done
	measure "unchanged$i" "$out/urls.yaml"
}

finish() {
	[ -n "$(serve_pid)" ] || { echo "urlwatch.sh: run --prepare first" >&2; exit 1; }
	# One more unchanged run, verbose and not measured, shows the unchanged
	# runs were answered 304 (urlwatch logs "has not changed (HTTP 304)").
	HOME=$out/home XDG_CONFIG_HOME=$out/home/.config XDG_CACHE_HOME=$out/home/.cache \
		"$uw" -v --urls "$out/urls.yaml" --config "$out/urlwatch.yaml" --cache "$out/cache.db" \
		</dev/null >"$out/verify.stdout" 2>"$out/verify.stderr" || true
	stop_serve
	local n304 version workers
	n304=$(grep -c 'has not changed (HTTP 304)' "$out/verify.stderr" || true)
	version=$(urlwatch --version 2>/dev/null | awk '{print $2}')
	workers=$("$py" -c 'import urlwatch.worker as w; print(w.MAX_WORKERS)' 2>/dev/null || echo "?")
	"$py" - "$out" "$(cat "$out/n_urls")" "$n304" "$version" "$workers" "$py" <<'EOF'
import glob, json, re, sys
out, n, n304, version, workers, py = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
names = ["startup", "populate"] + sorted(
    (re.search(r"(unchanged\d+)\.json$", p).group(1) for p in glob.glob(f"{out}/unchanged*.json")),
    key=lambda s: int(s[len("unchanged"):]))
runs = [json.load(open(f"{out}/{name}.json")) for name in names]
startup, populate, unchanged = runs[0], runs[1], runs[2:]
if not unchanged:
    sys.exit("urlwatch.sh: no unchanged run to summarize (run --one)")
cpu = sorted(r["cpu_s"] for r in unchanged)
med = cpu[len(cpu) // 2] if len(cpu) % 2 else (cpu[len(cpu) // 2 - 1] + cpu[len(cpu) // 2]) / 2
res = {
    "urlwatch_version": version, "python": py, "max_workers": workers, "urls": n, "verify_304": n304,
    "runs": runs,
    "startup_cpu_s": startup["cpu_s"],
    "cpu_ms_per_url_unchanged": med * 1000 / n,  # median of the unchanged runs
    "cpu_ms_per_url_unchanged_without_startup": (med - startup["cpu_s"]) * 1000 / n,
    "cpu_ms_per_url_populate": populate["cpu_s"] * 1000 / n,
}
json.dump(res, open(f"{out}/urlwatch.json", "w"), indent=2)

print(f"urlwatch {version} on {py}: {n} URLs, {workers} worker threads (urlwatch.worker.MAX_WORKERS, not configurable),")
print("one requests.request per job (no shared session: a new TCP connection each), conditional GET")
print("(If-None-Match + If-Modified-Since from its cache), cache: minidb SQLite; default config, stdout report.\n")
print(f"{'run':<12} {'wall':>8} {'CPU user+sys':>22} {'CPU ms/URL':>11} {'peak RSS':>10} {'sandbox CPU':>12}   report")
for r in runs:
    per = f"{r['cpu_s'] * 1000 / n:.3f}" if r["name"] != "startup" else "-"
    rep = ", ".join(f"{v} {k}" for k, v in r["report"].items() if v) or "nothing to report"
    print(f"{r['name']:<12} {r['wall_s']:>6.2f} s {r['cpu_s']:>6.2f} s ({r['user_s']:.2f}+{r['sys_s']:.2f}) {per:>11} "
          f"{r['maxrss_kib'] / 1024:>6.1f} MiB {r['sandbox_cpu_s']:>10.2f} s   {rep}")
print(f"\nan extra verbose unchanged run (not measured) got {n304} of {n} answers 304 Not Modified")
print(f"urlwatch, unchanged runs (median of {len(unchanged)}): {res['cpu_ms_per_url_unchanged']:.3f} ms CPU per URL "
      f"({res['cpu_ms_per_url_unchanged_without_startup']:.3f} ms without the {startup['cpu_s']:.2f} s start-up)")
print(f"results: {out}/urlwatch.json")
EOF
}

case "$mode" in
prepare) prepare ;;
one) one ;;
finish) finish ;;
all)
	trap stop_serve EXIT
	prepare
	for _ in $(seq "$runs"); do one; done
	finish
	;;
esac
