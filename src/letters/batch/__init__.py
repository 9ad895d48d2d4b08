"""Options + accounts → a finished batch: the stages in order, in worker processes, archived and recorded.

Faces: ``pipeline.run_batch`` (BatchResult), ``options.Options``, ``preview.preview_letter``,
``workers.WorkerPool``.
"""
