"""The simulator benchmark runs end to end and counts only successful dashboards."""

from bench.credex_sim_bench import run


def test_benchmark_reports_dashboard_throughput_without_failures() -> None:
    result = run(0.3)
    assert result["requests"] > 0 and result["failures"] == 0
    assert result["requests_per_second"] > 0 and result["server_cpu_seconds"] >= 0
