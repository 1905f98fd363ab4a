"""Login with lock-out after LOGIN_MAX_FAILURES consecutive failures, for LOGIN_LOCKOUT_SECONDS."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from auxpost.accounts.services import login_failure_record, login_log_record, login_success_record


class LockoutModelBackend(ModelBackend):
    """Every attempt goes to the login log. A locked account is refused even with the right password,
    and the form tells until when (``request.auxpost_locked_until``). The lock ends by itself."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        now = timezone.now()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle for usernames
            login_log_record(request=request, username=username, user=None, event="failure", at=now)
            return None
        if user.locked_until and user.locked_until > now:
            login_log_record(request=request, username=username, user=user, event="locked", at=now)
            if request is not None:
                request.auxpost_locked_until = user.locked_until
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            login_success_record(user=user)
            login_log_record(request=request, username=username, user=user, event="success", at=now)
            return user
        locked_until = login_failure_record(user=user, at=now)
        if locked_until is not None and request is not None:
            request.auxpost_locked_until = locked_until
        login_log_record(request=request, username=username, user=user, event="failure", at=now)
        return None
