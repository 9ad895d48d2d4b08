"""A planned letter + letterhead + template → the letter's HTML and its merged data (and QR payload).

Faces: ``render_html`` (Letter, render_html), ``templates`` (the sandboxed Jinja environment),
``letterhead`` (find_letterhead), ``canonical`` (letter_data, canonical_json), ``qr``, and the kinds'
extra data: ``naiyo`` (内容証明 grid), ``validation_notice``, ``payment_plan``.
"""
