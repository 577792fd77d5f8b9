"""The agency's registry: persons, households, social-assistance enrolments, and where each came from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakme.common.languages import in_english
from sakme.common.models import TimeStamped, Versioned
from sakme.geo.models import Municipality, Named, TerritorialUnit
from sakme.registry import personal_numbers


class Sex(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")


class DisabilityStatus(models.TextChoices):
    NONE = "", _("none recorded")
    MODERATE = "moderate", _("moderate")
    SIGNIFICANT = "significant", _("significant")
    SEVERE = "severe", _("severe")


class Person(Versioned):
    """One person as the agency knows them (the best of its sources; each source's view is a SourceRecord)."""

    # The personal number is never stored as such (see personal_numbers.py): its keyed hash finds the person
    # (unique among persons who have one), its seal opens for a reveal with a reason, its tail shows masked.
    # NULL, not "", when unknown, all three together.
    personal_number_digest = models.CharField(max_length=32, null=True, blank=True, editable=False)  # noqa: DJ001
    personal_number_sealed = models.CharField(max_length=80, null=True, blank=True, editable=False)  # noqa: DJ001
    personal_number_tail = models.CharField(max_length=3, null=True, blank=True, editable=False)  # noqa: DJ001
    given_name_ka = models.CharField(_("given name (Georgian)"), max_length=100, blank=True)
    family_name_ka = models.CharField(_("family name (Georgian)"), max_length=100, blank=True)
    given_name_lat = models.CharField(_("given name (Latin)"), max_length=100, blank=True)
    family_name_lat = models.CharField(_("family name (Latin)"), max_length=100, blank=True)
    # Folded matching keys (sakme.common.georgian.fold): search by either script and common variants.
    family_key = models.CharField(max_length=100, blank=True, editable=False)
    given_key = models.CharField(max_length=100, blank=True, editable=False)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("municipality"))
    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="persons", verbose_name=_("territorial unit"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    disability_status = models.CharField(_("disability status"), max_length=16, blank=True,
                                         choices=DisabilityStatus.choices)
    # Set when retention anonymised the person (see sakme.retention): the identifying fields are blank since.
    anonymised_on = models.DateField(_("anonymised on"), null=True, blank=True, editable=False)
    # The source whose values the person's fields carry; other sources only fill what is blank.
    primary_source = models.ForeignKey("SourceSystem", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", db_index=False)  # a handful of values: no index
    # Set when the person was merged into another (see merging.py): kept for the unmerge, hidden from lists.
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("merged into"))

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(fields=["personal_number_digest"],
                                    condition=models.Q(personal_number_digest__isnull=False),
                                    name="person_unique_personal_number"),
        ]
        # Name search reads ranges of one key in the order of both (and id, for a stable order), from either end.
        indexes = [
            models.Index(fields=["family_key", "given_key", "id"], name="person_family_given"),
            models.Index(fields=["given_key", "family_key", "id"], name="person_given_family"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def personal_number_masked(self) -> str:
        return personal_numbers.masked(self.personal_number_tail)

    def personal_number_set(self, number: str | None) -> None:
        """Store a number (or none) in its three forms; the caller saves."""
        stored = personal_numbers.protect(number) if number else None
        self.personal_number_digest = stored.digest if stored else None
        self.personal_number_sealed = stored.sealed if stored else None
        self.personal_number_tail = stored.tail if stored else None

    @property
    def full_name(self) -> str:
        if in_english() or not (self.given_name_ka or self.family_name_ka):
            return f"{self.given_name_lat} {self.family_name_lat}".strip()
        return f"{self.given_name_ka} {self.family_name_ka}".strip()

    @property
    def other_script_name(self) -> str:
        """The name in the script not shown by `full_name`, so both are on screen."""
        latin = f"{self.given_name_lat} {self.family_name_lat}".strip()
        return latin if self.full_name != latin else f"{self.given_name_ka} {self.family_name_ka}".strip()


class NameKey(models.Model):
    """Every folded name key that occurs, once: where the typo-tolerant search looks for near spellings.

    Thousands to tens of thousands of rows however many persons there are; the importer adds the keys it writes,
    and a key no longer used does no harm (it only finds no one). `persons` (how many carry it, as of the last
    import that wrote it) ranks close matches, the rarer name first; `spread` says its deletion neighbourhood
    (`NameVariant`) is written.
    """

    class Kind(models.TextChoices):
        GIVEN = "g", _("given name")
        FAMILY = "f", _("family name")

    kind = models.CharField(max_length=1, choices=Kind.choices)
    key = models.CharField(max_length=100)
    length = models.PositiveSmallIntegerField()
    # Database defaults too: keys are written in set-based SQL that names neither.
    persons = models.PositiveIntegerField(default=0, db_default=0)
    spread = models.BooleanField(default=False, db_default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="namekey_unique")]
        indexes = [models.Index(fields=["kind", "length"], name="namekey_length")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class NameVariant(models.Model):
    """A name key with up to its typo budget of letters deleted (the key itself included): two spellings are within
    that many edits only if they share such a variant, so the near spellings of a typed word are found by looking
    up the word's own deletions in this index, never by reading every key (a symmetric deletion index)."""

    variant = models.CharField(max_length=100)
    name_key = models.ForeignKey(NameKey, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        indexes = [models.Index(fields=["variant", "name_key"], name="namevariant_variant")]

    def __str__(self) -> str:
        return f"{self.variant} -> {self.name_key_id}"


class Household(TimeStamped):
    # The unique (source, key) constraint serves look-ups by source: no separate index.
    source = models.ForeignKey("SourceSystem", on_delete=models.PROTECT, related_name="households", db_index=False)
    key = models.CharField(_("household code"), max_length=40)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="households")
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="household_unique_key")]

    def __str__(self) -> str:
        return self.key


class Relation(models.TextChoices):
    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    SIBLING = "sibling", _("sibling")
    GRANDCHILD = "grandchild", _("grandchild")
    GRANDPARENT = "grandparent", _("grandparent")
    OTHER = "other", _("other relative or member")


class Membership(TimeStamped):
    """A person's current household (one at a time) and relation to its head."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="membership")
    relation = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices,
                                default=Relation.OTHER)

    class Meta:
        verbose_name = _("household membership")
        verbose_name_plural = _("household memberships")

    def __str__(self) -> str:
        return f"{self.person_id} in {self.household_id} ({self.relation})"


class EnrolmentStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    TERMINATED = "terminated", _("terminated")


class ScoreOrigin(models.TextChoices):
    IMPORTED = "imported", _("imported")
    COMPUTED = "computed", _("computed by sakme")


class Enrolment(TimeStamped):
    """A household's assessment in the Targeted Social Assistance programme (one per assessment date).

    Scores come from the SSA registry's files (imported, kept as they are) or from an application decided in sakme
    (computed from the declaration by the formula in force, explained on the application)."""

    # Covered by the unique (household, assessment date) constraint.
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="enrolments", db_index=False)
    rating_score = models.PositiveIntegerField(_("rating score"))
    assessment_date = models.DateField(_("assessment date"))
    status = models.CharField(_("status"), max_length=16, choices=EnrolmentStatus.choices,
                              default=EnrolmentStatus.ACTIVE)
    # A database default too: the importer writes enrolments in set-based SQL, which names no origin.
    origin = models.CharField(_("score from"), max_length=10, choices=ScoreOrigin.choices,
                              default=ScoreOrigin.IMPORTED, db_default=ScoreOrigin.IMPORTED)

    class Meta:
        verbose_name = _("social-assistance enrolment")
        verbose_name_plural = _("social-assistance enrolments")
        ordering = ["-assessment_date"]
        constraints = [
            models.UniqueConstraint(fields=["household", "assessment_date"], name="enrolment_unique_assessment"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.assessment_date}: {self.rating_score}"


class SourceSystem(Named):
    """A system persons come from (the SSA registry, Worknet, ...). Data, so a deployment can add its own."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    # Lower is more trusted: a person's fields carry the values of their most trusted source.
    rank = models.PositiveSmallIntegerField(_("trust rank"), default=10)
    # A record of this source is a registration as a job seeker (Worknet): outreach leaves such persons out.
    holds_job_seekers = models.BooleanField(_("its records are job-seeker registrations"), default=False)

    class Meta:
        verbose_name = _("source system")
        verbose_name_plural = _("source systems")


class ImportBatch(TimeStamped):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("imported")
        FAILED = "failed", _("refused: see the errors")
        INTERRUPTED = "interrupted", _("interrupted: nothing was written, run it again")

    class Kind(models.TextChoices):
        PERSONS = "persons", _("persons")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PERSONS)
    source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="batches")
    file_name = models.CharField(_("file"), max_length=255)
    file_path = models.CharField(max_length=500, blank=True)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    mapping = models.JSONField(_("column mapping"), default=dict)
    all_or_nothing = models.BooleanField(_("write all rows or none"), default=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    message = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class ImportProblem(models.Model):
    """One problem of one row: which column, which value, why, and what would be right."""

    class Severity(models.TextChoices):
        ERROR = "error", _("error")
        WARNING = "warning", _("warning")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=100, blank=True)
    value = models.CharField(_("value"), max_length=300, blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.ERROR)
    message = models.CharField(_("problem"), max_length=300)
    expected = models.CharField(_("what would be right"), max_length=300, blank=True)
    # The problem as a stable code with its parameters, translated when shown (message/expected are the
    # English text at import time, kept for problems stored before codes).
    code = models.CharField(max_length=60, blank=True)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        ordering = ["row", "id"]

    def __str__(self) -> str:
        return f"row {self.row} {self.column}: {self.message}"


class SourceRecord(models.Model):
    """A person as one source system holds them: its key and its own values, for traceability and linkage."""

    # Covered by the unique (source, key) constraint.
    source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="records", db_index=False)
    key = models.CharField(_("key in the source"), max_length=64)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="source_records")
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="records")
    row = models.PositiveIntegerField(_("row in the file"))
    # As on the person: a keyed hash and a seal, never the number (linkage opens the seals in memory).
    personal_number_digest = models.CharField(max_length=32, null=True, blank=True, editable=False)  # noqa: DJ001
    personal_number_sealed = models.CharField(max_length=80, null=True, blank=True, editable=False)  # noqa: DJ001
    personal_number_tail = models.CharField(max_length=3, null=True, blank=True, editable=False)  # noqa: DJ001
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     db_index=False)  # what the source said; never searched by
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    registered_at = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("source record")
        verbose_name_plural = _("source records")
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="sourcerecord_unique_key")]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.key}"

    @property
    def personal_number_masked(self) -> str:
        return personal_numbers.masked(self.personal_number_tail)


class EmergencyAccess(models.Model):
    """Break-the-glass: a user opened a person outside their units, saying why. It lapses at `until`; the unit head
    of the person's unit and the data-protection officer see every one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("who"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    # The person's unit when the glass was broken: whose unit head is told (the person may move later).
    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("territorial unit"))
    reason = models.CharField(_("reason"), max_length=200)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    until = models.DateTimeField(_("open until"))

    class Meta:
        verbose_name = _("access outside one's units")
        verbose_name_plural = _("accesses outside one's units")
        indexes = [
            models.Index(fields=["user", "until"], name="emergency_user_until"),  # a user's open accesses
            models.Index(fields=["unit", "-opened_at"], name="emergency_unit_opened"),  # a unit head's list
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.person_id} until {self.until:%Y-%m-%d %H:%M}"


class PersonMerge(models.Model):
    """Two persons found to be one, merged (see merging.py): what moved from the merged person to the survivor, which
    of the survivor's fields the merge filled, who decided it and on which linkage pair, and whether it was undone."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_received",
                                 verbose_name=_("survivor"))
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_given",
                               verbose_name=_("merged person"))
    # {"app_label.model.field": [ids of the rows that pointed at the merged person and now point at the survivor]}
    moved = models.JSONField(default=dict)
    # {"field": [before, after]} of the survivor's fields the merged person filled ("personal_number": its digest)
    filled = models.JSONField(default=dict)
    # The linkage pair (and run) that found them, by id: the registry does not know linkage's tables.
    pair_id = models.PositiveBigIntegerField(_("linkage pair"), null=True, blank=True)
    run_id = models.PositiveBigIntegerField(_("linkage run"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("merged at"))
    unmerged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("unmerged by"))
    unmerged_at = models.DateTimeField(_("unmerged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("merge of persons")
        verbose_name_plural = _("merges of persons")
        constraints = [models.UniqueConstraint(fields=["merged"], condition=models.Q(unmerged_at__isnull=True),
                                               name="personmerge_one_current_per_merged")]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"
