from auxpost.core.navigation import navigation_for


def navigation(request):
    """Navigation entries for the signed-in user's roles (empty for anonymous)."""
    return {"nav_items": navigation_for(request.user), "demo_mode": __import__("django.conf").conf.settings.DEMO_MODE}
