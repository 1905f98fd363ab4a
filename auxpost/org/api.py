"""§5.1 REST API for the unit tree (read only), scoped like the units page (§3)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from auxpost.org.models import Unit, UnitKind
from auxpost.org.selectors import unit_full_names, unit_get_for, unit_tree_for
from auxpost.org.services import headcount


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=UnitKind.choices)
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    full_name = serializers.CharField(help_text="The unit path below the bureau, as in the 花名册 (所属单位).")
    quota = serializers.IntegerField(allow_null=True, help_text="Headcount quota (编外聘用人员限额); null = none of its own.")
    headcount = serializers.IntegerField(help_text="Members on the roster in the unit and every unit below it.")


def _unit_data(unit: Unit, *, full_name: str, count: int) -> dict:
    return {"id": unit.pk, "name": unit.name, "kind": unit.kind, "parent_id": unit.parent_id,
            "full_name": full_name, "quota": unit.quota, "headcount": count}


@extend_schema_view(
    list=extend_schema(summary="The units the caller may see, in tree order, with quota and headcount"),
    retrieve=extend_schema(summary="One unit"),
)
class UnitViewSet(viewsets.GenericViewSet):
    serializer_class = UnitSerializer
    queryset = Unit.objects.none()  # for the schema; every request uses the caller's scope

    def list(self, request):
        rows = [_unit_data(r.unit, full_name=r.full_name, count=r.headcount) for r in unit_tree_for(request.user)]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(UnitSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        unit = unit_get_for(request.user, pk)
        data = _unit_data(unit, full_name=unit_full_names()[unit.pk], count=headcount(unit))
        return Response(UnitSerializer(data).data)
