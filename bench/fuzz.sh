#!/usr/bin/env bash
# Builds the libFuzzer targets in tests/fuzz with clang (ASan + UBSan) and runs each for a
# bounded time on a seed corpus. Not part of the normal build.
#   bench/fuzz.sh [SECONDS_PER_TARGET=60] [TARGET...]     targets: gguf safetensors
# Corpora and crash reproducers are kept in build/fuzz/<target>/ (re-runs continue from them).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(gguf safetensors)
out="$root/build/fuzz"
mkdir -p "$out"

cxx=$(command -v clang++-14 || command -v clang++ || true)
[[ -n "$cxx" ]] || { echo "fuzz.sh: clang++ not found (apt-get install clang-14)" >&2; exit 1; }
if ! "$cxx" -print-file-name=libclang_rt.fuzzer-x86_64.a | grep -q /; then
  if [[ $(id -u) == 0 ]]; then
    echo "fuzz.sh: installing libclang-rt-14-dev (libFuzzer runtime)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libclang-rt-14-dev >/dev/null
  else
    echo "fuzz.sh: libFuzzer runtime missing: apt-get install libclang-rt-14-dev" >&2; exit 1
  fi
fi

flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"$root/lib")
sources_gguf=(gguf.cpp gguf_value.cpp gguf_reader.cpp mapped_file.cpp)
sources_safetensors=(safetensors.cpp mapped_file.cpp)

# Seeds: the test fixtures when the build tree has the tool, plus small hand-made files.
seed() {  # seed TARGET NAME PYTHON_EXPR_FOR_BYTES
  mkdir -p "$out/$1/corpus"
  python3 -c "import struct,sys; sys.stdout.buffer.write($3)" > "$out/$1/corpus/$2"
}
seed gguf empty "b'GGUF'+struct.pack('<IQQ',3,0,0)"
seed gguf one_tensor "b'GGUF'+struct.pack('<IQQ',3,1,1)+struct.pack('<Q',4)+b'name'+struct.pack('<I',8)+struct.pack('<Q',1)+b'x'+struct.pack('<Q',1)+b't'+struct.pack('<IqIQ',1,4,0,0)+bytes(80)"
seed safetensors one '(lambda h: struct.pack("<Q",len(h))+h+bytes(8))(b"{\"__metadata__\":{\"a\":\"b\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}")'
if [[ -x "$root/build/bin/trit-write-fixtures" ]]; then
  tmp=$(mktemp -d)
  "$root/build/bin/trit-write-fixtures" "$tmp"
  cp "$tmp/fixture.gguf" "$out/gguf/corpus/fixture.gguf"
  cp "$tmp/fixture.safetensors" "$out/safetensors/corpus/fixture.safetensors"
  rm -rf "$tmp"
fi

status=0
for t in "${targets[@]}"; do
  var="sources_${t}[@]"
  srcs=()
  for s in "${!var}"; do srcs+=("$root/lib/trit/formats/$s"); done
  echo "fuzz.sh: building $t"
  "$cxx" "${flags[@]}" "$root/tests/fuzz/${t}_fuzz.cpp" "${srcs[@]}" -o "$out/$t/${t}_fuzz"
  echo "fuzz.sh: running $t for ${seconds}s"
  if ! (cd "$out/$t" && "./${t}_fuzz" corpus -max_total_time="$seconds" -max_len=65536 -timeout=10 \
          -rss_limit_mb=2048 -print_final_stats=1 2>&1 | grep -E "^(Done|stat::|SUMMARY|==[0-9]+==|INFO: Seed|.*ERROR)"); then
    status=1
  fi
  # libFuzzer leaves crash-*/leak-*/timeout-* reproducers next to the corpus on failure.
  if compgen -G "$out/$t/crash-*" >/dev/null || compgen -G "$out/$t/leak-*" >/dev/null ||
     compgen -G "$out/$t/timeout-*" >/dev/null; then
    echo "fuzz.sh: $t found a failure; reproducers in $out/$t" >&2
    status=1
  fi
done
exit $status
