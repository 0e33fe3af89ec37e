from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Generated data at scale and the benchmarks (`generate_scale_data`, `make bench`).

    No models: the commands write into the other apps' tables, set-based (docs/benchmarks.md).
    """

    name = "bench"
    verbose_name = "Benchmarks"
