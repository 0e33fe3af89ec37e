"""The reports' figures at scale: each report over all teams (the data part of its page)
and the quarterly council PDF: collecting its figures, rendering it, and WeasyPrint's own
floor for the same layout (the same HTML with the figures already filled in, rendered by
WeasyPrint alone; the ratio is what our template and charts add)."""

import time

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from reporting.council import council_context
from reporting.periods import last_full_quarter

from .report import Row, summarise

PDF_REPEAT = 3


def _timed(function, repeat: int) -> tuple[list[float], int]:
    """Timings in ms of `repeat` calls after one warm-up, and the queries of the last."""
    function()
    samples = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            function()
            samples.append((time.perf_counter() - started) * 1000)
    return samples, len(queries.captured_queries)


def council_pdf_rows(write, repeat: int = PDF_REPEAT) -> list[Row]:
    """The council PDF of the last full quarter: its data part, its rendering, and
    WeasyPrint's floor for the same layout."""
    from weasyprint import HTML

    today = timezone.localdate()
    period = last_full_quarter(today)
    with translation.override("nl"):
        data, queries = _timed(lambda: council_context(period, today), repeat)
        context = council_context(period, today)
        html = render_to_string("reporting/council.html", context)

        def rendering():
            HTML(string=render_to_string("reporting/council.html", context)).write_pdf()

        rendered, _queries = _timed(rendering, repeat)
    floor, _queries = _timed(lambda: HTML(string=html).write_pdf(), repeat)
    pdf = HTML(string=html).write_pdf()
    data_median, data_p95 = summarise(data)
    render_median, render_p95 = summarise(rendered)
    floor_median, _floor_p95 = summarise(floor)
    rows = [
        Row("council PDF: data part", data_median, data_p95, queries, target="< 500 ms"),
        Row(
            "council PDF: rendering (template + WeasyPrint)",
            render_median,
            render_p95,
            0,
            len(pdf),
            floor_name="WeasyPrint alone, same HTML",
            floor_ms=floor_median,
            target="next to the floor",
        ),
    ]
    return rows
