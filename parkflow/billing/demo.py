"""The demo park's billing (issue 12): each part of billing declares its ``seed_demo`` steps in
its own module, gathered here (the bills' part is billui's, the statements' below)."""

from .demo_statements import DEMO_STEPS as _STATEMENT_STEPS

DEMO_STEPS: list = []

# --- statements and disputes (R-BIL-5) --------------------------------------------------------
DEMO_STEPS += _STATEMENT_STEPS
