"""§5.3.1 geofence geometry (pure, no Django).

Browser geolocation gives WGS-84; Chinese map apps (高德, 腾讯, 百度 after its own step) give GCJ-02,
the published obfuscation of WGS-84 inside mainland China. Everything is compared in WGS-84:
``gcj02_to_wgs84`` inverts the forward transform by fixed-point iteration (sub-centimetre after a
few rounds), ``haversine_m`` measures on the sphere, ``in_polygon`` ray-casts on a local plane (fine
for sites of a few kilometres).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WGS84 = "wgs84"
GCJ02 = "gcj02"

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as in the published GCJ-02 algorithm
_EE = 0.00669342162296594323
EARTH_RADIUS_M = 6371008.8


def out_of_china(lat: float, lng: float) -> bool:
    """The published rough box: outside it GCJ-02 equals WGS-84 (passthrough)."""
    return not (73.66 < lng < 135.05 and 3.86 < lat < 53.55)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """The published forward transform (WGS-84 → GCJ-02); identity outside China."""
    if out_of_china(lat, lng):
        return lat, lng
    dlat = _transform_lat(lng - 105.0, lat - 35.0)
    dlng = _transform_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """GCJ-02 → WGS-84 by iterating the forward transform until it reproduces the input
    (error below 1e-9 degrees, about 0.1 mm); identity outside China."""
    if out_of_china(lat, lng):
        return lat, lng
    wlat, wlng = lat, lng
    for _round in range(30):
        glat, glng = wgs84_to_gcj02(wlat, wlng)
        dlat, dlng = glat - lat, glng - lng
        wlat, wlng = wlat - dlat, wlng - dlng
        if abs(dlat) < 1e-9 and abs(dlng) < 1e-9:
            break
    return wlat, wlng


def to_wgs84(lat: float, lng: float, coord_system: str) -> tuple[float, float]:
    if coord_system == GCJ02:
        return gcj02_to_wgs84(lat, lng)
    if coord_system == WGS84:
        return lat, lng
    raise ValueError(f"unknown coordinate system {coord_system!r}")


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _local_xy(lat0: float, lng0: float, lat: float, lng: float) -> tuple[float, float]:
    """Equirectangular metres east/north of (lat0, lng0)."""
    x = math.radians(lng - lng0) * math.cos(math.radians(lat0)) * EARTH_RADIUS_M
    y = math.radians(lat - lat0) * EARTH_RADIUS_M
    return x, y


def in_polygon(lat: float, lng: float, vertices: list[tuple[float, float]]) -> bool:
    """Ray casting (even-odd) over [lat, lng] vertices; a point on an edge may fall either way."""
    inside = False
    n = len(vertices)
    j = n - 1
    for i in range(n):
        yi, xi = vertices[i]
        yj, xj = vertices[j]
        if (yi > lat) != (yj > lat):
            x_cross = xi + (lat - yi) * (xj - xi) / (yj - yi)
            if lng < x_cross:
                inside = not inside
        j = i
    return inside


def _segment_distance_m(lat: float, lng: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    ax, ay = _local_xy(lat, lng, *a)
    bx, by = _local_xy(lat, lng, *b)
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
    px, py = ax + t * dx, ay + t * dy
    return math.hypot(px, py)


@dataclass(frozen=True)
class Fence:
    """A site in WGS-84, ready to test points against (built once per site and cached)."""

    site_id: int
    name: str
    kind: str  # "circle" | "polygon"
    center: tuple[float, float] | None = None
    radius_m: float = 0.0
    vertices: tuple[tuple[float, float], ...] = ()

    @classmethod
    def build(cls, *, site_id: int, name: str, kind: str, coord_system: str, center_lat=None, center_lng=None,
              radius_m=None, polygon=None) -> Fence:
        if kind == "circle":
            return cls(site_id, name, kind, center=to_wgs84(center_lat, center_lng, coord_system),
                       radius_m=float(radius_m))
        verts = tuple(to_wgs84(float(p[0]), float(p[1]), coord_system) for p in (polygon or []))
        return cls(site_id, name, kind, vertices=verts)

    def distance_m(self, lat: float, lng: float) -> float:
        """0 inside; otherwise metres to the fence's edge."""
        if self.kind == "circle":
            return max(0.0, haversine_m(lat, lng, *self.center) - self.radius_m)
        if len(self.vertices) < 3:
            return math.inf
        if in_polygon(lat, lng, list(self.vertices)):
            return 0.0
        n = len(self.vertices)
        return min(_segment_distance_m(lat, lng, self.vertices[i], self.vertices[(i + 1) % n]) for i in range(n))

    def contains(self, lat: float, lng: float) -> bool:
        return self.distance_m(lat, lng) == 0.0


def inside(site, lat: float, lng: float, coord_system: str = WGS84) -> bool:
    """§5.3.1 is the point (given in ``coord_system``) inside ``site`` (a GeofenceSite or any object with
    its fields)? Both are converted to WGS-84 first."""
    return fence_of(site).contains(*to_wgs84(lat, lng, coord_system))


def fence_of(site) -> Fence:
    return Fence.build(site_id=site.pk, name=site.name, kind=site.kind, coord_system=site.coord_system,
                       center_lat=site.center_lat, center_lng=site.center_lng, radius_m=site.radius_m,
                       polygon=site.polygon)


def nearest(fences, lat: float, lng: float) -> tuple[Fence | None, float]:
    """(the fence containing the WGS-84 point or else the nearest one, metres to it; 0 when inside)."""
    best, best_d = None, math.inf
    for fence in fences:
        d = fence.distance_m(lat, lng)
        if d < best_d:
            best, best_d = fence, d
            if d == 0.0:
                break
    return best, best_d


def validate_point(lat, lng) -> tuple[float, float]:
    """Parse a latitude/longitude pair; ValueError with a Chinese reason for anything not on the globe."""
    try:
        lat_f, lng_f = float(lat), float(lng)
    except (TypeError, ValueError):
        raise ValueError("纬度/经度必须是数字") from None
    if not (math.isfinite(lat_f) and math.isfinite(lng_f)) or not -90 <= lat_f <= 90 or not -180 <= lng_f <= 180:
        raise ValueError("纬度应在 −90 到 90 之间，经度应在 −180 到 180 之间")
    return lat_f, lng_f
