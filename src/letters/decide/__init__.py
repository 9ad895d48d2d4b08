"""Accounts + history → which letter each gets, when, and why not: policy, plan, limitation, schedules.

Faces: ``policy.load_policy`` (Policy), ``plan.plan_letters`` (Plan, PlannedLetter), ``kinds`` (KINDS),
``limitation.report_rows``, ``installments.payment_plan``.
"""
