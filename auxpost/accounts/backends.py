"""Login with lock-out after LOGIN_MAX_FAILURES consecutive failures, for LOGIN_LOCKOUT_SECONDS."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from auxpost.accounts.services import login_log_record


class AccountLocked(Exception):
    pass


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        now = timezone.now()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle for usernames
            login_log_record(request=request, username=username, user=None, event="failure")
            return None
        if user.locked_until and user.locked_until > now:
            login_log_record(request=request, username=username, user=user, event="locked")
            if request is not None:
                request.auxpost_locked_until = user.locked_until
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            login_log_record(request=request, username=username, user=user, event="success")
            return user
        failures = user.failed_logins + 1
        locked_until = None
        if failures >= settings.LOGIN_MAX_FAILURES:
            locked_until = now + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
            failures = 0
            if request is not None:
                request.auxpost_locked_until = locked_until
        User.objects.filter(pk=user.pk).update(failed_logins=failures, locked_until=locked_until)
        login_log_record(request=request, username=username, user=user, event="failure")
        return None
