"""The Prometheus figures: what the bot counts shows up in the exposition text."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from vitalitybot.domain.records import SuggestionKind
from vitalitybot.observability.metrics import Metrics


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the exposition, parsed back as Prometheus would read it."""
    text = metrics.render().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_counters_start_at_zero_and_count() -> None:
    metrics = Metrics()
    assert samples(metrics)[("vitalitybot_rounds_opened_total", ())] == 0.0
    metrics.round_opened()
    metrics.round_opened()
    metrics.round_closed()
    metrics.answer_recorded(5)
    metrics.answer_recorded()
    metrics.suggestion_posted(SuggestionKind.REMEDY)
    metrics.suggestion_posted(SuggestionKind.REPLANT)
    metrics.suggestion_posted(SuggestionKind.REMEDY)
    metrics.discord_http_error(429)
    metrics.discord_http_error(500)
    metrics.discord_http_error(429)

    got = samples(metrics)
    assert got[("vitalitybot_rounds_opened_total", ())] == 2.0
    assert got[("vitalitybot_rounds_closed_total", ())] == 1.0
    assert got[("vitalitybot_answers_recorded_total", ())] == 6.0
    assert got[("vitalitybot_suggestions_posted_total", (("kind", "remedy"),))] == 2.0
    assert got[("vitalitybot_suggestions_posted_total", (("kind", "replant"),))] == 1.0
    assert got[("vitalitybot_discord_http_errors_total", (("status", "429"),))] == 2.0
    assert got[("vitalitybot_discord_http_errors_total", (("status", "500"),))] == 1.0


def test_gauges_hold_the_latest_reading() -> None:
    metrics = Metrics()
    metrics.observe_gateway_latency(0.25)
    metrics.observe_gateway_latency(0.125)
    metrics.observe_scheduler_lag(3.0)
    metrics.observe_scheduler_lag(-1.0)  # ran early by the clock's reckoning: no lag
    got = samples(metrics)
    assert got[("vitalitybot_gateway_latency_seconds", ())] == 0.125
    assert got[("vitalitybot_scheduler_lag_seconds", ())] == 0.0
    assert got[("vitalitybot_scheduler_job_lag_seconds_count", ())] == 2.0
    assert got[("vitalitybot_scheduler_job_lag_seconds_sum", ())] == 3.0
    assert got[("vitalitybot_scheduler_job_lag_seconds_bucket", (("le", "1.0"),))] == 1.0


def test_two_instances_keep_separate_counts() -> None:
    # The global registry would refuse the second set of names; each has its own.
    first, second = Metrics(), Metrics()
    first.round_opened()
    assert samples(first)[("vitalitybot_rounds_opened_total", ())] == 1.0
    assert samples(second)[("vitalitybot_rounds_opened_total", ())] == 0.0
