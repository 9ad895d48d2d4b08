"""A letter's rendered HTML → DOCX bytes with python-docx, and the 内容証明 text as an e内容証明 file.

Faces: ``writer.DocxWriter``, ``naiyo.write_naiyo_docx``.
"""
