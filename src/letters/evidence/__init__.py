"""What proves what was sent: the ledger (SQL, hash-chained), the BagIt archive, evidence bundles.

Faces: ``ledger.Ledger``, ``claims.Run``, ``bag_stream.BagBuilder`` (a batch's bag, built as its
letters are written), ``archive.verify_archive``, ``bundle.build.build_bundle``, ``state.state_dir``.
"""
