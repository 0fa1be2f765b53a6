"""Human-readable reports of a suite run: console tables, a markdown report and a per-category chart.

Everything here reads the JSON report built by ``eval/run.py`` (so a saved report can be
re-rendered); it computes no metric itself. The chart uses matplotlib's Agg backend: no
display is needed.
"""

from __future__ import annotations

from pathlib import Path

# (key in the metrics dict, column header) of the per-category table of the project's answerer.
COLUMNS = (
    ("n", "n"), ("accuracy", "acc"), ("citation_precision", "cit P"), ("citation_recall", "cit R"),
    ("retrieval_hit_at_5", "hit@5"), ("retrieval_recall_at_5", "R@5"), ("mrr", "MRR"),
    ("answered_rate", "answered"), ("wrong_confident_answers", "wrong!"), ("latency_p50_ms", "p50 ms"),
)
OVERALL = (
    ("answer_accuracy", "acc (answerable)"), ("overall_accuracy", "acc (all)"), ("citation_precision", "cit P"), ("citation_recall", "cit R"),
    ("retrieval_recall_at_5", "R@5"), ("mrr", "MRR"), ("abstention_precision", "abst P"),
    ("abstention_recall", "abst R"), ("wrong_confident_answers", "wrong!"),
    ("latency_p50_ms", "p50 ms"), ("latency_p95_ms", "p95 ms"),
)


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.2f}"


def _one_line(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _category_rows(result: dict) -> list[list[str]]:
    rows = []
    for cat, m in result["by_category"].items():
        m = {**m, "accuracy": m["overall_accuracy"]}
        rows.append([cat] + [_cell(m.get(k)) for k, _ in COLUMNS])
    overall = {**result["metrics"], "accuracy": result["metrics"]["overall_accuracy"]}
    rows.append(["ALL"] + [_cell(overall.get(k)) for k, _ in COLUMNS])
    return rows


def _comparison(result: dict, key: str) -> tuple[list[str], list[list[str]]]:
    """Per-category ``key`` for every system (rows: categories, columns: systems)."""
    systems = list(result["systems"])
    rows = []
    for cat in result["by_category"]:
        rows.append([cat] + [_cell(result["systems"][s]["by_category"].get(cat, {}).get(key)) for s in systems])
    rows.append(["ALL"] + [_cell(result["systems"][s]["metrics"].get(
        "overall_accuracy" if key == "overall_accuracy" else key)) for s in systems])
    return ["category"] + systems, rows


def _overall(result: dict) -> tuple[list[str], list[list[str]]]:
    rows = [[name] + [_cell(s["metrics"].get(k)) for k, _ in OVERALL] for name, s in result["systems"].items()]
    return ["system"] + [h for _, h in OVERALL], rows


def _text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def console_tables(result: dict) -> str:
    """The tables printed at the end of a run: per category, then systems compared."""
    parts = [f"\n{result['system']} ({result.get('mode', '')} mode), {result['n_questions']} questions",
             _text_table(["category"] + [h for _, h in COLUMNS], _category_rows(result)),
             "\nAccuracy by category, project vs baselines",
             _text_table(*_comparison(result, "overall_accuracy")),
             "\nOverall", _text_table(*_overall(result))]
    return "\n".join(parts)


def chart(result: dict, path: Path) -> Path:
    """Draw accuracy and retrieval recall@5 per category for every system into a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cats = list(result["by_category"])
    systems = list(result["systems"])
    fig, axes = plt.subplots(2, 1, figsize=(11, 8), sharex=True)
    width = 0.8 / max(1, len(systems))
    panels = (("overall_accuracy", "Answer accuracy (unanswerable: declined)"),
              ("retrieval_recall_at_5", "Retrieval recall@5 (gold quotes in top 5)"))
    for ax, (key, title) in zip(axes, panels):
        for i, name in enumerate(systems):
            per = result["systems"][name]["by_category"]
            ys = [per.get(c, {}).get(key) or 0.0 for c in cats]
            ax.bar([x + (i - (len(systems) - 1) / 2) * width for x in range(len(cats))], ys, width,
                   label=name)
        for x, c in enumerate(cats):  # say "n/a" rather than draw an empty gap
            if all(result["systems"][n]["by_category"].get(c, {}).get(key) is None for n in systems):
                ax.text(x, 0.03, "n/a", ha="center", fontsize=9, color="gray")
        ax.set_title(title)
        ax.set_ylim(0, 1.05)
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=len(systems), bbox_to_anchor=(0.5, 0.955), fontsize=9)
    axes[1].set_xticks(range(len(cats)))
    axes[1].set_xticklabels([f"{c}\n(n={result['by_category'][c]['n']})" for c in cats], fontsize=8)
    fig.suptitle(f"Eval suite by category ({result.get('mode', '')} mode, {result['n_questions']} questions)")
    fig.tight_layout(rect=(0, 0, 1, 0.93))  # leave room for the title and the legend above the panels
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_markdown(result: dict, out_dir: Path) -> Path:
    """Write ``report.md`` and ``by_category.png`` into ``out_dir``; returns the markdown path."""
    out_dir = Path(out_dir)
    png = chart(result, out_dir / "by_category.png")
    m = result["metrics"]
    gate = result.get("gate", {})
    lines = [
        f"# Eval report: {result['system']} ({result.get('mode', '')} mode)", "",
        f"{result['n_questions']} questions. Answer accuracy {_cell(m['answer_accuracy'])} on answerable "
        f"questions, citation precision {_cell(m['citation_precision'])}, abstention recall "
        f"{_cell(m['abstention_recall'])}, **{m['wrong_confident_answers']} wrong confident answers** "
        f"({m['wrong_confident_on_unanswerable']} on unanswerable questions, "
        f"{m['wrong_answers_on_answerable']} with no gold value). Latency p50 {_cell(m['latency_p50_ms'])} ms, "
        f"p95 {_cell(m['latency_p95_ms'])} ms." + (
            f" First token of the model's answer (first streamed text) p50 {_cell(m['first_piece_p50_ms'])} ms."
            if result.get("mode") == "llm" and m.get("first_piece_p50_ms") is not None else ""), "",
        f"![accuracy and retrieval by category]({png.name})", "",
        "## Per category", "", _md_table(["category"] + [h for _, h in COLUMNS], _category_rows(result)), "",
        "acc: answerable -> normalised match of the gold answer (fraction of required values for "
        "multi-value questions); unanswerable -> declined (so the ALL row counts declining correctly; "
        "'acc (answerable)' below does not). wrong!: answered, but no gold value (or the question is "
        "unanswerable).", "",
        "## Against the baselines", "", "Accuracy by category:", "",
        _md_table(*_comparison(result, "overall_accuracy")), "",
        "Citation precision by category:", "", _md_table(*_comparison(result, "citation_precision")), "",
        "Wrong confident answers by category:", "", _md_table(*_comparison(result, "wrong_confident_answers")), "",
        "Overall:", "", _md_table(*_overall(result)), "",
    ]
    wrong = [q for q in result.get("questions", []) if q["wrong_confident"]]
    if wrong:
        lines += ["## Wrong confident answers (the worst error)", ""]
        lines += [f"- **{q['qid']}** ({q['category']}): {q['question']}  \n  answered: \u201c{_one_line(q['text'])}\u201d"
                  for q in wrong]
        lines.append("")
    if gate:
        verdict = "not applied (a subset, or another mode)" if not gate.get("applied") else \
            ("passed" if gate.get("passed") else "FAILED")
        lines += ["## Gate", "", verdict, ""]
        lines += [f"- {f}" for f in gate.get("failures", [])]
        lines.append("")
    if result.get("settings"):
        lines += ["## Settings", "", ", ".join(f"{k}={v}" for k, v in result["settings"].items()), ""]
    md = out_dir / "report.md"
    md.write_text("\n".join(lines), encoding="utf-8")
    return md
