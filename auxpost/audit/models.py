"""§11 Audit (留痕): a tamper-evident, append-only hash chain of every change and export."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    """Append-only at the ORM level too: bulk update/delete are refused like single ones."""

    def update(self, **kwargs):
        raise ValueError("audit entries are append-only")

    def delete(self):
        raise ValueError("audit entries are append-only")

    update.queryset_only = True
    delete.queryset_only = True


class AuditEntry(models.Model):
    """One link of the chain. ``hash`` = SHA-256 over ``prev_hash`` and this entry's canonical content.

    Entries are never updated or deleted by the application (the model, its queryset and database
    triggers refuse it); ``auxpost audit verify`` recomputes the chain and names the first link
    whose stored hash no longer matches — the check against someone with rights to the database
    itself, who can drop a trigger.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        TRANSITION = "transition", _("Workflow move")
        EXPORT = "export", _("Personal-data export")
        IMPORT = "import", _("Import")
        LOGIN = "login", _("Login")
        OTHER = "other", _("Other")

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    # DO_NOTHING: the actor's id is part of the hash, so removing a user must not rewrite the
    # entries (SET_NULL would); actor_name keeps who it was.
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=12, choices=Action.choices)
    object_type = models.CharField(max_length=60, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit entries are append-only")


class AuditHead(models.Model):
    """A single row locked (select_for_update) while a link is appended, so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
