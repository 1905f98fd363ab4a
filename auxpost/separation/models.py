"""§5.2.4 解聘 Separation: cases (proposal → review → execution by the HR company → items returned →
archive), their recorded transitions, the returned-items checklist and the Art. 42 protection records.

State lives in ``SeparationCase.status``, moved only by ``auxpost.separation.services`` through
``rules.FLOW``; every move appends a :class:`Transition` and an audit link. Transitions, returned items and
protection records are append-only; nothing here is ever deleted (records are kept).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from auxpost.separation import rules


class Ground(models.TextChoices):
    CONTRACT_END = rules.CONTRACT_END, _("Contract expired (Labour Contract Law Art. 44(1))")
    RESIGNATION = rules.RESIGNATION, _("Resignation (Art. 37)")
    ART39_PROBATION = rules.ART39_PROBATION, _("Failed probation (Art. 39(1))")
    ART39_BREACH = rules.ART39_BREACH, _("Serious breach of rules (Art. 39(2))")
    ART39_NEGLIGENCE = rules.ART39_NEGLIGENCE, _("Serious dereliction causing major damage (Art. 39(3))")
    ART39_CRIMINAL = rules.ART39_CRIMINAL, _("Criminal liability (Art. 39(6))")
    ART40_UNFIT = rules.ART40_UNFIT, _("Unfit after training or change of post (Art. 40(2))")
    RETIREMENT = rules.RETIREMENT, _("Statutory retirement age (Art. 44(2))")
    DEATH = rules.DEATH, _("Death (Art. 44(4))")


class Source(models.TextChoices):
    MANUAL = rules.MANUAL, _("Entered by the bureau")
    RETIREMENT = rules.SRC_RETIREMENT, _("Retirement (automatic)")
    EVALUATION = rules.EVALUATION, _("Grade evaluation round")
    ANNUAL_RESULT = rules.ANNUAL_RESULT, _("Annual results")
    PROBATION = rules.PROBATION, _("Probation")
    RESIGNATION = rules.SRC_RESIGNATION, _("Member's own request")


class CaseStatus(models.TextChoices):
    PROPOSED = rules.PROPOSED, _("Proposed")
    REVIEWED = rules.REVIEWED, _("Approved on review")
    REFUSED = rules.REFUSED, _("Refused on review")
    EXECUTED = rules.EXECUTED, _("Contract ended by the HR company")
    RETURNED = rules.RETURNED, _("Items returned")
    ARCHIVED = rules.ARCHIVED, _("Archived")
    CANCELLED = rules.CANCELLED, _("Cancelled")


class ProtectionKind(models.TextChoices):
    PREGNANCY = rules.PREGNANCY, _("Pregnancy")
    MATERNITY = rules.MATERNITY, _("Maternity")
    NURSING = rules.NURSING, _("Nursing (to the child's first birthday)")
    MEDICAL = rules.MEDICAL, _("Medical treatment period")
    OCCUPATIONAL = rules.OCCUPATIONAL, _("Suspected occupational disease under diagnosis")
    WORK_INJURY = rules.WORK_INJURY, _("Occupational disease or work injury with loss of capacity")


class Item(models.TextChoices):
    UNIFORM = rules.UNIFORM, _("Uniform")
    BADGE = rules.BADGE, _("Badge, armband and auxiliary insignia")
    CERTIFICATE = rules.CERTIFICATE, _("Duty certificate")


class AppendOnly(models.Model):
    """Written once, never changed or deleted (§4.4 every trace kept)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{self._meta.verbose_name_plural} are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self._meta.verbose_name_plural} are append-only")


class SeparationCase(models.Model):
    """§5.2.4 One separation of one member: ground and its legal basis (snapshotted), who proposed it and
    why, the review, the HR company's execution with the last day, the effect on that day, the checklist."""

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="separation_cases",
                               verbose_name=_("member"))
    ground = models.CharField(_("ground"), max_length=20, choices=Ground.choices)
    #: The ground's name and legal basis as they read when the case was proposed.
    ground_label = models.CharField(_("ground name"), max_length=100)
    legal_basis = models.TextField(_("legal basis"))
    reason = models.TextField(_("reason"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    proposed_on = models.DateField(_("proposed on"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    #: The last day of the contract: proposed (resignation, retirement) and set by the HR company on execution.
    last_day = models.DateField(_("last day"), null=True, blank=True)
    status = models.CharField(_("case status"), max_length=12, choices=CaseStatus.choices,
                              default=CaseStatus.PROPOSED, db_index=True)
    #: The Art. 42 protections found at proposal and at review ([{kind, label, since, until, article}]).
    protections = models.JSONField(_("protections found"), default=list, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    executed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    #: The day the HR company gave the written notice / ended the contract.
    executed_on = models.DateField(_("notice given on"), null=True, blank=True)
    #: Art. 40: one month's pay instead of 30 days' notice.
    pay_in_lieu = models.BooleanField(_("one month's pay instead of notice"), default=False)
    #: When the effect on the last day was applied (status separated, login closed, contract and certificate).
    effect_applied_at = models.DateTimeField(_("effect applied at"), null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-proposed_on", "-pk"]
        verbose_name = _("separation case")
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=models.Q(status__in=rules.OPEN_STATES),
                                    name="separation_one_open_case"),
        ]
        indexes = [models.Index(fields=["status", "last_day"], name="separation_status_lastday")]

    def __str__(self) -> str:
        return f"{self.member} · {self.ground_label}"

    def delete(self, *args, **kwargs):
        raise ValueError("separation cases are kept, never deleted (§5.2.4)")

    @property
    def ground_info(self) -> rules.Ground:
        return rules.GROUNDS[self.ground]

    @property
    def state_label(self) -> str:
        return rules.STATE_LABEL.get(self.status, self.status)


class Transition(AppendOnly):
    """§4.4/§5.2.4 One recorded move of a case (append-only): who, in which role, when, why, from → to."""

    case = models.ForeignKey(SeparationCase, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    acting_as = models.CharField(_("acting as"), max_length=20, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("separation transition")

    @property
    def action_label(self) -> str:
        return rules.ACTION_LABEL.get(self.action, self.action)


class ReturnedItem(AppendOnly):
    """§5.2.4 One item of the checklist handed back: uniform, badge, certificate — on which date, received by whom."""

    case = models.ForeignKey(SeparationCase, on_delete=models.PROTECT, related_name="returned_items")
    item = models.CharField(_("item"), max_length=12, choices=Item.choices)
    returned_on = models.DateField(_("returned on"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("remarks"), max_length=300, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("returned item")
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="separation_item_once")]


class ProtectionRecord(AppendOnly):
    """§5.2.4 / 劳动合同法 Art. 42 A protection period on record for a member (pregnancy, maternity, nursing,
    medical period, occupational disease, work injury), entered by the HR company or the bureau. A nursing
    record starts on the child's birth date and, without an end, runs to the first birthday. Append-only:
    a correction is a new record that ``supersedes`` the old one (only records not superseded count)."""

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="protection_records",
                               verbose_name=_("member"))
    kind = models.CharField(_("protection"), max_length=24, choices=ProtectionKind.choices)
    start = models.DateField(_("protected from"))
    end = models.DateField(_("protected until"), null=True, blank=True)
    note = models.CharField(_("remarks"), max_length=300, blank=True)
    #: A correction (e.g. the end date once known) is a new record replacing this one; the old one is kept.
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by", verbose_name=_("replaces record"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["member", "start", "pk"]
        verbose_name = _("protection record")
        indexes = [models.Index(fields=["member", "start"], name="separation_protection_member")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                                   name="separation_protection_end_after_start"),
        ]

    def fact(self) -> rules.ProtectionFact:
        return rules.ProtectionFact(self.kind, self.start, self.end)
