#!/usr/bin/env bash
# Idle memory of a node on the embedded default (issue 20, item 1): RSS after start-up and after IDLE seconds,
# and where it goes, for the defaults and for each candidate lever.
#
#   infra/bench/footprint.sh [VARIANT...]     (default: every variant below)
#
# Each variant starts the Release build (`gateway.dll start`, SQLite, a temporary prefix, loopback ports), sends one
# request to the Admin API and one through the proxy, waits IDLE seconds and reads /proc/PID: RSS (VmRSS), its peak
# (VmHWM), and smaps split into the managed and native heaps (anonymous), the JIT's double-mapped code
# (/memfd:doublemapper, .NET's W^X), mapped files, and the three largest files. Prints a markdown table.
#
# Variants: default (the defaults: the dashboard on admin_gui_listen); gui-off (admin_gui_listen off); wx-off (DOTNET_EnableWriteXorExecute=0);
#   conserve (DOTNET_GCConserveMemory=9, DOTNET_GCgen0size=0x400000: a 4 MiB gen0 budget);
#   noconc (DOTNET_gcConcurrent=0: no background GC thread and its heap); tc-quick (DOTNET_TC_QuickJitForLoops=1,
#   DOTNET_TieredPGO=0: less instrumented code); all (gui-off, conserve, noconc and tc-quick together; wx-off only moves the
#   JIT's code into anonymous memory); custom (the variables in CUSTOM_ENV="VAR=value ...").
# Settings: IDLE=60 BUILD=1 (0: the last Release build) CUSTOM_ENV. Needs curl, python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
IDLE=${IDLE:-60}
WORK=$(mktemp -d /tmp/gateway-footprint.XXXXXX)
PID=""
log() { echo "[footprint] $*" >&2; }
# shellcheck source=cluster.sh
. infra/bench/cluster.sh
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$WORK/logs"
build_gateway

declare -A ENVS=(
  [default]="" [gui-off]="" [custom]="${CUSTOM_ENV:-}" [wx-off]="DOTNET_EnableWriteXorExecute=0"
  [conserve]="DOTNET_GCConserveMemory=9 DOTNET_GCgen0size=0x400000" [noconc]="DOTNET_gcConcurrent=0"
  [tc-quick]="DOTNET_TC_QuickJitForLoops=1 DOTNET_TieredPGO=0"
  [all]="DOTNET_GCConserveMemory=9 DOTNET_GCgen0size=0x400000 DOTNET_gcConcurrent=0 DOTNET_TC_QuickJitForLoops=1 DOTNET_TieredPGO=0"
)
VARIANTS=("$@")
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=(default gui-off wx-off conserve noconc tc-quick all)

kb() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$PID/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

printf '| variant | RSS at start MB | RSS after %ss MB | peak MB | anonymous MB | JIT double-map MB | files MB | largest files (MB) |\n|---|---|---|---|---|---|---|---|\n' "$IDLE"
for variant in "${VARIANTS[@]}"; do
  [ -n "${ENVS[$variant]+x}" ] || { log "unknown variant $variant"; exit 1; }
  admin=$(free_port); proxy=$(free_port); gui=127.0.0.1:$(free_port)
  [ "$variant" = gui-off ] || [ "$variant" = all ] && gui=off
  # shellcheck disable=SC2086
  env ${ENVS[$variant]} "${GATEWAY[@]}" start --prefix "$WORK/$variant" --proxy_listen "127.0.0.1:$proxy" --admin_listen "127.0.0.1:$admin" \
    --status_listen "127.0.0.1:$(free_port)" --admin_gui_listen "$gui" --cluster_listen "127.0.0.1:$(free_port)" \
    > "$WORK/logs/$variant.log" 2>&1 &
  PID=$!
  for _ in $(seq 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$admin/status" && break
    kill -0 "$PID" 2>/dev/null || { log "$variant exited:"; tail -20 "$WORK/logs/$variant.log" >&2; exit 1; }
    sleep 0.1
  done
  curl -s -o /dev/null "http://127.0.0.1:$proxy/"
  start=$(kb VmRSS)
  sleep "$IDLE"
  read -r anon jit files top <<< "$(awk '
    /^[0-9a-f]+-[0-9a-f]+ / { name = $6 }
    /^Rss:/ { rss[name] += $2 }
    END {
      for (n in rss) {
        if (n == "" || n ~ /^\[/) anon += rss[n]
        else if (n ~ /doublemapper/) jit += rss[n]
        else { files += rss[n]; list = list sprintf("%d %s\n", rss[n], n) }
      }
      cmd = "sort -rn | head -3"
      printf "%d %d %d ", anon, jit, files
      printf "%s", list | cmd
      close(cmd)
    }' "/proc/$PID/smaps" | tr '\n' ' ')"
  largest=$(echo "$top" | awk '{ for (i = 1; i < NF; i += 2) { n = split($(i + 1), p, "/"); printf "%s%s %.0f", (i > 1 ? ", " : ""), p[n], $i / 1024 } }')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$variant" "$(mb "$start")" "$(mb "$(kb VmRSS)")" "$(mb "$(kb VmHWM)")" \
    "$(mb "$anon")" "$(mb "$jit")" "$(mb "$files")" "$largest"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
done
