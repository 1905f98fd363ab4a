"""See the app's services for the SPEC clauses."""

from django.db import models  # noqa: F401
