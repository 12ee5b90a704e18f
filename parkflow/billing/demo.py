"""The demo park's billing (R-PLT-6): each part's steps, in order.

--- part "refunds": ``demo_refunds.DEMO_STEPS`` (a large refund waiting for its second
signature, a small one released, a deposit return waiting for its signature)."""

from .demo_refunds import DEMO_STEPS as REFUND_STEPS

DEMO_STEPS = [
    *REFUND_STEPS,
]
