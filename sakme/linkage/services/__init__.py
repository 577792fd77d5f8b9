"""Writes of linkage: runs (link, deduplicate, incremental batch), evaluations, stewards' decisions.

Each service checks its capability (the command line and the worker act as `SYSTEM`), writes its audit
events, and owns its transactions. A run keeps no database transaction open while Splink works:
progress is written to the LinkRun row as it goes, and the store is replaced in one transaction at the end.
"""

from sakme.linkage.services.decisions import pair_decide
from sakme.linkage.services.execution import PHASES, link_run_execute, scope_of
from sakme.linkage.services.export import link_export
from sakme.linkage.services.runs import (
    link_batch,
    link_dedupe,
    link_evaluate,
    link_run,
    link_run_create,
    link_run_get,
    link_run_start,
    link_runs_list,
    link_runs_mark_interrupted,
)

__all__ = ["PHASES", "link_batch", "link_dedupe", "link_evaluate", "link_export", "link_run", "link_run_create",
           "link_run_execute", "link_run_get", "link_run_start", "link_runs_list", "link_runs_mark_interrupted",
           "pair_decide", "scope_of"]
