# Sourced by proxy.sh and stream.sh: free loopback ports and the CPU a process spent.
#
#   next_port VAR      a free port, not handed out twice by this run, into VAR
#   cpu_ticks PID...   user + system clock ticks the processes spent (CLK_TCK a second)

# Ports below the kernel's ephemeral range: a port some outgoing connection holds (a load generator's, a proxy's)
# answers no connect, yet cannot be bound.
declare -A HANDED=()
EPHEMERAL_LOW=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[ "$EPHEMERAL_LOW" -gt 12000 ] || EPHEMERAL_LOW=60000
next_port() {
  local port
  while :; do
    port=$(( (RANDOM * 32768 + RANDOM) % (EPHEMERAL_LOW - 11000) + 10000 ))
    [ -z "${HANDED[$port]:-}" ] || continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      HANDED[$port]=1
      printf -v "$1" '%s' "$port"
      return
    fi
  done
}

cpu_ticks() {
  local total=0 pid stat
  for pid in "$@"; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    total=$(( total + ${12} + ${13} ))
  done
  echo "$total"
}
CLK_TCK=$(getconf CLK_TCK)
