"""Event statistics drawn as a PNG chart, off-screen with matplotlib's Agg."""

import io
from collections import defaultdict

from api.http.problems import problem_response

# matplotlib and its stack are half the installed size, so they come with the
# ``charts`` extra only; every import of them stays inside a function.
NOT_INSTALLED = (
    "This server draws no charts: it was installed without matplotlib. Install "
    "Dateline with its charts extra (pip install 'dateline[charts]') and restart "
    "it. GET /events/stats answers the same numbers as JSON or CSV."
)

# Groups drawn one by one; the others are summed into one "other" series.
TOP_GROUPS = 8
LABEL_KEYS = (
    ("event_name", "event_code"),
    ("actor_name", "actor_id"),
    ("location_name", "location_id"),
    ("country",),
    ("role",),
    ("source",),
)


def installed() -> bool:
    """Whether matplotlib, from the ``charts`` extra, can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def not_installed():
    """The 501 Problem Details a chart gets where matplotlib is not installed."""
    return problem_response(501, NOT_INSTALLED)


def _label(bucket: dict) -> str:
    parts = []
    for keys in LABEL_KEYS:
        if any(k in bucket for k in keys):
            value = next((bucket[k] for k in keys if bucket.get(k) is not None), None)
            parts.append("(none)" if value is None else str(value))
    return " / ".join(parts) or "all events"


def _series(stats: dict, measure: str) -> tuple[list, dict[str, list]]:
    """Periods, and each drawn group's values over them, biggest groups first."""
    periods = list(dict.fromkeys(b["period"] for b in stats["buckets"]))
    values: dict[str, dict] = defaultdict(dict)
    for bucket in stats["buckets"]:
        values[_label(bucket)][bucket["period"]] = bucket[measure]
    ranked = sorted(values, key=lambda label: -sum(values[label].values()))
    series = {k: [values[k].get(p, 0) for p in periods] for k in ranked[:TOP_GROUPS]}
    if len(ranked) > TOP_GROUPS:
        series["other"] = [
            sum(values[k].get(p, 0) for k in ranked[TOP_GROUPS:]) for p in periods
        ]
    return periods, series


def _draw_series(axes, periods: list, series: dict[str, list]) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    # Periods are plotted by position, labelled with their first day: the
    # years 1 and 9999 an event may carry are beyond matplotlib's dates.
    def label(x, _position):
        index = int(x)
        return periods[index].isoformat() if 0 <= index < len(periods) else ""

    for name, values in series.items():
        axes.plot(range(len(periods)), values, marker="o", markersize=3, label=name)
    axes.set_xlim(-0.5, len(periods) - 0.5)
    axes.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(label))
    axes.set_ylim(bottom=0, top=max(1, *(max(v) for v in series.values())) * 1.05)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))


def png(stats: dict, measure: str) -> bytes:
    """The chart of ``measure`` (events, fatalities, fatalities_unknown) as PNG."""
    # Imported on the first chart, not at start-up: matplotlib takes a while.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 5.5), dpi=100, layout="constrained")
    canvas = FigureCanvasAgg(figure)
    axes = figure.subplots()
    periods, series = _series(stats, measure)
    what = measure.replace("_", " ")
    if not series:
        axes.text(0.5, 0.5, "No events match.", ha="center", va="center")
    elif stats["interval"] == "none":
        axes.barh(list(series)[::-1], [v[0] for v in series.values()][::-1])
        axes.set_xlabel(what)
    else:
        _draw_series(axes, periods, series)
        axes.set_ylabel(f"{what} per {stats['interval']}")
        if stats["group_by"]:
            axes.legend(fontsize="small")
    title = f"{what.capitalize()} per {stats['interval']}"
    if stats["group_by"]:
        title += " by " + ", ".join(stats["group_by"])
    axes.set_title(title)
    spread = stats["imprecise"]
    if spread:
        count = sum(b["events"] for b in spread)
        amount = (
            ""
            if measure == "events"
            else f" ({sum(b[measure] for b in spread)} {what})"
        )
        figure.supxlabel(
            f"Not drawn: {count} event(s){amount} dated only to a span longer than "
            f"one {stats['interval']}: see imprecise in the JSON or CSV.",
            fontsize="small",
        )
    out = io.BytesIO()
    canvas.print_png(out)
    return out.getvalue()
