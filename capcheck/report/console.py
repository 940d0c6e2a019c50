"""The end-of-session summary table: rich on a terminal, plain text otherwise."""
from __future__ import annotations

import os
from typing import Sequence, TextIO

from capcheck.report.explain import fmt
from capcheck.verdict import Policy, Status, Verdict

_COLOURS = {
    Status.PASS: "green", Status.IMPROVED: "cyan", Status.RECORDED: "blue",
    Status.REGRESSED: "bold red", Status.INCONCLUSIVE: "yellow",
    Status.STALE: "magenta", Status.MISSING: "magenta", Status.ERROR: "bold red",
}


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set."""
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ


def rows(verdicts: Sequence[Verdict]) -> list[list[str]]:
    table = []
    for v in verdicts:
        c = v.comparison
        if c is not None:
            sign = -1 if v.higher_is_better else 1
            low, high = sorted((sign * c.ci_low + 0.0, sign * c.ci_high + 0.0))
            delta = f"{v.delta:+.4f} [{low:+.3f}, {high:+.3f}]"
            p = f"{c.p_value:.3g}" if v.p_adjusted is None else f"{v.p_adjusted:.3g}"
        else:
            delta, p = "", ""
        table.append([v.suite, str(v.n or ""), fmt(v.base_score), fmt(v.candidate_score), delta, p,
                      f"{v.tolerance:.3f}", v.status.value + _status_note(v)])
    return table


def _status_note(verdict: Verdict) -> str:
    if verdict.within_noise:
        return " (noise)"
    if verdict.failed_by_category:
        return f" (in {', '.join(t.name for t in verdict.regressed_categories)})"
    return ""


HEADER = ["suite", "n", "base", "candidate", "delta [95% CI]", "p", "tol", "verdict"]


def column_names(policy: Policy) -> list[str]:
    return [("p (Holm)" if name == "p" and policy.holm else name) for name in HEADER]


def plain_table(verdicts: Sequence[Verdict], policy: Policy | None = None) -> str:
    table = [column_names(policy or Policy())] + rows(verdicts)
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in table)


def render_summary(verdicts: Sequence[Verdict], header: str, policy: Policy, stream: TextIO) -> str:
    """The summary as text (rich-rendered with colour on a terminal)."""
    failed = sum(v.failed(policy) for v in verdicts)
    footer = (f"{len(verdicts)} suite(s): {failed} failed. A suite fails when it is worse than its tolerance "
              f"(significance alpha={policy.alpha}{', Holm-adjusted across suites' if policy.holm else ''}; "
              f"inconclusive {'fails' if policy.inconclusive_fails else 'passes'}).")
    if any(v.within_noise for v in verdicts):
        footer += "\n(noise): worse than tolerance, but no more than the engine noise floor (capcheck calibrate)."
    if not use_colour(stream):
        return f"{header}\n{plain_table(verdicts, policy)}\n{footer}\n"
    from rich.console import Console
    from rich.table import Table

    table = Table(title=header, title_justify="left")
    for name in column_names(policy):
        table.add_column(name, justify="left" if name in ("suite", "delta [95% CI]", "verdict") else "right")
    for v, row in zip(verdicts, rows(verdicts)):
        row[-1] = f"[{_COLOURS[v.status]}]{row[-1]}[/]"
        table.add_row(*row)
    console = Console(file=None, force_terminal=True, width=140, record=True)
    with console.capture() as capture:
        console.print(table)
        console.print(footer)
    return capture.get()
