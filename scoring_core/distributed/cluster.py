"""Connecting to a Dask cluster: an existing scheduler, or a local cluster sized to the machine."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from distributed import Client, LocalCluster

from ..errors import ScoringError

__all__ = ["DaskConnectionError", "dask_client", "release_worker_memory"]

logger = logging.getLogger(__name__)


class DaskConnectionError(ScoringError):
    """The Dask scheduler at the given address cannot be reached."""


@contextmanager
def dask_client(
    address: str | None = None,
    *,
    n_workers: int | None = None,
    threads_per_worker: int | None = None,
    memory_limit: str | float | None = "auto",
    processes: bool = True,
    timeout: float = 20.0,
) -> Iterator[Client]:
    """A Dask client for the duration of a ``with`` block; closed (with its local cluster) after.

    Parameters
    ----------
    address : str, optional
        Scheduler address (``tcp://host:8786``) of an existing cluster: Kubernetes, YARN,
        a cloud deployment, ``dask scheduler`` on a server. ``None``: a ``LocalCluster``
        sized to the machine (one worker per core by default), listening on 127.0.0.1 only,
        with its dashboard on a free port.
    n_workers, threads_per_worker, memory_limit, processes
        Local cluster only (see ``distributed.LocalCluster``); ``memory_limit`` is per worker.
    timeout : float
        Seconds to wait for the scheduler at ``address``.

    Raises
    ------
    DaskConnectionError
        When the scheduler at ``address`` does not answer.

    Examples
    --------
    >>> with dask_client() as client:  # doctest: +SKIP
    ...     features = dask_features(tables).compute()
    """
    cluster = None
    if address:
        try:
            client = Client(address, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise DaskConnectionError(f"cannot connect to the Dask scheduler at {address}: {exc}") from None
        logger.info("connected to the Dask scheduler at %s", address)
    else:
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=threads_per_worker,
            memory_limit=memory_limit,
            processes=processes,
            dashboard_address="127.0.0.1:0",
            # worker processes talk over TCP on the loopback only; threads in-process
            **({"host": "127.0.0.1"} if processes else {}),
        )
        client = Client(cluster)
        logger.info(
            "local Dask cluster: %d workers, dashboard %s", len(cluster.workers), client.dashboard_link
        )
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _release_memory() -> int:
    """On a worker: collect garbage, hand arrow's and the C allocator's free pages back to the
    system. Returns the worker's resident memory after, in bytes."""
    import ctypes
    import gc

    import psutil
    import pyarrow as pa

    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        pass
    return psutil.Process().memory_info().rss


def release_worker_memory(client: Client | None = None) -> dict[str, int]:
    """Give every worker's freed memory back to the system (Dask's advice for "unmanaged
    memory"): building features frees many large blocks that the allocators otherwise keep,
    and a worker near its memory limit is restarted. Returns each worker's resident memory
    after, in bytes."""
    from distributed import get_client

    client = client or get_client()
    return client.run(_release_memory)
