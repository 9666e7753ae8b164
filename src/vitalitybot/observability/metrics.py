"""The figures an operator watches, in Prometheus form.

Each ``Metrics`` keeps its own registry rather than prometheus-client's global one:
the bot makes one, and every test or simulation can make another without the
"duplicated timeseries" clash a shared registry would raise.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from vitalitybot.domain.records import SuggestionKind

NAMESPACE = "vitalitybot"
CONTENT_TYPE = CONTENT_TYPE_LATEST

# Scheduler lag: how late a job ran after its planned time. Most run within a second;
# the top buckets catch a bot that was asleep or stopped.
LAG_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 3600.0)


class Metrics:
    """Counters and gauges for rounds, answers, suggestions, Discord and the scheduler."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = CollectorRegistry() if registry is None else registry
        r = self.registry
        self.rounds_opened = Counter(
            "rounds_opened",
            "Rounds (check-ins and surveys) opened.",
            namespace=NAMESPACE,
            registry=r,
        )
        self.rounds_closed = Counter(
            "rounds_closed", "Rounds closed.", namespace=NAMESPACE, registry=r
        )
        self.answers_recorded = Counter(
            "answers_recorded", "Answers recorded.", namespace=NAMESPACE, registry=r
        )
        self.suggestions_posted = Counter(
            "suggestions_posted",
            "Suggestions posted, by kind (steps, feedback, replant, ...).",
            ["kind"],
            namespace=NAMESPACE,
            registry=r,
        )
        self.discord_http_errors = Counter(
            "discord_http_errors",
            "Discord HTTP requests that failed, by status code.",
            ["status"],
            namespace=NAMESPACE,
            registry=r,
        )
        self.gateway_latency = Gauge(
            "gateway_latency_seconds",
            "Latest gateway heartbeat latency.",
            namespace=NAMESPACE,
            registry=r,
        )
        self.scheduler_lag = Gauge(
            "scheduler_lag_seconds",
            "How late the latest scheduled job ran after its planned time.",
            namespace=NAMESPACE,
            registry=r,
        )
        self.scheduler_lag_histogram = Histogram(
            "scheduler_job_lag_seconds",
            "How late scheduled jobs ran after their planned time.",
            namespace=NAMESPACE,
            buckets=LAG_BUCKETS,
            registry=r,
        )

    def round_opened(self) -> None:
        self.rounds_opened.inc()

    def round_closed(self) -> None:
        self.rounds_closed.inc()

    def answer_recorded(self, count: int = 1) -> None:
        self.answers_recorded.inc(count)

    def suggestion_posted(self, kind: SuggestionKind) -> None:
        self.suggestions_posted.labels(kind=kind.value).inc()

    def discord_http_error(self, status: int) -> None:
        self.discord_http_errors.labels(status=str(status)).inc()

    def observe_gateway_latency(self, seconds: float) -> None:
        self.gateway_latency.set(seconds)

    def track_gateway_latency(self, read: Callable[[], float]) -> None:
        """Read the latency from ``read`` whenever the figures are rendered.

        The gateway measures it at every heartbeat; asking at scrape time shows the
        latest measurement without a task polling for it. NaN until the first one.
        """
        self.gateway_latency.set_function(read)

    def observe_scheduler_lag(self, seconds: float) -> None:
        """A job ran ``seconds`` after its planned time (negative values count as 0)."""
        lag = max(0.0, seconds)
        self.scheduler_lag.set(lag)
        self.scheduler_lag_histogram.observe(lag)

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric here."""
        return generate_latest(self.registry)
