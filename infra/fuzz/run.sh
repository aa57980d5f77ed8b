#!/usr/bin/env bash
# Fuzzes one harness under libFuzzer: infra/fuzz/run.sh HARNESS [EXECUTIONS] (default 1,000,000).
# Harnesses: admin-json admin-form admin-multipart uri-normalizer router declarative cql-frame.
# Installs clang and its libFuzzer (apt-get, as root) when absent, builds the driver, publishes the
# harness assembly and instruments the gateway's assemblies with SharpFuzz, then runs. New inputs go
# to infra/fuzz/out/corpus/HARNESS (not committed); crashes to infra/fuzz/out/crashes/HARNESS/.
# Replay inputs on the uninstrumented build (dotnet build Gateway.sln -c Release first):
#   dotnet infra/fuzz/Gateway.Fuzz/bin/Release/net10.0/Gateway.Fuzz.dll HARNESS FILE...
# FUZZ_SKIP_BUILD=1 reuses the last instrumented build (for several harnesses in a row);
# FUZZ_MAX_SECONDS=N stops after N seconds if the executions are not done by then; FUZZ_OUT=DIR
# builds and keeps corpus and crashes there instead of out/ (to rebuild while another harness runs).
set -euo pipefail
cd "$(dirname "$0")"

HARNESS=${1:?usage: run.sh HARNESS [EXECUTIONS]}
RUNS=${2:-1000000}
OUT=${FUZZ_OUT:-$PWD/out}
[ -d "corpus/$HARNESS" ] || { echo "run.sh: no harness '$HARNESS' (no corpus/$HARNESS)" >&2; exit 2; }

log() { echo "[fuzz] $*"; }

if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long s) { return 0; }' \
    | clang -x c -fsanitize=fuzzer - -o /dev/null >/dev/null 2>&1; then
  log "installing clang and its libFuzzer runtime"
  apt-get install -y clang libclang-rt-dev >/dev/null || apt-get install -y clang libclang-rt-14-dev >/dev/null
fi

mkdir -p "$OUT"
if [ ! -x "$OUT/sharpfuzz-driver" ] || [ driver/sharpfuzz-driver.c -nt "$OUT/sharpfuzz-driver" ]; then
  log "building the libFuzzer driver"
  clang -O2 -fsanitize=fuzzer driver/sharpfuzz-driver.c -o "$OUT/sharpfuzz-driver"
fi

if [ "${FUZZ_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$OUT/bin/Gateway.Fuzz.dll" ]; then
  log "publishing and instrumenting the harnesses"
  rm -rf "$OUT/bin"
  dotnet publish Gateway.Fuzz/Gateway.Fuzz.csproj -c Release -o "$OUT/bin" -nologo -v quiet >"$OUT/publish.log" 2>&1 \
    || { cat "$OUT/publish.log"; exit 1; }
  dotnet tool restore >/dev/null
  # The code under test (gateway.dll is Gateway.Node): coverage is counted in these assemblies only.
  for assembly in gateway Gateway.Storage Gateway.Schema YamlDotNet; do
    dotnet sharpfuzz "$OUT/bin/$assembly.dll" >/dev/null
  done
fi

mkdir -p "$OUT/corpus/$HARNESS" "$OUT/crashes/$HARNESS"
log "fuzzing $HARNESS for $RUNS executions"
# A harness that leaks or allocates without bound fails as an OutOfMemoryException, not a swapping machine.
export DOTNET_GCHeapHardLimit=0x40000000 DOTNET_gcServer=0 DOTNET_TieredPGO=0
export FUZZ_HARNESS_DLL="$OUT/bin/Gateway.Fuzz.dll" FUZZ_HARNESS="$HARNESS"
exec "$OUT/sharpfuzz-driver" -runs="$RUNS" -max_total_time="${FUZZ_MAX_SECONDS:-0}" -max_len=4096 -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$OUT/crashes/$HARNESS/" "$OUT/corpus/$HARNESS" "corpus/$HARNESS"
