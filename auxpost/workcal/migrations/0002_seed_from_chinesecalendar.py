"""§11 Seed the calendar with every year the pinned ``chinesecalendar`` package covers (source=package).

``ship`` is also called by test fixtures after a flush empties the tables, the way the migration does.
"""

import datetime as dt

from django.db import migrations

#: The package's short Chinese names, written the way the State Council notices write them.
NAME_FIXES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def package_schedule() -> dict[int, dict[dt.date, tuple[str, str]]]:
    """{year: {date: (kind, Chinese holiday name)}} from the installed package's own tables."""
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    chinese = {h.value: NAME_FIXES.get(h.chinese, h.chinese) for h in Holiday}
    out: dict[int, dict[dt.date, tuple[str, str]]] = {}
    for table, kind in ((chinese_calendar.holidays, "holiday"), (chinese_calendar.workdays, "workday")):
        for day, name in table.items():
            out.setdefault(day.year, {})[day] = (kind, chinese.get(name, name))
    return out


def ship(apps, schema_editor):
    import chinese_calendar

    CalendarYear = apps.get_model("workcal", "CalendarYear")
    ExceptionDay = apps.get_model("workcal", "ExceptionDay")
    version = getattr(chinese_calendar, "__version__", "")
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    existing = set(CalendarYear.objects.values_list("year", flat=True))
    for year, days in sorted(package_schedule().items()):
        if year in existing:
            continue
        cy = CalendarYear.objects.create(
            year=year, source="package", notice_ref="",
            notice_title=f"国务院办公厅关于{year}年部分节假日安排的通知",
            source_detail=f"chinesecalendar {version}".strip(), entered_at=now, changed_at=now,
        )
        ExceptionDay.objects.bulk_create([
            ExceptionDay(calendar_year=cy, date=day, kind=kind, name=name) for day, (kind, name) in sorted(days.items())
        ])


class Migration(migrations.Migration):
    dependencies = [("workcal", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
