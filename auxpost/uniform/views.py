"""§5.3.5 着装 pages (thin: access check, one selector or service call).

- ``/uniform/`` inspections of a month in the caller's units, with the pass rate per unit;
- ``/uniform/new/`` a new inspection on the phone: pick a team (``?unit=``) or one member (``?member=``),
  then a grid of members × checklist items, every item passing until tapped, a note per failed item and
  photos per member;
- ``/uniform/<id>/`` one inspection (the inspector corrects it with a reason);
- ``/uniform/me/`` 我的着装检查: my inspections and why points were deducted.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.core.forms import error_text as _errors
from auxpost.files.forms import clean_uploads
from auxpost.files.models import IMAGE_TYPES
from auxpost.org.models import Unit
from auxpost.org.selectors import unit_full_names
from auxpost.people.models import Member
from auxpost.people.selectors import own_member
from auxpost.points.models import PointsEntry
from auxpost.uniform import selectors
from auxpost.uniform.models import Inspection
from auxpost.uniform.services import Entry, inspection_correct, inspection_record

PER_PAGE = 50
MAX_PHOTOS = 6


def _month(request, today: dt.date) -> dt.date:
    raw = request.GET.get("month") or ""
    try:
        y, m = raw.split("-")
        return dt.date(int(y), int(m), 1)
    except ValueError:
        return today.replace(day=1)


def _entries_by_origin(origins) -> dict[str, PointsEntry]:
    origins = [o for o in origins if o]
    return {e.origin: e for e in PointsEntry.objects.filter(origin__in=origins)} if origins else {}


@login_required
def inspection_list(request):
    """§5.3.5 a month's inspections in the caller's units with the pass rate per unit."""
    user = request.user
    if not selectors.can_view_units(user):
        raise Http404
    today = timezone.localdate()
    month = _month(request, today)
    units = selectors.units_visible_to(user, roles_allowed=selectors.STAFF_ROLES)
    unit = None
    if request.GET.get("unit"):
        try:
            unit = units.get(pk=int(request.GET["unit"]))
        except (Unit.DoesNotExist, ValueError):
            raise Http404 from None
    failed_only = request.GET.get("failed") == "1"
    stats, total = selectors.unit_stats(user, month=month, unit=unit)
    qs = selectors.inspection_list(user, month=month, unit=unit, failed_only=failed_only)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    names = unit_full_names()
    for i in page.object_list:
        i.unit_name = names.get(i.unit_id, "")
    return render(request, "uniform/list.html", {
        "page": page, "month": month, "unit": unit, "stats": stats, "total": total, "failed_only": failed_only,
        "units": [(u.pk, names.get(u.pk, u.name)) for u in units], "can_inspect": selectors.can_inspect(user)})


@login_required
def inspection_new(request):
    """§5.3.5 a new inspection of a team (``?unit=``) or one member (``?member=``), on the phone."""
    user = request.user
    if not selectors.can_inspect(user):
        raise Http404
    today = timezone.localdate()
    names = unit_full_names()
    members = None
    target = ""
    if request.GET.get("member"):
        try:
            m = selectors.inspectable_members(user).select_related("unit").get(pk=int(request.GET["member"]))
        except (Member.DoesNotExist, ValueError):
            raise Http404 from None
        members, target = [m], m.name
    elif request.GET.get("unit"):
        try:
            unit = selectors.inspector_units(user).get(pk=int(request.GET["unit"]))
        except (Unit.DoesNotExist, ValueError):
            raise Http404 from None
        members = list(selectors.inspectable_members(user).filter(unit__path__startswith=unit.path)
                       .select_related("unit").order_by("unit__path", "name", "pk"))
        target = names.get(unit.pk, unit.name)
    if members is None:
        units = selectors.inspector_units(user)
        return render(request, "uniform/pick.html", {
            "units": [(u.pk, names.get(u.pk, u.name), u.kind) for u in units]})
    raw_date = request.POST.get("date") if request.method == "POST" else None
    checklist = selectors.checklist(today)
    if request.method == "POST":
        try:
            day = dt.date.fromisoformat(raw_date or "")
        except ValueError:
            messages.error(request, _("Inspection date: not a valid date."))
            day = None
        if day is not None:
            checklist = selectors.checklist(day)
            entries, errors = [], []
            for m in members:
                failed = [c for c, _n in checklist if request.POST.get(f"fail-{m.pk}-{c}")]
                notes = {c: request.POST.get(f"note-{m.pk}-{c}", "") for c in failed}
                try:
                    photos = clean_uploads(request.FILES.getlist(f"photos-{m.pk}"), types=IMAGE_TYPES,
                                           max_files=MAX_PHOTOS)
                except ValidationError as exc:
                    errors.append(f"{m.name}：{'；'.join(exc.messages)}")
                    continue
                entries.append(Entry(member=m, failed=failed, notes=notes, photos=photos))
            if errors:
                messages.error(request, "；".join(errors))
            else:
                try:
                    done = inspection_record(actor=user, date=day, entries=entries, at=timezone.now())
                except ValidationError as exc:
                    messages.error(request, _errors(exc))
                else:
                    failed_n = sum(1 for i in done if i.failed_count)
                    messages.success(request, _("Inspection recorded: %(n)s member(s), %(f)s with failed items.") % {
                        "n": len(done), "f": failed_n})
                    if len(done) == 1:
                        return redirect("uniform:detail", pk=done[0].pk)
                    return redirect(f"{_list_url()}?failed=1")
    rows = []
    for m in members:
        rows.append({"member": m, "items": [
            {"code": c, "name": n, "failed": bool(request.POST.get(f"fail-{m.pk}-{c}")),
             "note": request.POST.get(f"note-{m.pk}-{c}", "")} for c, n in checklist]})
    return render(request, "uniform/new.html", {"rows": rows, "target": target, "today": today,
                                               "date": raw_date or today.isoformat()})


def _list_url() -> str:
    from django.urls import reverse

    return reverse("uniform:list")


@login_required
def inspection_detail(request, pk):
    """§5.3.5 one inspection, its failed items, photos and points entry; the inspector corrects it."""
    user = request.user
    ins = selectors.inspection_for(user, pk)
    can_correct = selectors.can_correct(user, ins)
    if request.method == "POST":
        if not can_correct:
            raise Http404
        codes = [c for c, _n in ins.checklist]
        failed = [c for c in codes if request.POST.get(f"fail-{c}")]
        notes = {c: request.POST.get(f"note-{c}", "") for c in failed}
        try:
            inspection_correct(actor=user, inspection=ins, failed=failed, notes=notes,
                               reason=request.POST.get("reason", ""), at=timezone.now())
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        except PermissionError:
            raise Http404 from None
        else:
            messages.success(request, _("Inspection corrected."))
        return redirect("uniform:detail", pk=ins.pk)
    origins = [f"uniform.inspection:{ins.pk}"] + [f"uniform.inspection:{ins.pk}:r{n}" for n in range(1, ins.revision + 1)]
    entries = list(PointsEntry.objects.filter(origin__in=origins).order_by("pk"))
    reversing = {e.reverses_id: e for e in PointsEntry.objects.filter(reverses__in=entries)} if entries else {}
    for e in entries:
        e.reversed = reversing.get(e.pk)
    failed = set(ins.failed)
    items = [{"code": c, "name": n, "failed": c in failed, "note": ins.notes.get(c, "")} for c, n in ins.checklist]
    return render(request, "uniform/detail.html", {
        "ins": ins, "items": items, "entries": entries, "can_correct": can_correct,
        "unit_name": unit_full_names().get(ins.unit_id, ins.unit.name), "photos": list(ins.photos.all())})


@login_required
def my_inspections(request):
    """§5.3.5 我的着装检查: my inspections, the failed items and the points entries they produced."""
    me = own_member(request.user)
    if me is None:
        raise Http404
    rows = list(Inspection.objects.filter(member=me).select_related("inspector").prefetch_related("photos")
                .order_by("-date", "-pk")[:100])
    entries = _entries_by_origin(r.points_origin for r in rows)
    for r in rows:
        r.entry = entries.get(r.points_origin)
    return render(request, "uniform/me.html", {"rows": rows, "member": me})
