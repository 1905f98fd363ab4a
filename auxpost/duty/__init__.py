"""§5.3.1 点名 and §5.3.6 执勤: duty areas with geofences, duty rosters, roll-call marks."""
