"""The benchmark's report: one markdown table of every figure, and latency against corpus size."""

from __future__ import annotations

from pathlib import Path


def _f(v, spec: str = ".1f") -> str:
    return "–" if v is None else format(v, spec)


def table(report: dict) -> str:
    """Every figure of ``report`` (``eval/bench.py``'s JSON) as markdown tables, ratios included."""
    m = report["machine"]
    lines = [f"Machine: {m['cpus']} CPUs ({m['cpu'] or 'unknown CPU'}), CPU only, Python {m['python']}, "
             f"load average {m['load_avg_at_start']:.1f} at start, {m['date']}; query encoder: "
             f"{report['embedder_backend']}.", ""]
    lines += ["| corpus | chunks | full build | build chunks/s | raw encoder chunks/s | build / raw (wall) | "
              "build / raw (CPU) | no-change rebuild |", "|---|---|---|---|---|---|---|---|"]
    for name, c in report["corpora"].items():
        b = c["build"]
        synthetic = "synthetic_vectors" in b
        lines.append(f"| {name} | {b['chunks']:,} | {b['full_s']:.1f} s | "
                     + ("(synthetic vectors) | – | – | – | – |" if synthetic else
                        f"{b['build_chunks_per_s']:.1f} | {b['raw_chunks_per_s']:.1f} | {b['build_to_raw']:.2f} | "
                        f"{b.get('build_to_raw_cpu', float('nan')):.2f} | {b['nochange_s']:.2f} s |"))
    lat = {n: c["latency"] for n, c in report["corpora"].items() if "latency" in c}
    if lat:
        lines += ["", "| corpus | chunks | answer() p50 / p95 | one query embedding p50 | answer / embedding | "
                  "llama-index p50 / p95 | peer / answer | llama-index, stock encoder p50 | stock peer / answer | "
                  "accuracy: project / peer | wrong confident: project / peer | first sight p50 |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for name, x in lat.items():
            peer, stock = "llamaindex_ms_p50" in x, "llamaindex-st_ms_p50" in x
            lines.append(
                f"| {name} | {x['chunks']:,} | {x['project_ms_p50']:.1f} / {x['project_ms_p95']:.1f} ms | "
                f"{x['embedding_ms_p50']:.1f} ms | {x['answer_to_embedding']:.2f}× | "
                + (f"{x['llamaindex_ms_p50']:.1f} / {x['llamaindex_ms_p95']:.1f} ms | {x['peer_to_answer']:.2f}× | "
                   if peer else "– | – | ")
                + (f"{x['llamaindex-st_ms_p50']:.1f} ms | {x['stock_peer_to_answer']:.2f}× | " if stock else "– | – | ")
                + f"{_f(x['project_accuracy'], '.2f')} / {_f(x.get('llamaindex_accuracy'), '.2f')} | "
                f"{x['project_wrong_confident']} / {x.get('llamaindex_wrong_confident', '–')} | "
                f"{x['first_sight_ms_p50']:.0f} ms |")
    if "llm_peer" in report:
        x = report["llm_peer"]
        if "error" in x:
            lines += ["", f"Stock llama-index query engine with a local model: not measured ({x['error']})."]
        else:
            lines += ["", "| bundled, questions | answer() p50 | llama-index query engine + local model p50 | "
                      "peer / answer | accuracy: project / peer | wrong confident: project / peer |",
                      "|---|---|---|---|---|---|",
                      f"| {x['questions']} ({x['model']} model) | {x['project_ms_p50']:.1f} ms | "
                      f"{x['llamaindex-llm_ms_p50'] / 1000:.1f} s | {x['peer_to_answer']:,.0f}× | "
                      f"{_f(x['project_accuracy'], '.2f')} / {_f(x['llamaindex-llm_accuracy'], '.2f')} | "
                      f"{x['project_wrong_confident']} / {x['llamaindex-llm_wrong_confident']} |"]
    if "cold" in report:
        lines += ["", "| cold `qa ask` (new process) | wall p50 (min–max) | peak RSS |", "|---|---|---|"]
        for name, x in report["cold"].items():
            lines.append(f"| {name} ({x['runs']} runs) | {x['wall_s_p50']:.2f} s ({x['wall_s_min']:.2f}–"
                         f"{x['wall_s_max']:.2f}) | {x['peak_mib_p50']:.0f} MiB |")
    if "small" in report:
        x = report["small"]
        lines += ["", f"New corpus of {x['articles']} articles in a warm process (`qa.open`, {x['runs']} runs): "
                  f"index + first answer p50 {x['total_s_p50']:.2f} s (index {x['index_s_p50']:.2f} s, "
                  f"first answer {x['first_answer_s_p50']:.2f} s)."]
    if "memory" in report:
        x = report["memory"]
        lines += ["", f"App memory (chat UI built, embedder loaded, {x['chunks']:,}-chunk index of "
                  f"{x['corpus']} open, 5 answers): RSS {x['rss_mib']:.0f} MiB, peak {x['peak_mib']:.0f} MiB."]
    if "server" in report:
        x = report["server"]
        lines += ["", "| Chroma | dense query p50 (store only) | answer() p50 |", "|---|---|---|",
                  f"| embedded | {x['embedded_query_ms_p50']:.2f} ms | {x['embedded_answer_ms_p50']:.1f} ms |",
                  f"| `chroma run` server | {x['server_query_ms_p50']:.2f} ms | {x['server_answer_ms_p50']:.1f} ms |"]
    return "\n".join(lines)


def plot_latency(report: dict, path: Path) -> None:
    """Warm p50 of answer(), the llama-index peer and one query embedding against corpus size (log x)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(((c["latency"]["chunks"], c["latency"]) for c in report["corpora"].values() if "latency" in c),
                  key=lambda r: r[0])
    if not rows:
        return
    xs = [n for n, _ in rows]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=110)
    for key, label, style in (("project_ms_p50", "answer(), extractive", "o-"),
                              ("llamaindex_ms_p50", "llama-index query, same encoder", "s--"),
                              ("llamaindex-st_ms_p50", "llama-index query, sentence-transformers", "d-."),
                              ("embedding_ms_p50", "one query embedding", "^:")):
        if all(key in r for _, r in rows):
            ax.plot(xs, [r[key] for _, r in rows], style, label=label)
    ax.set_xscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("warm latency p50 (ms)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(f"Warm latency vs corpus size ({report['machine']['cpus']} CPUs, CPU only)")
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
