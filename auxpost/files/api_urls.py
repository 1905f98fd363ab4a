"""§5.3 / issue 6 item 9: uploaded photos and notes (type and size checked, stored locally, seen only within scope)."""
from rest_framework.routers import SimpleRouter

from auxpost.files.api import AttachmentViewSet

router = SimpleRouter()
router.register("files", AttachmentViewSet, basename="files-attachment")
urlpatterns = [*router.urls]
