"""Starts bqemulator (REST + gRPC) in the emulators' virtualenv, without DuckDB's spatial extension.

bqemulator refuses to start when DuckDB cannot INSTALL its ``spatial`` extension,
which needs a download from DuckDB's extension site (not reachable here and in
CI). Spatial only backs GEOGRAPHY, which the project never uses, so this
launcher makes loading it best-effort and then runs the emulator's own CLI.
Run with the emulators' Python: ``<venv>/bin/python run_bqemulator.py start ...``.
"""

import sys

from bqemulator import cli
from bqemulator.storage import engine


def _spatial_best_effort(self: engine.DuckDBEngine) -> None:
    try:
        self._connection.execute("LOAD spatial")
    except Exception as exc:  # the extension is not installed: GEOGRAPHY is unavailable
        engine._log.warning("duckdb.spatial_unavailable", error=str(exc))


engine.DuckDBEngine._load_spatial = _spatial_best_effort
sys.exit(cli.main())
