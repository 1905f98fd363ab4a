"""``{% load files %}{% attachment_thumbs record.photos.all %}``: small thumbnails linking to each image,
a link for each PDF. Prefetch the attachments (``prefetch_related("photos")``) when listing many records."""

from django import template

register = template.Library()


@register.inclusion_tag("files/thumbs.html")
def attachment_thumbs(attachments, size: int = 64):
    return {"items": list(attachments or []), "size": int(size)}
