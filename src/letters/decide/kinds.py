"""The kinds of letter there are: the escalation stages in order, and the kinds sent only on request."""

from __future__ import annotations

# The escalation stages, in order; a policy's stages may only use these.
STAGE_KINDS = ("reminder", "demand", "lawyer")
# Every kind a letter can be (--letter): the stages plus the jurisdiction pack's letters.
KINDS = (*STAGE_KINDS, "validation-notice", "payment-plan")
