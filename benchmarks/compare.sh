#!/usr/bin/env bash
# Times the issue's workloads W0..W6 with `unroll bench` and with PyTorch (../shared/bench/torch_anchor.py), each pair
# back to back, and prints a markdown table: train step and forward pass, milliseconds (medians), and the speed-up
# (PyTorch time / ours: above 1 means we are faster).
#   benchmarks/compare.sh              all workloads
#   benchmarks/compare.sh W1 W4        some of them
# Needs the .NET SDK and /usr/bin/python3 with torch. Takes a few minutes (W3 is the slow one).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
anchor=../shared/bench/torch_anchor.py
python=/usr/bin/python3
cli=src/Unroll.Cli/bin/Release/net10.0/unroll.dll

[[ -f "$anchor" ]] || { echo "compare.sh: $anchor not found (expected beside the repository, in ../shared/bench)" >&2; exit 2; }
"$python" -c 'import torch' 2>/dev/null || { echo "compare.sh: $python cannot import torch" >&2; exit 2; }

echo "building the CLI (Release)..." >&2
dotnet build -c Release src/Unroll.Cli -v quiet -nologo >&2

# name cell I H L T B torch-steps
workloads=(
  "W0 rnn_relu 1 1 1 3 4 20"
  "W1 lstm 1 32 1 30 64 20"
  "W2 lstm 8 128 2 50 64 20"
  "W3 lstm 64 512 1 100 128 5"
  "W4 lstm 1 64 1 30 1 20"
  "W5 gru 1 32 1 30 64 20"
  "W6 rnn_tanh 1 64 1 30 64 20"
)
wanted=("$@")

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for line in "${workloads[@]}"; do
  read -r name cell i h l t b steps <<<"$line"
  if (( ${#wanted[@]} > 0 )) && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
  echo "$name: $cell $i→$h×$l T=$t B=$b ..." >&2
  ours=$(dotnet "$cli" bench --cell "$cell" --input-size "$i" --hidden "$h" --layers "$l" --seq "$t" --batch "$b" --json | tail -n 1)
  torch=$("$python" "$anchor" "$cell" "$i" "$h" "$l" "$t" "$b" "$steps" | tail -n 1)
  printf '%s\t%s\t%s\t%s\n' "$name" "$cell $i→$h×$l T$t B$b" "$ours" "$torch" >>"$results"
done

model=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
cores=$(nproc)
"$python" - "$results" "$model" "$cores" <<'EOF'
import json, sys
rows = [line.rstrip('\n').split('\t') for line in open(sys.argv[1], encoding='utf-8') if line.strip()]
model, cores = sys.argv[2], sys.argv[3]
print('| workload | ours train ms | PyTorch train ms | speed-up | ours forward ms | PyTorch forward ms | speed-up |')
print('|---|---:|---:|---:|---:|---:|---:|')
peak = None
threads = set()
for name, desc, ours, torch in rows:
    o, t = json.loads(ours), json.loads(torch)
    peak = o.get('peak_gflops', peak)
    bits = o.get('peak_vector_bits')
    threads.add((o.get('threads'), t.get('threads')))
    print(f"| {name} {desc} | {o['train_ms']:.4f} | {t['train_ms']:.4f} | {t['train_ms'] / o['train_ms']:.2f}× "
          f"| {o['infer_ms']:.4f} | {t['infer_ms']:.4f} | {t['infer_ms'] / o['infer_ms']:.2f}× |")
print()
print(f"Machine: {model}, {cores} cores. Peak float32 FMA rate from `unroll bench`: {peak} GFLOP/s ({bits}-bit vectors).")
print('Threads (ours, PyTorch): ' + ', '.join(f'{a}, {b}' for a, b in sorted(threads, key=str)) +
      '. Speed-up = PyTorch time / our time (above 1: we are faster). Medians; PyTorch as a user gets it by default.')
EOF
