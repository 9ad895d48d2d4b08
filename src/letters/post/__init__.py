"""Letters → registered-mail numbers (kept in the ledger), the carriers' mailing lists, delivery events.

Faces: ``tracking.assign_tracking``, ``mailing`` (build_mailing_lists, write_mailing_lists),
``delivery.import_events``.
"""
