"""A letter's HTML → PDF bytes with WeasyPrint: shared fonts, per-batch CJK subsets, a locked fetcher.

Faces: ``writer`` (PdfWriter, PdfResult), ``fonts`` (check_glyphs, check_environment), ``batch_fonts``
(prepare_batch_fonts), ``compact_fonts``.
"""
