"""What proves what was sent: the ledger (SQL, hash-chained), the BagIt archive, evidence bundles.

Faces: ``ledger.Ledger``, ``claims.Run``, ``archive`` (write_bag, verify_archive),
``bundle.build.build_bundle``, ``state.state_dir``.
"""
