"""Service agreements (SPEC §2, R-AGR-1 … R-AGR-6; Art.11, Art.18(三), Art.20(一)1): templates
under compliance review, agreements composed of structured clauses, service lines that are
required or requested (never bundled), the legal review before signing, fee schedules priced
from the park's tariffs, signed scans and amendments."""
