"""Imports, in the order they run.

``jobs`` queues an upload and ``runs`` holds one import per database at a time;
``files`` runs an import: ``reading`` (a separate process) parses rows with a
``formats`` module into ``records``, which ``resolver`` and ``identity`` tie to
stored places, actors, articles and events, and ``write`` stores chunk by chunk
through ``bulk_sql`` and ``bulk_references``. ``batches`` is ``POST /events/batch``
on the same path; ``native_ids`` names each source's own event ids.
"""
