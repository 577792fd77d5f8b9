"""The link store: trained models, runs, candidate pairs with their evidence, and clusters of records.

A cluster is one real person across sources: source records joined by accepted links (automatically above
the model's upper threshold, or by a data steward). Records that are linked to nothing have no cluster.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakme.registry.models import ImportBatch, SourceRecord


class LinkType(models.TextChoices):
    LINK = "link_only", _("link sources")
    DEDUPE = "dedupe_only", _("deduplicate one source")


class Engine(models.TextChoices):
    DUCKDB = "duckdb", _("DuckDB (one machine)")
    SPARK = "spark", _("Spark (a cluster)")


class LinkageModel(models.Model):
    """A trained Splink model (its settings JSON with m and u probabilities), versioned per scope."""

    scope = models.CharField(_("scope"), max_length=100, help_text=_("the source codes it links, e.g. ssa+worknet"))
    version = models.PositiveIntegerField(_("version"))
    link_type = models.CharField(_("link type"), max_length=16, choices=LinkType.choices)
    sources = models.JSONField(_("sources"), default=list)
    splink_model = models.JSONField(_("Splink model"), default=dict)
    prior = models.FloatField(_("match prior"), help_text=_("probability that two random records match"))
    upper_threshold = models.FloatField(_("auto-accept threshold"))
    lower_threshold = models.FloatField(_("review threshold"))
    active = models.BooleanField(_("active"), default=False)
    training = models.JSONField(_("training summary"), default=dict, blank=True)
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("trained by"))
    trained_at = models.DateTimeField(_("trained at"))

    class Meta:
        verbose_name = _("linkage model")
        verbose_name_plural = _("linkage models")
        ordering = ["scope", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "version"], name="linkagemodel_unique_version"),
            models.UniqueConstraint(fields=["scope"], condition=models.Q(active=True),
                                    name="linkagemodel_one_active_per_scope"),
            models.CheckConstraint(condition=models.Q(lower_threshold__lte=models.F("upper_threshold")),
                                   name="linkagemodel_thresholds_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} v{self.version}"


class LinkRun(models.Model):
    """One linkage task: a full run, a deduplication, an incremental batch or an evaluation."""

    class Kind(models.TextChoices):
        RUN = "run", _("link sources")
        DEDUPE = "dedupe", _("deduplicate a source")
        BATCH = "batch", _("link a new import batch")
        EVALUATE = "evaluate", _("evaluate")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("finished")
        REFUSED = "refused", _("refused: see the message")
        FAILED = "failed", _("failed")
        # Its process stopped: before the store was written (nothing changed) or just after (its links are kept);
        # either way running it again finishes the work.
        INTERRUPTED = "interrupted", _("interrupted: its process stopped before it finished; start it again")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    sources = models.JSONField(_("sources"), default=list)
    engine = models.CharField(_("engine"), max_length=16, choices=Engine.choices, default=Engine.DUCKDB)
    retrain = models.BooleanField(_("train a new model"), default=False)
    model = models.ForeignKey(LinkageModel, on_delete=models.PROTECT, null=True, blank=True, related_name="runs")
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    phase = models.CharField(_("phase"), max_length=32, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # When the run last reported progress: a running run silent for long has lost its process (see services).
    progress_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    timings = models.JSONField(_("timings (s)"), default=dict, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("started by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)


class Cluster(models.Model):
    """One real person as several source records (two or more: single records have no cluster)."""

    size = models.PositiveIntegerField(_("records"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return f"cluster {self.pk} ({self.size})"


class ClusterMember(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    record = models.OneToOneField(SourceRecord, on_delete=models.CASCADE, related_name="cluster_member")
    # The probability of the strongest accepted link that holds the record in its cluster.
    probability = models.FloatField(_("match probability"))

    class Meta:
        verbose_name = _("cluster member")
        verbose_name_plural = _("cluster members")
        indexes = [models.Index(fields=["cluster"], name="clustermember_cluster")]

    def __str__(self) -> str:
        return f"{self.record_id} in {self.cluster_id}"


class CandidatePair(models.Model):
    """Two source records the model scored above the review threshold, with the evidence, and what became of it."""

    class Status(models.TextChoices):
        AUTO_ACCEPTED = "auto_accepted", _("linked automatically")
        REVIEW = "review", _("waiting for review")
        ACCEPTED = "accepted", _("linked by a steward")
        REJECTED = "rejected", _("kept apart")

    class Decision(models.TextChoices):
        NONE = "", _("not decided")
        MATCH = "match", _("same person")
        NON_MATCH = "non_match", _("different persons")
        UNSURE = "unsure", _("unsure")

    record_a = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    model = models.ForeignKey(LinkageModel, on_delete=models.PROTECT, related_name="pairs")
    run = models.ForeignKey(LinkRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="pairs")
    probability = models.FloatField(_("match probability"))
    match_weight = models.FloatField(_("match weight"))
    # {comparison name: [level (gamma), match weight of that level]}: Splink's waterfall, read with the model.
    comparisons = models.JSONField(_("comparisons"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True, default="")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # What a decision is worth: highest where the model is least sure (see store.review_value).
    value = models.FloatField(_("value of a decision"), default=0)

    class Meta:
        verbose_name = _("candidate pair")
        verbose_name_plural = _("candidate pairs")
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="candidatepair_unique_records"),
            models.CheckConstraint(condition=models.Q(record_a__lt=models.F("record_b")),
                                   name="candidatepair_ordered_records"),
        ]
        indexes = [
            models.Index(fields=["status", "-value"], name="candidatepair_queue"),
            models.Index(fields=["record_b"], name="candidatepair_record_b"),
        ]

    def __str__(self) -> str:
        return f"{self.record_a_id}–{self.record_b_id} {self.probability:.3f}"

    @property
    def is_link(self) -> bool:
        return self.status in (self.Status.AUTO_ACCEPTED, self.Status.ACCEPTED)
