"""``medtalk batch``: thousands of dialogue lines in one command, resumable, here or on a Ray cluster.

- ``manifest``: the CSV/JSONL manifest, one line per row;
- ``work``: one line's inputs as bytes (``LineTask``), the content hash, the
  worker that animates it with the model loaded once (``LineWorker``);
- ``local``, ``cluster``: executors in this process, in worker processes, or
  as Ray actors;
- ``outputs``: a line's files, the record that makes a run resumable, the report;
- ``runner``: the driver tying them together (``run_batch``).

A front door over the library: each line is animated by ``medtalk.infer.animate``
and exported by ``medtalk.export.export_rig``, exactly as ``medtalk animate`` does.
"""

from medtalk.batch.runner import BatchOptions, BatchSummary, run_batch

__all__ = ["BatchOptions", "BatchSummary", "run_batch"]
