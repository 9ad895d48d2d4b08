"""File bytes → checked Account records: read CSV / XLSX / JSON, parse cells, refuse bad rows by name.

Faces: ``validate.load_accounts`` (file → AccountSet), ``validate.validate_file`` (a report for `letters
validate`), ``accounts`` (Account, Address, AccountSet), ``oneoff.account_from_settings`` (--set fields).
"""
