#!/usr/bin/env python3
"""Medians of several ../shared/bench/compare.sh runs, as the markdown tables of docs/performance.md and the README.

    python3 benchmarks/peer_medians.py /tmp/anchors/results/compare-A.jsonl compare-B.jsonl compare-C.jsonl

For each workload and each run: Unroll's time, the best peer's time and who it was, and the ratio best peer / Unroll
(above 1: Unroll is faster). Training peers: PyTorch 1.13, TorchSharp 0.107 (LibTorch 2.10) at its default threads and
at 1; inference adds ONNX Runtime 1.31 at 1 and 2 intra-op threads. The tables give every run's ratio and the median
(of the ratios; the times shown are medians too). Standard library only.
"""
import json
import statistics
import sys

PEERS_TRAIN = ['torch113', 'torchsharp', 'torchsharp_t1']
PEERS_INFER = PEERS_TRAIN + ['ort']
NAMES = {'torch113': 'PyTorch', 'torchsharp': 'TorchSharp', 'torchsharp_t1': 'TorchSharp 1 thread', 'ort': 'ORT'}
LABELS = {
    'W0': 'W0 rnn_relu 1→1, T3 B4', 'W1': 'W1 lstm 1→32, T30 B64', 'W2': 'W2 lstm 8→128×2, T50 B64',
    'W3': 'W3 lstm 64→512, T100 B128', 'W4': 'W4 lstm 1→64, T30 B1', 'W5': 'W5 gru 1→32, T30 B64',
    'W6': 'W6 rnn_tanh 1→64, T30 B64',
}


def run_figures(path):
    """{workload: {kind: (unroll ms, best peer ms, peer, ratio)}, 'load': ..., 'peak': ..., 'gflops': ...}"""
    rows = [json.loads(line) for line in open(path) if line.strip()]
    out = {}
    for w in dict.fromkeys(r['workload'] for r in rows):
        mine = next(r for r in rows if r['workload'] == w and r['src'] == 'unroll')
        figures = {'load': next((r['loadavg'] for r in rows if r['workload'] == w and r['src'] == 'load'), '-'),
                   'peak': mine.get('peak_gflops'), 'gflops': mine.get('gflops')}
        for kind, peers in (('train_ms', PEERS_TRAIN), ('infer_ms', PEERS_INFER)):
            candidates = [(r[kind], r['src'] + (f" {r['threads']}t" if r['src'] == 'ort' and 'threads' in r else ''))
                          for r in rows if r['workload'] == w and r['src'] in peers and r.get(kind) is not None]
            best, who = min(candidates)
            figures[kind] = (mine[kind], best, who, best / mine[kind])
        out[w] = figures
    return out


def peer_name(who):
    src, _, threads = who.partition(' ')
    return NAMES.get(src, src) + (f' {threads[:-1]} thread' + ('s' if threads[:-1] != '1' else '') if threads else '')


def main(paths):
    runs = [run_figures(p) for p in paths]
    workloads = list(runs[0])
    print(f"Runs: {', '.join(paths)}")
    print('load (1, 5, 15 min) when each workload started: ' + '; '.join(
        f"{w} " + ' / '.join(r[w]['load'].split()[0] for r in runs) for w in workloads))
    print()
    print('| workload | train ratio (runs) | median | Unroll ms | best peer ms | inference ratio (runs) | median | Unroll ms | best peer ms |')
    print('|---|---|---:|---:|---:|---|---:|---:|---:|')
    for w in workloads:
        cells = [LABELS.get(w, w)]
        for kind in ('train_ms', 'infer_ms'):
            ratios = [r[w][kind][3] for r in runs]
            mine = statistics.median(r[w][kind][0] for r in runs)
            best = statistics.median(r[w][kind][1] for r in runs)
            whos = sorted({peer_name(r[w][kind][2]) for r in runs})
            cells += [', '.join(f'{x:.2f}' for x in ratios), f'**{statistics.median(ratios):.2f}×**',
                      f'{mine:.4g}', f"{best:.4g} ({' / '.join(whos)})"]
        print('| ' + ' | '.join(cells) + ' |')
    print()
    for w in workloads:
        peaks = [r[w]['peak'] for r in runs]
        rates = [r[w]['gflops'] for r in runs]
        print(f"{w}: training step {statistics.median(rates):.0f} GFLOP/s (runs {', '.join(f'{x:.0f}' for x in rates)}) "
              f"against a measured peak of {statistics.median(peaks):.0f} (runs {', '.join(f'{x:.0f}' for x in peaks)})")


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit('usage: peer_medians.py RUN.jsonl [RUN.jsonl ...]')
    main(sys.argv[1:])
