"""Resource allocation (SPEC §3, R-RES-1 … R-RES-6; Art.12, Art.20(一)2): the park's catalogue,
entitlements by customer grade, requests under the risk-control review and, for major ones, the
leading group's approval; no resource held twice for overlapping periods (a database exclusion
constraint on PostgreSQL); above-entitlement grants justified, flagged and analysed; delivery
deviations and key customers' continuity."""
