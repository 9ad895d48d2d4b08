"""An account's letters, mailing lists and deliveries → one paginated, indexed, Bates-stamped PDF.

Faces: ``build.build_bundle``; ``sources`` (what goes in, hash-checked), ``pages`` (the pages it adds),
``labels`` (its words per language), ``assemble`` (pypdf).
"""
